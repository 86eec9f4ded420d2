package main

import (
	"context"
	"errors"
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
// each command lives next to its own code. Everything an operator reads
// about it (summary, synopsis, help) is Simplified Chinese.
type command struct {
	name    string // may contain a space: "user add"
	args    string // the synopsis after the name: "--name 名称 [--parent 上级单位]"
	summary string // one sentence, shown in the command list and atop --help
	help    string // optional: more about the command, shown by --help
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

// commandNames lists every registered command, sorted.
func commandNames() []string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// subcommands lists the second words of the commands named group first:
// "unit" → ["add"].
func subcommands(group string) []string {
	var subs []string
	for _, n := range commandNames() {
		if sub, ok := strings.CutPrefix(n, group+" "); ok {
			subs = append(subs, sub)
		}
	}
	return subs
}

// usage lists every command with its summary.
func usage(w io.Writer) {
	fmt.Fprintln(w, "用法：tongfa 命令 [参数]")
	fmt.Fprintln(w, "\n命令：")
	for _, n := range commandNames() {
		fmt.Fprintf(w, "  %-20s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\n运行 tongfa 命令 --help 查看该命令的用法和参数。")
}

// synopsis is the command's usage line.
func (c command) synopsis() string {
	return strings.TrimSpace("tongfa " + c.name + " " + c.args)
}

func init() {
	register(command{name: "help", args: "[命令]", summary: "列出全部命令，或显示一个命令的用法。", run: runHelp})
}

// runHelp: tongfa help [COMMAND] prints what --help would.
func runHelp(ctx context.Context, st Stdio, args []string) error {
	switch {
	case len(args) == 0:
		usage(st.Out)
		return nil
	case isHelpFlag(args[0]):
		return helpRequested{}
	}
	c, rest, ok := lookup(args)
	if !ok || len(rest) > 0 {
		return usageErrorf("没有命令「%s」，运行 tongfa help 查看全部命令", strings.Join(args, " "))
	}
	var h helpRequested
	if c.name == "help" {
		printHelp(st.Out, c, nil)
		return nil
	}
	if err := c.run(ctx, st, []string{"--help"}); !errors.As(err, &h) {
		return err
	}
	printHelp(st.Out, c, h.fs)
	return nil
}

func isHelpFlag(a string) bool { return a == "-h" || a == "-help" || a == "--help" }
