package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"

	"github.com/tongfa/tongfa/config"
)

// parseFlags parses args silently: the flag package's own messages and
// usage are English, so help and mistakes are reported by run instead.
func parseFlags(fs *flag.FlagSet, args []string) error {
	quiet(fs)
	return flagProblem(fs, fs.Parse(args))
}

func quiet(fs *flag.FlagSet) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
}

// flagProblem turns a flag.Parse error into what run reports: help for
// -h/--help (exit 0), a Chinese usage error otherwise (exit 2).
func flagProblem(fs *flag.FlagSet, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		return helpRequested{fs: fs}
	}
	return errUsage{msg: flagMessage(err.Error())}
}

// The flag package's error texts, which it does not export as values.
var flagErrors = []struct {
	re     *regexp.Regexp
	format string // receives the submatches in order
}{
	{regexp.MustCompile(`^flag provided but not defined: -+(.+)$`), "没有参数 --%s"},
	{regexp.MustCompile(`^flag needs an argument: -+(.+)$`), "参数 --%s 后面需要一个值"},
	{regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?-+([^:]+): `), "值「%s」不适用于参数 --%s"},
	{regexp.MustCompile(`^invalid boolean flag -*([^:]+): `), "参数 --%s 只能写作开关（或 =true、=false）"},
	{regexp.MustCompile(`^bad flag syntax: (.*)$`), "参数「%s」的写法有误"},
}

// flagMessage is a flag.Parse error in Chinese.
func flagMessage(msg string) string {
	for _, e := range flagErrors {
		if m := e.re.FindStringSubmatch(msg); m != nil {
			args := make([]any, len(m)-1)
			for i, s := range m[1:] {
				args[i] = s
			}
			return fmt.Sprintf(e.format, args...)
		}
	}
	return "参数有误"
}

// commonFlags are the configuration flags every command shares
// (config.Config.Flags), listed apart in --help.
var commonFlags = sync.OnceValue(func() map[string]bool {
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	c := config.Default()
	c.Flags(fs)
	names := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) { names[f.Name] = true })
	return names
})

// printHelp writes a command's --help: synopsis, summary, help text, then
// its own flags and the shared configuration flags.
func printHelp(w io.Writer, c command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "用法：%s\n\n%s\n", c.synopsis(), c.summary)
	if c.help != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.help))
	}
	if fs == nil {
		return
	}
	var own, common []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) {
		if commonFlags()[f.Name] {
			common = append(common, f)
		} else {
			own = append(own, f)
		}
	})
	printFlags(w, "参数：", own)
	printFlags(w, "通用参数（括号中的环境变量也可设置，参数优先）：", common)
}

func printFlags(w io.Writer, title string, flags []*flag.Flag) {
	if len(flags) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n", title)
	for _, f := range flags {
		name, text := flag.UnquoteUsage(f)
		fmt.Fprintf(w, "  --%s%s\n        %s\n", f.Name, placeholder(f, name), withDefault(text, f.DefValue))
	}
}

// placeholder names a flag's value: the word in `backquotes` of its
// description, else a Chinese word for its type; switches take none.
func placeholder(f *flag.Flag, name string) string {
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return ""
	}
	switch name {
	case "string", "value":
		name = "值"
	case "int", "int64", "uint", "uint64", "float":
		name = "数字"
	case "duration":
		name = "时长"
	}
	return " " + name
}

// withDefault adds a flag's default to its description, inside the
// description's closing parenthesis when it has one.
func withDefault(text, def string) string {
	switch def {
	case "", "0", "false", "[]":
		return text
	}
	if t, ok := strings.CutSuffix(text, "）"); ok {
		return t + "，默认 " + def + "）"
	}
	return text + "（默认 " + def + "）"
}

// multiFlag collects a repeated flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
