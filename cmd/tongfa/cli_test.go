package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// english finds three English words in a row: a sentence that escaped
// translation (command names, values and URLs are single words).
var english = regexp.MustCompile(`[A-Za-z]{3,} [A-Za-z]{3,} [A-Za-z]{3,}`)

// TestEveryCommandHasChineseHelp: --help on every command prints its
// Chinese usage and exits 0, and every flag is described in Chinese.
func TestEveryCommandHasChineseHelp(t *testing.T) {
	for _, name := range commandNames() {
		t.Run(name, func(t *testing.T) {
			code, out := runCLI(t, "", append(strings.Fields(name), "--help")...)
			if code != 0 || !strings.HasPrefix(out, "用法：tongfa "+name) || !strings.Contains(out, commands[name].summary) {
				t.Fatalf("exit %d:\n%s", code, out)
			}
			_, rest, _ := strings.Cut(out, "\n")
			if m := english.FindString(rest); m != "" {
				t.Errorf("English in the help: %q\n%s", m, out)
			}
			var help helpRequested
			var st bytes.Buffer
			err := commands[name].run(context.Background(), Stdio{Out: &st, Err: &st}, []string{"--help"})
			if !errors.As(err, &help) && name != "help" {
				t.Fatalf("--help returned %v", err)
			}
			if help.fs != nil {
				help.fs.VisitAll(func(f *flag.Flag) {
					if !hasHan(f.Usage) {
						t.Errorf("flag --%s has no Chinese description: %q", f.Name, f.Usage)
					}
				})
			}
		})
	}
}

// TestUsageListsEveryCommand: the top-level usage names every command
// with a Chinese summary, on --help (exit 0) and on a mistake (exit 2).
func TestUsageListsEveryCommand(t *testing.T) {
	code, out := runCLI(t, "", "--help")
	if code != 0 || !strings.HasPrefix(out, "用法：tongfa 命令") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, name := range commandNames() {
		if s := commands[name].summary; !hasHan(s) || !strings.Contains(out, "  "+name+" ") || !strings.Contains(out, s) {
			t.Errorf("%s (%q) missing from the usage or not Chinese", name, s)
		}
	}
	if code, again := runCLI(t, "", "help"); code != 0 || again != out {
		t.Errorf("tongfa help: exit %d:\n%s", code, again)
	}
	if code, _ := runCLI(t, ""); code != 2 {
		t.Errorf("no command: exit %d, want 2", code)
	}
	if code, out := runCLI(t, "", "audit"); code != 2 || out != "tongfa audit 后面须接子命令：checkpoint、export、key、prune、upgrade、verify。\n" {
		t.Errorf("tongfa audit: exit %d %q", code, out)
	}
	if code, help := runCLI(t, "", "help", "token", "create"); code != 0 || !strings.HasPrefix(help, "用法：tongfa token create --user 用户名") {
		t.Errorf("tongfa help token create: exit %d:\n%s", code, help)
	}
}

// TestFlagMistakesInChinese: the flag package's English never reaches
// the operator.
func TestFlagMistakesInChinese(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"token", "create", "--bogus"}, "tongfa token create：没有参数 --bogus。\n"},
		{[]string{"token", "create", "--days", "abc"}, "tongfa token create：值「abc」不适用于参数 --days。\n"},
		{[]string{"token", "create", "--user"}, "tongfa token create：参数 --user 后面需要一个值。\n"},
		{[]string{"check", "--json=maybe"}, "tongfa check：值「maybe」不适用于参数 --json。\n"},
		{[]string{"sim", "--seed", "-1"}, "tongfa sim：值「-1」不适用于参数 --seed。\n"},
	} {
		if code, out := runCLI(t, "", tc.args...); code != 2 || out != tc.want {
			t.Errorf("%v: exit %d %q, want %q", tc.args, code, out, tc.want)
		}
	}
}
