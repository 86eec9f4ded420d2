package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/tongfa/tongfa/connectors/sim"
)

func init() {
	register(command{name: "sim", args: "[--listen 地址] [--state 文件] [--seed 数字] [--safe-domains 域名,…]",
		summary: "运行微信、微博、抖音、移动客户端和政府网站的平台模拟器。", run: runSim,
		help: "--state 给出文件时，模拟器启动时读取其中保存的已发布内容，运行中和退出时写回，重启后已发布的链接仍然有效。"})
}

// defaultSimListen is where the simulators listen unless told otherwise.
const defaultSimListen = "127.0.0.1:8090"

// simListen is the simulators' address: TONGFA_SIM_LISTEN or the default.
func simListen() string { return cmp.Or(os.Getenv("TONGFA_SIM_LISTEN"), defaultSimListen) }

// runSim: tongfa sim [--listen ADDR] [--state FILE] [--seed N] [--safe-domains D,…]
func runSim(ctx context.Context, st Stdio, args []string) error {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	listen := fs.String("listen", simListen(), "模拟器监听的`地址`，主机:端口（TONGFA_SIM_LISTEN）")
	state := fs.String("state", "", "保存已发布内容的`文件`，重启后从中恢复")
	seed := fs.Uint64("seed", 1, "故障注入的随机`种子`")
	safe := fs.String("safe-domains", "", "除模拟器自身外，微博允许链接的`域名`，逗号分隔")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	opts := sim.Options{Seed: *seed}
	if *safe != "" {
		opts.SafeDomains = strings.Split(*safe, ",")
	}
	s := sim.NewWith(opts)
	kept, err := keepSimState(*state, s)
	if err != nil {
		return err
	}
	ln, err := listenSim(*listen)
	if err != nil {
		return err
	}
	fmt.Fprintf(st.Out, "平台模拟器运行在 http://%s：/wechat /weibo /douyin /app /website，已发布内容见 GET /_sim/posts，注入故障用 POST /_sim/faults。\n", ln.Addr())
	stop := kept.run(ctx)
	err = serveSim(ctx, ln, s)
	return errors.Join(err, stop())
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
