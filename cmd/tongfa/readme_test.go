package main

import (
	"io/fs"
	"os"
	"path/filepath"
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

// TestReadmeNamesEveryPackage: README's "Where things are" names every
// package directory of the module (a test helper package counts through
// its `…test/` row), so the map stays true as packages come and go.
func TestReadmeNamesEveryPackage(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(b), "\n## Where things are\n")
	section, _, _ = strings.Cut(section, "\n## ")
	err = filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(path, "../../"))
		switch {
		case path == "../..":
			return nil
		case strings.HasPrefix(d.Name(), ".") || rel == "bench" || rel == "bin" || strings.Contains(rel, "testdata"):
			return fs.SkipDir
		}
		if goFiles, _ := filepath.Glob(filepath.Join(path, "*.go")); len(goFiles) == 0 {
			return nil
		}
		name := d.Name()
		switch {
		case strings.HasSuffix(name, "test") || name == "benchdata":
			return nil // helpers, under the …test/ row
		case strings.Contains(section, "`"+rel+"/`"), strings.Contains(section, "`"+name+"`"), strings.Contains(section, "(`"+rel+"`)"):
			return nil
		}
		t.Errorf("README's \"Where things are\" does not name package %s", rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
