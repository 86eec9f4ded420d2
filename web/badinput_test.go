package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/tongfa/tongfa"
)

// The bad-input test (issue 16): every route of the authorization matrix
// is called, by an actor the route serves, with its JSON fields, form
// fields, text bodies, query parameters and path ids replaced by NUL
// bytes, invalid UTF-8, overlong strings, values of the wrong type and
// bodies of 10 MB. No call may answer 5xx, every API refusal is a JSON
// error with a code, and nothing stored before is lost.

// Hostile values of a string field, as raw JSON.
var badJSONValues = map[string]string{
	"nul":            `"a\u0000b"`,
	"invalid utf8":   "\"a\xff\xfeb\"",
	"lone surrogate": `"a\ud800b"`,
	"overlong":       `"` + strings.Repeat("长", 200_000) + `"`,
	"number":         `12345678901234567890123`,
	"negative":       `-1`,
	"float":          `1.5e308`,
	"bool":           `true`,
	"array":          `["x", 1, null]`,
	"object":         `{"a": {"b": []}}`,
	"null":           `null`,
}

// Hostile whole bodies.
var badBodies = map[string]string{
	"empty":        ``,
	"truncated":    `{"a":`,
	"array":        `[]`,
	"string":       `"x"`,
	"null":         `null`,
	"trailing":     `{} {}`,
	"nul":          "{\"a\":\"\x00\"}",
	"invalid utf8": "{\"a\":\"\xff\"}",
	"deep":         strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000),
}

// Hostile query and path values (already escaped).
var badQueryValues = map[string]string{
	"nul":          "a%00b",
	"invalid utf8": "a%FF%FEb",
	"overlong":     strings.Repeat("a", 20_000),
	"wrong type":   "abc",
	"huge number":  "99999999999999999999999",
	"negative":     "-1",
	"bad time":     "2026-13-45T99:99:99Z",
	"repeated":     "1&x=2",
}

var queryName = regexp.MustCompile(`(?:q\.Get|Query\(\)\.Get|queryTime\(r, |queryInt\(r, )\("?([a-z_]+)"`)

// queryNames are every query parameter the handlers read (found in their
// source) and every one the API document lists.
func queryNames(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range queryName.FindAllStringSubmatch(string(src), -1) {
			seen[m[1]] = true
		}
	}
	for _, o := range loadOpenAPI(t).operations() {
		for _, p := range o.params {
			if p["in"] == "query" {
				seen[str(p["name"])] = true
			}
		}
	}
	if len(seen) < 15 {
		t.Fatalf("found only %d query parameters: %v", len(seen), seen)
	}
	return slices.Sorted(func(yield func(string) bool) {
		for k := range seen {
			if !yield(k) {
				return
			}
		}
	})
}

// served picks who calls a row: the first actor it serves on an object of
// their own unit, else the system administrator (anonymous rows: nobody).
func served(t *testing.T, r row) (actor string, anon bool) {
	want, anon := expect(t, r.want)
	if anon {
		return "", true
	}
	for _, a := range actors {
		if st := want[a][0]; st >= 200 && st < 300 {
			return a, false
		}
	}
	return "sysadmin", false
}

// mutation is one hostile call.
type mutation struct {
	what   string
	method string
	path   string
	body   []byte
	ctype  string
	actor  string
	anon   bool
}

// mutations derives the hostile calls of one row from its valid request.
func mutations(r row, req request, actor string, anon bool, names []string) []mutation {
	base := mutation{method: r.method, path: req.path, actor: actor, anon: anon}
	if base.method == "ANY" {
		base.method = http.MethodGet
	}
	var out []mutation
	add := func(what string, change func(*mutation)) {
		m := base
		m.what = what
		m.body, m.ctype = encodeBody(req)
		change(&m)
		out = append(out, m)
	}
	// Query parameters, one at a time.
	if base.method == http.MethodGet {
		for _, n := range names {
			for what, v := range badQueryValues {
				add("query "+n+" "+what, func(m *mutation) { m.path = withQuery(m.path, n+"="+v) })
			}
		}
	}
	// Ids in the path.
	segs := strings.Split(strings.SplitN(base.path, "?", 2)[0], "/")
	for i, s := range segs {
		if s == "" || strings.Trim(s, "0123456789") != "" {
			continue
		}
		for _, v := range []string{"0", "-1", "99999999999999999999999", "a%00b", "%FF", "1e3"} {
			add(fmt.Sprintf("path segment %d %s", i, v), func(m *mutation) {
				s2 := slices.Clone(segs)
				s2[i] = v
				rest := ""
				if _, q, ok := strings.Cut(base.path, "?"); ok {
					rest = "?" + q
				}
				m.path = strings.Join(s2, "/") + rest
			})
		}
	}
	if base.method == http.MethodGet {
		return out
	}
	// Bodies.
	switch b := req.body.(type) {
	case nil:
	case string:
		if req.form {
			vals, _ := url.ParseQuery(b)
			for k := range vals {
				for what, v := range map[string]string{"nul": "a%00b", "invalid utf8": "%FF%FE", "overlong": strings.Repeat("a", 2_000_000)} {
					add("form "+k+" "+what, func(m *mutation) {
						c := url.Values{}
						for k2, vs := range vals {
							c[k2] = slices.Clone(vs)
						}
						c.Del(k)
						m.body = []byte(c.Encode() + "&" + url.QueryEscape(k) + "=" + v)
					})
				}
			}
		} else {
			for what, v := range map[string]string{"nul": "\x00", "invalid utf8": "\xff\xfe", "control": "\x1b[31m"} {
				add("text body "+what, func(m *mutation) { m.body = append([]byte(b), v...) })
			}
		}
	default:
		raw, _ := json.Marshal(b)
		var fields map[string]json.RawMessage
		if json.Unmarshal(raw, &fields) == nil {
			for k := range fields {
				for what, v := range badJSONValues {
					add("field "+k+" "+what, func(m *mutation) { m.body = replaceField(fields, k, v) })
				}
			}
			for what, v := range badJSONValues {
				add("unknown field "+what, func(m *mutation) { m.body = replaceField(fields, "zz_unknown", v) })
			}
		}
		for what, v := range badBodies {
			add("body "+what, func(m *mutation) { m.body = []byte(v) })
		}
		add("body as form", func(m *mutation) { m.ctype = "application/x-www-form-urlencoded" })
	}
	// Ten megabytes, whatever the route takes.
	add("10 MB body", func(m *mutation) {
		m.body = append(append([]byte(`{"text":"`), bytes.Repeat([]byte("a"), 10<<20)...), `"}`...)
		if m.ctype == "" {
			m.ctype = "application/json"
		}
	})
	return out
}

