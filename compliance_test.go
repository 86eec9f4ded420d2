package tongfa_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// docs/compliance.md traces each rule (R1–R12) to the code that enforces it
// and the tests that prove it. These tests keep it true: a rule without its
// subsection or its tests, a test named under "Proved by" that no longer
// exists, or an identifier or file named under "Enforced by" that is gone
// fails them.

const complianceDoc = "docs/compliance.md"

var (
	backticked = regexp.MustCompile("`([^`]+)`")
	// testRef is package.TestName, the package path relative to the
	// module root ("tongfa" is the root package).
	testRef = regexp.MustCompile(`^([a-z][a-z0-9_]*(?:/[a-z][a-z0-9_]*)*)\.(Test[A-Z0-9_][A-Za-z0-9_]*)$`)
	// goIdent is package.Name or package.Type.Method.
	goIdent  = regexp.MustCompile(`^([a-z][a-z0-9_]*(?:/[a-z][a-z0-9_]*)*)\.([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?)$`)
	filePath = regexp.MustCompile(`^[\w.-]+(?:/[\w.-]+)+\.(?:go|sql|yaml|tsv|md)$`)
	ruleHead = regexp.MustCompile(`^### (R\d+) `)
)

func complianceLines(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(complianceDoc)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(string(b), "\n")
}

// blocks returns the lines of each paragraph that opens with **label, up to
// the next bold paragraph or heading.
func blocks(lines []string, label string) [][]string {
	var out [][]string
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "**"+label) {
			continue
		}
		b := []string{lines[i]}
		for i+1 < len(lines) && !strings.HasPrefix(lines[i+1], "**") && !strings.HasPrefix(lines[i+1], "#") {
			i++
			b = append(b, lines[i])
		}
		out = append(out, b)
	}
	return out
}

// ruleSections splits "## The rules" into its "### Rn" subsections.
func ruleSections(t *testing.T, lines []string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	in, rule := false, ""
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "## "):
			in, rule = strings.HasPrefix(l, "## The rules"), ""
		case in && strings.HasPrefix(l, "### "):
			m := ruleHead.FindStringSubmatch(l)
			if m == nil {
				t.Errorf("%s: heading %q does not name a rule", complianceDoc, l)
				rule = ""
				continue
			}
			if _, dup := out[m[1]]; dup {
				t.Errorf("%s: %s has two subsections", complianceDoc, m[1])
			}
			rule, out[m[1]] = m[1], []string{}
		case in && rule != "":
			out[rule] = append(out[rule], l)
		}
	}
	return out
}

// provedBy returns the test references of a "Proved by" block; each list
// item must open with one.
func provedBy(t *testing.T, block []string) [][]string {
	t.Helper()
	var refs [][]string
	for _, l := range block {
		if !strings.HasPrefix(l, "- ") {
			continue
		}
		toks := backticked.FindAllStringSubmatch(l, -1)
		if len(toks) == 0 || !testRef.MatchString(toks[0][1]) {
			t.Errorf("%s: a Proved-by item does not open with `package.TestName`: %s", complianceDoc, l)
			continue
		}
		for _, tok := range toks {
			if m := testRef.FindStringSubmatch(tok[1]); m != nil {
				refs = append(refs, m)
			}
		}
	}
	return refs
}

func TestComplianceDocCoversEveryRule(t *testing.T) {
	rules := ruleSections(t, complianceLines(t))
	for n := 1; n <= 12; n++ {
		r := fmt.Sprintf("R%d", n)
		sec, ok := rules[r]
		switch {
		case !ok:
			t.Errorf("%s has no subsection ### %s", complianceDoc, r)
		case len(blocks(sec, "Enforced by")) == 0:
			t.Errorf("%s: %s says nothing under Enforced by", complianceDoc, r)
		default:
			var refs [][]string
			for _, b := range blocks(sec, "Proved by") {
				refs = append(refs, provedBy(t, b)...)
			}
			if len(refs) == 0 {
				t.Errorf("%s: %s names no test under Proved by", complianceDoc, r)
			}
		}
	}
	if len(rules) != 12 {
		t.Errorf("%s: %d rule subsections, want R1–R12", complianceDoc, len(rules))
	}
}

