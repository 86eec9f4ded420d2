package main

import (
	"os"
	"strings"
	"testing"
)

// readmeCommands reads the command lines ("tongfa …") of the code block
// under README's "The binary".
func readmeCommands(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## The binary\n")
	_, block, ok2 := strings.Cut(section, "\n```\n")
	block, _, ok3 := strings.Cut(block, "\n```")
	if !ok || !ok2 || !ok3 {
		t.Fatal("README has no code block under ## The binary")
	}
	var lines []string
	for _, l := range strings.Split(block, "\n") {
		if strings.HasPrefix(l, "tongfa ") {
			lines = append(lines, l)
		}
	}
	return lines
}

// TestReadmeListsEveryCommand: README's command list and the registered
// commands are the same set, both ways.
func TestReadmeListsEveryCommand(t *testing.T) {
	listed := map[string]bool{}
	for _, line := range readmeCommands(t) {
		c, _, ok := lookup(strings.Fields(line)[1:])
		if !ok {
			t.Errorf("README lists a command tongfa does not have: %s", line)
			continue
		}
		listed[c.name] = true
	}
	for _, name := range commandNames() {
		if !listed[name] {
			t.Errorf("README does not list tongfa %s", name)
		}
	}
}