func encodeBody(req request) ([]byte, string) {
	switch b := req.body.(type) {
	case nil:
		return nil, ""
	case string:
		if req.form {
			return []byte(b), "application/x-www-form-urlencoded"
		}
		return []byte(b), ""
	default:
		js, _ := json.Marshal(b)
		return js, "application/json"
	}
}

func withQuery(path, kv string) string {
	if strings.Contains(path, "?") {
		return path + "&" + kv
	}
	return path + "?" + kv
}

// replaceField is the object fields with key set to raw JSON v; the keys
// are written in order so the bytes are exactly as meant.
func replaceField(fields map[string]json.RawMessage, key, v string) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range fields {
			if !yield(k) {
				return
			}
		}
	})
	if !slices.Contains(keys, key) {
		keys = append(keys, key)
	}
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kj, _ := json.Marshal(k)
		b.Write(kj)
		b.WriteByte(':')
		if k == key {
			b.WriteString(v)
		} else {
			b.Write(fields[k])
		}
	}
	b.WriteByte('}')
	return b.Bytes()
}

func TestBadInputNeverAnswers5xx(t *testing.T) {
	h := setup(t)
	f := newFixture(t, h)
	ctx := context.Background()
	// What is stored before must be there after.
	kept := h.createItem("editor", itemBody("关于做好冬季供暖保障工作的通知"))
	names := queryNames(t)

	var all []mutation
	for _, r := range matrixRows() {
		actor, anon := served(t, r)
		all = append(all, mutations(r, r.make(f, h.unitA), actor, anon, names)...)
	}
	t.Logf("%d hostile calls", len(all))

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var mu sync.Mutex
	var wg sync.WaitGroup
	statuses := map[int]int{}
	work := make(chan mutation)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := range work {
				st, body, err := send(client, h, m)
				mu.Lock()
				statuses[st]++
				switch {
				case err != nil:
					t.Errorf("%s %s (%s): %v", m.method, m.path, m.what, err)
				case st >= 500:
					t.Errorf("%s %.120s (%s) as %s: %d %.300s", m.method, m.path, m.what, m.actor, st, body)
				case st >= 400 && strings.HasPrefix(m.path, "/api/") && st != http.StatusNotFound && st != http.StatusMethodNotAllowed:
					var e apiError
					if json.Unmarshal([]byte(body), &e) != nil || e.Error.Code == "" || e.Error.Message == "" {
						t.Errorf("%s %.120s (%s): %d without a coded error: %.200s", m.method, m.path, m.what, st, body)
					}
				}
				mu.Unlock()
			}
		}()
	}
	for _, m := range all {
		work <- m
	}
	close(work)
	wg.Wait()
	t.Logf("answers by status: %v", statuses)
	// The calls reached the handlers: most were refused as bad input, not
	// as unauthenticated, and some valid-looking ones went through.
	if statuses[http.StatusUnauthorized] > len(all)/10 || statuses[http.StatusBadRequest] < len(all)/4 || statuses[http.StatusOK]+statuses[http.StatusCreated] == 0 {
		t.Errorf("the hostile calls did not reach the handlers: %v", statuses)
	}

	it, err := h.db.Item(ctx, kept.ID)
	if err != nil || it.Version.Hash != kept.Version.Hash || it.State != tongfa.StateDraft {
		t.Fatalf("an item stored before the hostile calls changed: %+v %v", it, err)
	}
}

// send makes one hostile call. A 10 MB body the server refuses early may
// break the connection while the client still writes; the answer read
// then is what counts, and a reset without one is an error.
func send(client *http.Client, h *harness, m mutation) (int, string, error) {
	var rd io.Reader
	if m.body != nil {
		rd = bytes.NewReader(m.body)
	}
	req, err := http.NewRequest(m.method, h.ts.URL+m.path, rd)
	if err != nil {
		return 0, "", fmt.Errorf("request: %w", err)
	}
	if m.ctype != "" {
		req.Header.Set("Content-Type", m.ctype)
	}
	if !m.anon {
		req.Header.Set("Authorization", "Bearer "+h.tokens[m.actor])
	}
	if strings.HasPrefix(m.path, "/login") {
		req.Header.Set("Origin", h.ts.URL)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return resp.StatusCode, string(b), nil
}
