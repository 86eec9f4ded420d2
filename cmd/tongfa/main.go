// Command tongfa is the single binary of the publishing hub.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	quietRedis(os.Getenv("TONGFA_DEBUG") == "1")
	os.Exit(run(ctx, Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}, os.Args[1:]))
}

// run executes one command and returns the process exit code.
func run(ctx context.Context, st Stdio, args []string) int {
	switch {
	case len(args) == 0:
		usage(st.Err)
		return 2
	case isHelpFlag(args[0]):
		usage(st.Out)
		return 0
	}
	c, rest, ok := lookup(args)
	switch subs := subcommands(args[0]); {
	case !ok && len(subs) > 0:
		fmt.Fprintf(st.Err, "tongfa %s 后面须接子命令：%s。\n", args[0], strings.Join(subs, "、"))
		return 2
	case !ok:
		fmt.Fprintf(st.Err, "tongfa：没有命令「%s」。\n\n", args[0])
		usage(st.Err)
		return 2
	}
	return finish(st, c, c.run(ctx, st, rest))
}

// finish reports how a command ended and chooses the exit code: help 0,
// usage mistakes 2, failures 1 with one Chinese sentence (and the Go chain
// after it when TONGFA_DEBUG=1).
func finish(st Stdio, c command, err error) int {
	var help helpRequested
	var ue errUsage
	var ec exitCode
	switch {
	case err == nil:
		return 0
	case errors.As(err, &help):
		printHelp(st.Out, c, help.fs)
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(st.Err, "tongfa %s：%s\n", c.name, sentence(ue.msg))
		return 2
	case errors.As(err, &ec):
		return int(ec)
	}
	fmt.Fprintf(st.Err, "tongfa %s：%s\n", c.name, operatorMessage(err))
	if os.Getenv("TONGFA_DEBUG") == "1" {
		fmt.Fprintf(st.Err, "详细原因（供开发人员）：%v\n", err)
	}
	return 1
}
