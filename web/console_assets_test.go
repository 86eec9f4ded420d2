package web_test

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// pageScripts are the console's optional scripts, each with the mark of a
// page that uses it. A page loads one exactly when it carries the mark
// (docs/console.md, "Assets per page"); console.js is on every page.
var pageScripts = []struct {
	src  string
	mark *regexp.Regexp
	what string
}{
	{"/static/vendor/htmx/htmx.min.js", regexp.MustCompile(`<[a-z][^>]*\s(data-)?hx-[a-z-]+=`), "hx-* attributes"},
	{"/static/compose.js", regexp.MustCompile(`<form[^>]*\sid="compose"`), "the compose form"},
	{"/static/vendor/quill/2.0.3/quill.js", regexp.MustCompile(`<form[^>]*\sid="compose"`), "the compose form (its body editor)"},
	{"/static/answer.js", regexp.MustCompile(`<form[^>]*\sid="answer-form"`), "the answer composer"},
}

// scriptProblems says where a console page's scripts and marks disagree.
func scriptProblems(html string) []string {
	var out []string
	for _, s := range pageScripts {
		loaded := strings.Contains(html, `<script src="`+s.src+`"`)
		marked := s.mark.MatchString(html)
		switch {
		case marked && !loaded:
			out = append(out, "has "+s.what+" but does not load "+s.src)
		case loaded && !marked:
			out = append(out, "loads "+s.src+" without "+s.what)
		}
	}
	if n := strings.Count(html, "<script"); n != strings.Count(html[:max(strings.Index(html, "</head>"), 0)], "<script") {
		out = append(out, "has a script outside <head>")
	}
	return out
}

// checkScripts wraps the test server: every console page any test opens,
// in the browser or over HTTP, is checked by scriptProblems. Fragments
// (the htmx poll), API answers and the vendored queue dashboard
// (/admin/queues, asynqmon's own page) are not console pages.
func checkScripts(t testing.TB, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &pageRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		page := rec.buf.String()
		if !strings.HasPrefix(page, "<!doctype html>") || strings.HasPrefix(r.URL.Path, "/admin/queues") {
			return
		}
		for _, p := range scriptProblems(page) {
			t.Errorf("console page %.200s %s", r.URL.RequestURI(), p)
		}
	})
}

// pageRecorder passes a response through and keeps a copy of an HTML body.
type pageRecorder struct {
	http.ResponseWriter
	html, wrote bool
	buf         bytes.Buffer
}

func (w *pageRecorder) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		w.html = strings.HasPrefix(w.Header().Get("Content-Type"), "text/html")
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *pageRecorder) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if w.html {
		w.buf.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

func (w *pageRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// TestConsoleScriptsPerPage: pages load compose.js, answer.js and htmx
// only where they use them (issue 21). checkScripts holds every page to
// the same rule; this test names the cases.
func TestConsoleScriptsPerPage(t *testing.T) {
	h := setupConsole(t)
	targets := registerAccounts(t, h)
	review := itemBody("审核中的稿件")
	review["targets"] = targets
	inReview := h.createItem("editor", review)
	if st := h.script("editor").do("POST", "/api/v1/items/"+itoa(inReview.ID)+"/submit", nil, nil); st != 200 {
		t.Fatalf("submit: %d", st)
	}
	body := itemBody("发送中的稿件")
	body["targets"] = targets
	sending := h.createItem("editor", body)
	submitAndSign(t, h, sending) // no worker runs: the deliveries stay pending, the page polls
	seed := seedInbox(t, h)

	scripts := func(html string) string {
		var got []string
		for _, m := range regexp.MustCompile(`<script src="([^"]+)"`).FindAllStringSubmatch(html, -1) {
			got = append(got, m[1])
		}
		return strings.Join(got, " ")
	}
	const (
		base    = "/static/console.js"
		htmx    = base + " /static/vendor/htmx/htmx.min.js"
		compose = base + " /static/vendor/quill/2.0.3/quill.js /static/compose.js"
		answer  = base + " /static/answer.js"
	)
	anon := h.visitor(t)
	if _, html, _ := anon.get("/login"); scripts(html) != base {
		t.Errorf("/login loads %q, want %q", scripts(html), base)
	}
	for _, c := range []struct{ who, path, want string }{
		{"admin", "/admin/audit", base},
		{"admin", "/", base},
		{"editor", "/compose", compose},
		{"editor", "/items/" + itoa(inReview.ID) + "/edit", compose},
		{"editor", "/items/" + itoa(inReview.ID), base},
		{"editor", "/items/" + itoa(sending.ID), htmx},
		{"editor", "/inbox/" + itoa(seed.overdue.ID), answer},
		{"auditor", "/inbox/" + itoa(seed.overdue.ID), base},
		{"reviewer", "/reviews", base},
	} {
		p := h.visitor(t)
		p.login(c.who)
		st, html, _ := p.get(c.path)
		if st != http.StatusOK || scripts(html) != c.want {
			t.Errorf("%s %s: %d, loads %q, want %q", c.who, c.path, st, scripts(html), c.want)
		}
	}
	if got := scriptProblems(`<!doctype html><html><head><script src="/static/console.js" defer></script></head><body><div hx-get="/x"></div></body></html>`); len(got) != 1 {
		t.Errorf("hx-get without htmx: %v", got)
	}
	if got := scriptProblems(`<!doctype html><html><head><script src="/static/vendor/htmx/htmx.min.js" defer></script></head><body></body></html>`); len(got) != 1 {
		t.Errorf("htmx without hx-*: %v", got)
	}
}
