package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// timeErrors lists the times in a decoded JSON answer that are not RFC
// 3339 in China time (+08:00), or are zero (year 1): every time the API
// returns is written in one zone, and none is a Go zero value.
func timeErrors(v any, path string) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			out = append(out, timeErrors(e, path+"."+k)...)
		}
	case []any:
		for i, e := range v {
			out = append(out, timeErrors(e, fmt.Sprintf("%s[%d]", path, i))...)
		}
	case string:
		t, err := time.Parse(time.RFC3339Nano, v)
		switch {
		case err != nil:
		case t.Year() <= 1:
			out = append(out, fmt.Sprintf("%s is a zero time: %s", path, v))
		case !strings.HasSuffix(v, "+08:00"):
			out = append(out, fmt.Sprintf("%s is not in China time (+08:00): %s", path, v))
		}
	}
	return out
}

func TestTimeErrors(t *testing.T) {
	answer := map[string]any{"a": "2026-12-05T08:00:00+08:00", "list": []any{map[string]any{"updated_at": "0001-01-01T00:00:00Z"}},
		"b": "2026-12-05T00:00:00Z", "title": "会议"}
	if got := timeErrors(answer, "body"); len(got) != 2 {
		t.Fatalf("walker found %q", got)
	}
}

// TestHealthzAnswersHead: load balancers probe with HEAD.
func TestHealthzAnswersHead(t *testing.T) {
	h := setup(t)
	resp, err := http.Head(h.ts.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("HEAD /healthz: %d", resp.StatusCode)
	}
}
