package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/tongfa/tongfa/connectors/sim"
)

func init() {
	register(command{name: "sim", args: "[--listen 地址] [--seed 数字] [--safe-domains 域名,…]",
		summary: "运行微信、微博、抖音、移动客户端和政府网站的平台模拟器。", run: runSim})
}

// runSim: tongfa sim [--listen ADDR] [--seed N] [--safe-domains D,…]
func runSim(ctx context.Context, st Stdio, args []string) error {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:8090", "模拟器监听的`地址`，主机:端口")
	seed := fs.Uint64("seed", 1, "故障注入的随机`种子`")
	safe := fs.String("safe-domains", "", "除模拟器自身外，微博允许链接的`域名`，逗号分隔")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ln, err := listenSim(*listen)
	if err != nil {
		return err
	}
	fmt.Fprintf(st.Out, "平台模拟器运行在 http://%s：/wechat /weibo /douyin /app /website，已发布内容见 GET /_sim/posts，注入故障用 POST /_sim/faults。\n", ln.Addr())
	opts := sim.Options{Seed: *seed}
	if *safe != "" {
		opts.SafeDomains = strings.Split(*safe, ",")
	}
	return serveSim(ctx, ln, sim.NewWith(opts))
}

// listenSim opens the simulators' address, saying in Chinese why not.
func listenSim(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, failure(err, "平台模拟器：%s", listenProblem(addr, err))
	}
	return ln, nil
}

// serveSim serves s on ln until ctx ends.
func serveSim(ctx context.Context, ln net.Listener, s *sim.Server) error {
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shut) //nolint:errcheck
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
