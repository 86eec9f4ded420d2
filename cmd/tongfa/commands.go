package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Stdio is the process's standard streams, replaceable in tests.
type Stdio struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// command is one `tongfa` subcommand. Files register theirs in init so that
// each command lives next to its own code.
type command struct {
	name    string // may contain a space: "user add"
	summary string
	run     func(ctx context.Context, st Stdio, args []string) error
}

var commands = map[string]command{}

func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("tongfa: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// lookup finds the longest registered command name that prefixes args.
func lookup(args []string) (command, []string, bool) {
	if len(args) >= 2 {
		if c, ok := commands[args[0]+" "+args[1]]; ok {
			return c, args[2:], true
		}
	}
	if len(args) >= 1 {
		if c, ok := commands[args[0]]; ok {
			return c, args[1:], true
		}
	}
	return command{}, nil, false
}

func usage(w io.Writer) {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "usage: tongfa COMMAND [flags]")
	fmt.Fprintln(w, "\ncommands:")
	for _, n := range names {
		fmt.Fprintf(w, "  %-16s %s\n", n, commands[n].summary)
	}
}

// errUsage reports a command-line mistake; main prints it and exits 2.
type errUsage struct{ msg string }

func (e errUsage) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return errUsage{msg: strings.TrimSpace(fmt.Sprintf(format, args...))}
}