func TestComplianceDocNamesLiveTests(t *testing.T) {
	c := newDecls()
	for _, b := range blocks(complianceLines(t), "Proved by") {
		for _, ref := range provedBy(t, b) {
			if !c.tests(t, ref[1])[ref[2]] {
				t.Errorf("%s names %s, but package %s has no func %s(*testing.T)", complianceDoc, ref[0], ref[1], ref[2])
			}
		}
	}
}

func TestComplianceDocNamesLiveCode(t *testing.T) {
	c := newDecls()
	for _, b := range blocks(complianceLines(t), "Enforced by") {
		for _, tok := range backticked.FindAllStringSubmatch(strings.Join(b, "\n"), -1) {
			name := tok[1]
			if filePath.MatchString(name) {
				if _, err := os.Stat(name); err != nil {
					t.Errorf("%s names %s: %v", complianceDoc, name, err)
				}
			} else if m := goIdent.FindStringSubmatch(name); m != nil && !c.code(t, m[1])[m[2]] {
				t.Errorf("%s names %s, which package %s does not declare", complianceDoc, name, m[1])
			}
		}
	}
}

// decls reads the top-level declarations of the module's packages, once
// per directory.
type decls struct{ test, nonTest map[string]map[string]bool }

func newDecls() *decls {
	return &decls{test: map[string]map[string]bool{}, nonTest: map[string]map[string]bool{}}
}

// dir maps a package path of the doc to its directory.
func dir(pkg string) string {
	if pkg == "tongfa" {
		return "."
	}
	return filepath.FromSlash(pkg)
}

// tests are the test functions of pkg, in package x or x_test files.
func (d *decls) tests(t *testing.T, pkg string) map[string]bool {
	if d.test[pkg] == nil {
		d.test[pkg] = parseDir(t, pkg, true)
	}
	return d.test[pkg]
}

// code are the functions, types, variables, constants and methods
// (Type.Method) of pkg.
func (d *decls) code(t *testing.T, pkg string) map[string]bool {
	if d.nonTest[pkg] == nil {
		d.nonTest[pkg] = parseDir(t, pkg, false)
	}
	return d.nonTest[pkg]
}

func parseDir(t *testing.T, pkg string, tests bool) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	files, _ := filepath.Glob(filepath.Join(dir(pkg), "*.go"))
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") != tests {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range af.Decls {
			if tests {
				if f, ok := decl.(*ast.FuncDecl); ok && f.Recv == nil && isTest(f) {
					names[f.Name.Name] = true
				}
				continue
			}
			for _, n := range declared(decl) {
				names[n] = true
			}
		}
	}
	return names
}

// declared are the names a top-level declaration adds: a function, a
// method as Type.Method, types, variables and constants.
func declared(decl ast.Decl) []string {
	var out []string
	switch d := decl.(type) {
	case *ast.FuncDecl:
		if d.Recv == nil {
			return []string{d.Name.Name}
		}
		return []string{recvName(d.Recv.List[0].Type) + "." + d.Name.Name}
	case *ast.GenDecl:
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				out = append(out, s.Name.Name)
			case *ast.ValueSpec:
				for _, n := range s.Names {
					out = append(out, n.Name)
				}
			}
		}
	}
	return out
}

// isTest reports whether f is func(*testing.T).
func isTest(f *ast.FuncDecl) bool {
	ps := f.Type.Params.List
	if len(ps) != 1 || len(ps[0].Names) > 1 {
		return false
	}
	star, ok := ps[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == "testing" && sel.Sel.Name == "T"
}

// recvName is the type name of a method's receiver: T, *T, T[K] or *T[K].
func recvName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return recvName(e.X)
	case *ast.IndexExpr:
		return recvName(e.X)
	case *ast.IndexListExpr:
		return recvName(e.X)
	case *ast.Ident:
		return e.Name
	}
	return ""
}
