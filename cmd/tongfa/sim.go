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
	register(command{name: "sim", summary: "serve the WeChat, Weibo, app and website simulators", run: runSim})
}

// runSim: tongfa sim [--listen ADDR] [--seed N] [--safe-domains D,…]
func runSim(ctx context.Context, st Stdio, args []string) error {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	fs.SetOutput(st.Err)
	listen := fs.String("listen", "127.0.0.1:8090", "address to serve the simulators on")
	seed := fs.Uint64("seed", 1, "seed of fault injection")
	safe := fs.String("safe-domains", "", "comma-separated domains Weibo links may point to, besides the simulator's own host")
	if err := fs.Parse(args); err != nil {
		return usageErrorf("%v", err)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	fmt.Fprintf(st.Out, "simulators on http://%s: /wechat /weibo /app /website, GET /_sim/posts, POST /_sim/faults\n", ln.Addr())
	opts := sim.Options{Seed: *seed}
	if *safe != "" {
		opts.SafeDomains = strings.Split(*safe, ",")
	}
	return serveSim(ctx, ln, sim.NewWith(opts))
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
