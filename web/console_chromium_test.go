package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	cdplog "github.com/chromedp/cdproto/log"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromium finds the browser: TONGFA_CHROMIUM, /usr/bin/chromium, or
// chromium on PATH. Without one the browser tests skip, unless
// TONGFA_REQUIRE_BROWSER=1 (CI) makes that a failure.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("TONGFA_CHROMIUM"), "/usr/bin/chromium"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("TONGFA_REQUIRE_BROWSER") == "1" {
		t.Fatal("chromium not found and TONGFA_REQUIRE_BROWSER=1 (apt-get install -y chromium)")
	}
	t.Skip("chromium not found; set TONGFA_REQUIRE_BROWSER=1 to make this a failure")
	return ""
}

// screens are the two a page must fit: a leader's phone and a desktop.
var screens = []struct {
	name          string
	width, height int64
	mobile        bool
}{{"phone", 390, 844, true}, {"desktop", 1280, 900, false}}

// tab is one headless Chromium tab that records console errors and
// uncaught exceptions; the test fails on any of them at the end.
type tab struct {
	t        *testing.T
	ctx      context.Context
	base     string
	mu       sync.Mutex
	errors   []string
	expected []string
}

func newTab(t *testing.T, base string, width, height int64, mobile bool) *tab {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.WindowSize(int(width), int(height)),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	tb := &tab{t: t, ctx: ctx, base: base}
	chromedp.ListenTarget(ctx, tb.listen)
	var emulate []chromedp.EmulateViewportOption
	if mobile {
		emulate = append(emulate, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	tb.run(chromedp.EmulateViewport(width, height, emulate...))
	t.Cleanup(tb.noErrors)
	return tb
}

func (tb *tab) listen(ev any) {
	var msg string
	switch e := ev.(type) {
	case *runtime.EventExceptionThrown:
		msg = "exception: " + e.ExceptionDetails.Text
		if e.ExceptionDetails.Exception != nil {
			msg += " " + e.ExceptionDetails.Exception.Description
		}
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.APITypeError {
			var parts []string
			for _, a := range e.Args {
				parts = append(parts, string(a.Value)+a.Description)
			}
			msg = "console.error: " + strings.Join(parts, " ")
		}
	case *cdplog.EventEntryAdded:
		if e.Entry.Level == cdplog.LevelError {
			msg = "log: " + e.Entry.Text + " " + e.Entry.URL
		}
	}
	if msg != "" {
		tb.mu.Lock()
		defer tb.mu.Unlock()
		if e, ok := ev.(*cdplog.EventEntryAdded); ok && e.Entry.Source == cdplog.SourceNetwork {
			for _, part := range tb.expected {
				if strings.Contains(e.Entry.URL, part) {
					return
				}
			}
		}
		tb.errors = append(tb.errors, msg)
	}
}

func (tb *tab) noErrors() {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, e := range tb.errors {
		tb.t.Errorf("browser console: %s", e)
	}
}

func (tb *tab) run(actions ...chromedp.Action) {
	tb.t.Helper()
	if err := chromedp.Run(tb.ctx, actions...); err != nil {
		tb.t.Fatalf("browser: %v (errors so far: %v)", err, tb.errors)
	}
}

// text evaluates a JavaScript expression to a string.
func (tb *tab) text(expr string) string {
	tb.t.Helper()
	var s string
	tb.run(chromedp.Evaluate(expr, &s))
	return s
}

// waitFor polls a JavaScript condition, riding out navigations (an
// evaluation during one fails and is retried).
func (tb *tab) waitFor(what, expr string) {
	tb.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	js := "(function(){try{return !!(" + expr + ")}catch(e){return false}})()"
	for time.Now().Before(deadline) {
		var ok bool
		if err := chromedp.Run(tb.ctx, chromedp.Evaluate(js, &ok)); err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	var page string
	chromedp.Run(tb.ctx, chromedp.Evaluate(`document.body ? document.body.innerText.slice(0, 2000) : ""`, &page)) //nolint:errcheck
	tb.t.Fatalf("waiting for %s (%s) timed out; page text: %s", what, expr, page)
}

// click clicks the first element matching a CSS selector from JavaScript,
// so a list re-rendered by the page between query and click cannot race it.
func (tb *tab) click(sel string) {
	tb.t.Helper()
	tb.waitFor(sel, fmt.Sprintf("document.querySelector(%q)", sel))
	tb.run(chromedp.Evaluate(fmt.Sprintf("document.querySelector(%q).click()", sel), nil))
}

// expect marks failed requests to URLs containing part as expected (the
// browser logs every 4xx answer as an error).
func (tb *tab) expect(part string) {
	tb.mu.Lock()
	tb.expected = append(tb.expected, part)
	tb.mu.Unlock()
}

func (tb *tab) open(path string) {
	tb.t.Helper()
	tb.run(chromedp.Navigate(tb.base+path), chromedp.WaitReady("body", chromedp.ByQuery))
}

func (tb *tab) login(name string) {
	tb.t.Helper()
	tb.open("/login")
	tb.audit("login")
	tb.run(chromedp.SendKeys("#username", name, chromedp.ByID), chromedp.SendKeys("#password", password, chromedp.ByID),
		chromedp.Click(`form[action="/login"] button[type=submit]`, chromedp.ByQuery), chromedp.WaitVisible("#dash", chromedp.ByID))
}

func (tb *tab) logout() {
	tb.t.Helper()
	tb.run(chromedp.Click(`form.logout button`, chromedp.ByQuery), chromedp.WaitVisible("#username", chromedp.ByID))
}

// typeInto focuses an element and inserts text as an IME would.
func (tb *tab) typeInto(sel, text string) {
	tb.t.Helper()
	tb.run(chromedp.Focus(sel, chromedp.ByQuery), input.InsertText(text))
}

var axeSource = sync.OnceValues(func() ([]byte, error) {
	return os.ReadFile(filepath.Join("console", "testdata", "axe-core", "axe.min.js"))
})

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// audit runs axe-core on the page, fails on serious or critical
// violations and on anything overflowing the viewport sideways, and saves
// a screenshot for the artifacts folder.
func (tb *tab) audit(name string) {
	tb.t.Helper()
	src, err := axeSource()
	if err != nil {
		tb.t.Fatal(err)
	}
	var out string
	tb.run(chromedp.Evaluate(string(src), nil),
		chromedp.Evaluate(`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`, &out,
			func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		tb.t.Fatalf("axe on %s: %v", name, err)
	}
	tb.t.Logf("axe on %s: %d violations of any impact", name, len(vs))
	for _, v := range vs {
		if v.Impact != "serious" && v.Impact != "critical" {
			tb.t.Logf("axe %s on %s: %s (%s)", v.Impact, name, v.ID, v.Help)
		}
		if v.Impact == "serious" || v.Impact == "critical" {
			tb.t.Errorf("axe %s on %s: %s (%s) at %v", v.Impact, name, v.ID, v.Help, v.Nodes)
		}
	}
	tb.fits(name)
	tb.screenshot(name)
}

// overflowProbe lists the elements that stick out past the right edge of
// the viewport (its client width: without a desktop scroll bar), outermost
// first: an element is listed only if its parent fits. Whatever is inside a
// .scroll container is exempt, since it scrolls sideways on purpose (wide
// report tables); the container itself must fit and must scroll. A page
// wider than the viewport (text too long for its box) is listed as well.
const overflowProbe = `(() => {
	const width = document.documentElement.clientWidth;
	const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
		(el.classList.length ? "." + [...el.classList].join(".") : "");
	const path = (el) => {
		const parts = [];
		for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) parts.unshift(name(e));
		return parts.join(" > ");
	};
	const right = (el) => {
		const r = el.getBoundingClientRect();
		return r.width === 0 && r.height === 0 ? 0 : r.right + window.scrollX;
	};
	const out = [];
	for (const el of document.body.querySelectorAll("*")) {
		const parent = el.parentElement;
		if (parent.closest(".scroll") || right(el) <= width + 1) continue;
		if (parent !== document.body && right(parent) > width + 1) continue;
		out.push(path(el) + " (right edge " + Math.round(right(el)) + "px)");
	}
	for (const el of document.querySelectorAll(".scroll")) {
		if (!["auto", "scroll"].includes(getComputedStyle(el).overflowX)) out.push(path(el) + " does not scroll sideways");
	}
	if (document.documentElement.scrollWidth > width + 1) out.push("the page is " + document.documentElement.scrollWidth + "px wide");
	return JSON.stringify({width, out});
})()`

// fits fails the test when something on the page overflows the viewport
// horizontally (overflowProbe), naming each offender.
func (tb *tab) fits(name string) {
	tb.t.Helper()
	var got struct {
		Width int
		Out   []string
	}
	if err := json.Unmarshal([]byte(tb.text(overflowProbe)), &got); err != nil {
		tb.t.Fatalf("overflow probe on %s: %v", name, err)
	}
	for _, o := range got.Out {
		tb.t.Errorf("%s overflows the %dpx viewport: %s", name, got.Width, o)
	}
}

func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	// The whole page at the window's width: chromedp's FullScreenshot
	// crops a desktop page by its scroll bar's width, which the capture
	// removes while laying the page out at the full width.
	var size []float64
	tb.run(chromedp.Evaluate(`[window.innerWidth, document.documentElement.scrollHeight]`, &size))
	var png []byte
	tb.run(chromedp.ActionFunc(func(ctx context.Context) (err error) {
		png, err = cdppage.CaptureScreenshot().WithCaptureBeyondViewport(true).WithFromSurface(true).
			WithClip(&cdppage.Viewport{Width: size[0], Height: size[1], Scale: 1}).Do(ctx)
		return err
	}))
	dir := artifacts(tb.t)
	tb.t.Logf("screenshot %s (%s)", filepath.Join(dir, name+".png"), time.Now().Format("15:04:05.000"))
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// artifacts is where screenshots go: TONGFA_TEST_ARTIFACTS, or a folder
// under the system temp directory, named in the test log.
func artifacts(t *testing.T) string {
	dir := os.Getenv("TONGFA_TEST_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "tongfa-console-artifacts")
	}
	dir = filepath.Join(dir, t.Name())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
