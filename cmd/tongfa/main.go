// Command tongfa is the single binary of the publishing hub.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}, os.Args[1:]))
}

// run executes one command and returns the process exit code.
func run(ctx context.Context, st Stdio, args []string) int {
	c, rest, ok := lookup(args)
	if !ok {
		usage(st.Err)
		return 2
	}
	err := c.run(ctx, st, rest)
	var ue errUsage
	var ec exitCode
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(st.Err, "tongfa %s: %s\n", c.name, ue.msg)
		return 2
	case errors.As(err, &ec):
		return int(ec)
	default:
		fmt.Fprintf(st.Err, "tongfa %s: %v\n", c.name, err)
		return 1
	}
}

// exitCode lets a command choose its exit status after printing its own
// output (e.g. `check` exits 1 when the text is blocked).
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }
