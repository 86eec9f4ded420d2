package console

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/tongfa/tongfa"
)

// TestTemplatesParse: templates are parsed on first use, so a broken one
// would otherwise surface only when its page is first served.
func TestTemplatesParse(t *testing.T) {
	for _, p := range Pages {
		if Templates()[p] == nil {
			t.Errorf("page %s has no template", p)
		}
	}
}

// colourLiteral is a colour written out rather than named from the
// palette: hex, a colour function, or a common named colour.
var colourLiteral = regexp.MustCompile(`(?i)#[0-9a-f]{3,8}\b|\b(rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\(|` +
	`\b(white|black|red|green|blue|gr[ae]y|yellow|orange|purple|pink|brown|silver|maroon|navy|teal|olive|lime|aqua|fuchsia|gold)\b`)

var (
	cssComment = regexp.MustCompile(`(?s)/\*.*?\*/`)
	cssRoot    = regexp.MustCompile(`:root\s*\{([^}]*)\}`)
	cssBlock   = regexp.MustCompile(`\{([^{}]*)\}`) // innermost: rules, also inside @media
	cssVarDef  = regexp.MustCompile(`(--[a-z0-9-]+)\s*:`)
	cssVarUse  = regexp.MustCompile(`var\((--[a-z0-9-]+)\)`)
)

// TestPalette: the console's colours are defined once, as custom
// properties in console.css's :root block, and used through var(--…)
// everywhere else (issue 21). A colour literal outside the palette, a
// second palette, a var(--…) the palette lacks or a palette colour no
// rule uses fails. Templates carry no colours (the CSP forbids inline
// styles; SVG takes its colours from classes).
func TestPalette(t *testing.T) {
	palette := map[string]bool{}
	used := map[string]bool{}
	err := fs.WalkDir(Static, ".", func(path string, d fs.DirEntry, err error) error {
		// Vendored stylesheets keep their own colours; console.css
		// overrides the ones that show (the editor's frame and toolbar).
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".css") || strings.HasPrefix(path, "vendor/") {
			return err
		}
		b, err := fs.ReadFile(Static, path)
		if err != nil {
			return err
		}
		css := cssComment.ReplaceAllString(string(b), "")
		roots := cssRoot.FindAllStringSubmatch(css, -1)
		if path != "console.css" && len(roots) > 0 || path == "console.css" && len(roots) != 1 {
			t.Errorf("%s has %d :root blocks; the palette is console.css's one :root block", path, len(roots))
		}
		for _, r := range roots {
			for _, m := range cssVarDef.FindAllStringSubmatch(r[1], -1) {
				palette[m[1]] = true
			}
		}
		css = cssRoot.ReplaceAllString(css, "")
		for _, block := range cssBlock.FindAllStringSubmatch(css, -1) {
			for _, decl := range strings.Split(block[1], ";") {
				_, value, ok := strings.Cut(decl, ":")
				if !ok {
					continue
				}
				if lit := colourLiteral.FindString(value); lit != "" {
					t.Errorf("%s: colour %q outside the palette in %q; add it to :root in console.css and use var(--…)", path, lit, strings.TrimSpace(decl))
				}
				for _, m := range cssVarUse.FindAllStringSubmatch(value, -1) {
					used[m[1]] = true
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(palette) == 0 {
		t.Fatal("no palette in console.css")
	}
	for v := range used {
		if !palette[v] {
			t.Errorf("var(%s) is not in the palette", v)
		}
	}
	for v := range palette {
		if !used[v] {
			t.Errorf("palette colour %s is used by no rule", v)
		}
	}
	inline := regexp.MustCompile(`(?i)\s(style|fill|stroke|color|bgcolor)="`)
	err = fs.WalkDir(FS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(FS, path)
		if loc := inline.FindIndex(b); loc != nil {
			t.Errorf("%s sets a colour or style inline: %q", path, b[loc[0]:min(loc[1]+20, len(b))])
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestPerson(t *testing.T) {
	grants := func(roles ...tongfa.Role) []tongfa.Grant {
		var out []tongfa.Grant
		for i, r := range roles {
			out = append(out, tongfa.Grant{UnitID: int64(i + 1), Role: r})
		}
		return out
	}
	for _, c := range []struct {
		name string
		user *tongfa.User
		want string
	}{
		{"display name and role", &tongfa.User{Username: "wang", DisplayName: "王编辑", Grants: grants(tongfa.RoleEditor)}, "王编辑（采编）"},
		{"roles in the domain's order, once each", &tongfa.User{DisplayName: "李审核",
			Grants: grants(tongfa.RoleDeputy, tongfa.RoleReviewer, tongfa.RoleDeputy)}, "李审核（审核员、分管领导）"},
		{"system administrator last", &tongfa.User{DisplayName: "张管理", Grants: grants(tongfa.RoleSysAdmin, tongfa.RoleAdmin)}, "张管理（管理员、系统管理员）"},
		{"no display name", &tongfa.User{Username: "editor", Grants: grants(tongfa.RoleEditor)}, "editor（采编）"},
		{"no roles", &tongfa.User{Username: "gone", DisplayName: "未知用户"}, "未知用户"},
		{"nobody", nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Person(c.user); got != c.want {
				t.Errorf("Person = %q, want %q", got, c.want)
			}
		})
	}
}
