package spreadsheet

import (
	"strings"
	"testing"
)

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"formula", "=HYPERLINK(\"http://x\",\"点击\")", "'=HYPERLINK(\"http://x\",\"点击\")"},
		{"plus", "+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"},
		{"minus", "-2+3", "'-2+3"},
		{"at", "@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"tab", "\t=1", "'\t=1"},
		{"carriage return", "\r=1", "'\r=1"},
		{"plain Chinese", "示范区教育局", "示范区教育局"},
		{"trigger later", "教育=1", "教育=1"},
		{"percentage", "75.5%", "75.5%"},
		{"empty", "", ""},
		{"full-width equals", "＝1", "＝1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Escape(tc.in); got != tc.want {
				t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzEscape(f *testing.F) {
	f.Add("=1+1")
	f.Add("示范区")
	f.Fuzz(func(t *testing.T, s string) {
		got := Escape(s)
		if got != s && got != "'"+s {
			t.Fatalf("Escape(%q) = %q", s, got)
		}
		if got != "" && strings.IndexByte(triggers, got[0]) >= 0 {
			t.Fatalf("Escape(%q) = %q still starts with a trigger", s, got)
		}
	})
}
