package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gorilla/mux"

	"github.com/tongfa/tongfa"
)

// The authorization matrix (issue 16): every route the hub serves has a
// row; each row says, for every actor — a user holding one role in bureau
// A, and the system administrator — and for an object in each place —
// bureau A itself, the centre below it (A1), the sibling bureau B, a
// bureau of another city — the status the real HTTP stack must answer.
// A new route without a row fails TestEveryRouteHasAMatrixRow.

// actors hold one role each in bureau A; the system administrator holds
// hers on the city.
var actors = []string{"editor", "reviewer", "deputy", "principal", "admin", "auditor", "sysadmin"}

var actorKeys = map[string]string{"ed": "editor", "rv": "reviewer", "dp": "deputy", "pr": "principal", "ad": "admin",
	"au": "auditor", "sa": "sysadmin"}

// places an object may be in, relative to the actors.
var places = []string{"own", "descendant", "sibling", "other city"}

// request is one concrete call a row makes for an object in a unit.
type request struct {
	path string
	body any // JSON, or a string sent as is (text and form bodies)
	form bool
	hdr  map[string]string
}

type row struct {
	method, route string // as the router names them
	// make builds the call on an object in unit u (every place gets a
	// fresh object: calls change state).
	make func(f *fixture, u *tongfa.Unit) request
	// want is "ed=201,404,404,404 rv=403 …": per actor, one status for
	// every place or one per place; "all=200" for every actor; "anon=200"
	// for a route called without credentials.
	want string
}

// expect parses a row's want into statuses per actor and place.
func expect(t *testing.T, want string) (map[string][4]int, bool) {
	t.Helper()
	out, anon := map[string][4]int{}, false
	for _, field := range strings.Fields(want) {
		k, v, _ := strings.Cut(field, "=")
		var st [4]int
		parts := strings.Split(v, ",")
		for i := range st {
			n, err := strconv.Atoi(parts[min(i, len(parts)-1)])
			if err != nil || (len(parts) != 1 && len(parts) != 4) {
				t.Fatalf("bad want %q", field)
			}
			st[i] = n
		}
		switch k {
		case "all", "anon":
			anon = k == "anon"
			for _, a := range actors {
				out[a] = st
			}
		default:
			out[actorKeys[k]] = st
		}
	}
	return out, anon
}

func fixed(path string) func(*fixture, *tongfa.Unit) request {
	return func(*fixture, *tongfa.Unit) request { return request{path: path} }
}

func withBody(path string, body any) func(*fixture, *tongfa.Unit) request {
	return func(*fixture, *tongfa.Unit) request { return request{path: path, body: body} }
}

func itemPath(st tongfa.ItemState, suffix string, body any) func(*fixture, *tongfa.Unit) request {
	return func(f *fixture, u *tongfa.Unit) request {
		return request{path: fmt.Sprintf("/api/v1/items/%d%s", f.item(u, st).ID, suffix), body: body}
	}
}

func consoleItem(st tongfa.ItemState, suffix string) func(*fixture, *tongfa.Unit) request {
	return func(f *fixture, u *tongfa.Unit) request {
		return request{path: fmt.Sprintf("/items/%d%s", f.item(u, st).ID, suffix)}
	}
}

// Profiles shared by many rows.
const (
	everyone   = "all=200"
	readers    = "ed=200,404,404,404 rv=200,200,404,404 dp=200,200,404,404 pr=200,200,404,404 ad=200,200,404,404 au=200,200,404,404 sa=404"
	editorOnly = "all=403 ed=200,404,404,404"
	adminOnly  = "all=403 ad=200"
	overseers  = "all=403 ad=200 au=200 sa=200"
	sysOnly    = "all=403 sa=200"
)

func TestAuthorizationMatrix(t *testing.T) {
	h := setup(t)
	f := newFixture(t, h)
	units := [4]*tongfa.Unit{h.unitA, h.unitA1, h.unitB, h.unitC}
	for _, r := range matrixRows() {
		want, anon := expect(t, r.want)
		who := actors
		if anon {
			who = actors[:1] // one call, without credentials
		}
		for _, actor := range who {
			for i, u := range units {
				req := r.make(f, u)
				st, body := f.call(r.method, req, actor, anon)
				if st != want[actor][i] {
					t.Errorf("%s %s as %s on an object of the %s unit: %d, want %d (%s)\n  %.200s",
						r.method, r.route, actor, places[i], st, want[actor][i], req.path, body)
				}
			}
		}
	}
}

// call makes one request as actor (with its bearer token) or anonymously.
func (f *fixture) call(method string, req request, actor string, anon bool) (int, string) {
	var rd io.Reader
	switch b := req.body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		js, _ := json.Marshal(b)
		rd = bytes.NewReader(js)
	}
	if method == "ANY" {
		method = http.MethodGet
	}
	hr, _ := http.NewRequest(method, f.h.ts.URL+req.path, rd)
	switch {
	case req.form:
		hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	case rd != nil:
		if _, text := req.body.(string); !text {
			hr.Header.Set("Content-Type", "application/json")
		}
	}
	if !anon {
		hr.Header.Set("Authorization", "Bearer "+f.h.tokens[actor])
	}
	for k, v := range req.hdr {
		hr.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(hr)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestEveryRouteHasAMatrixRow walks the router: a route (and each of its
// methods) without a row in the matrix fails, and so does a row without
// a route.
func TestEveryRouteHasAMatrixRow(t *testing.T) {
	h := setup(t)
	rows := map[string]bool{}
	for _, r := range matrixRows() {
		rows[r.method+" "+r.route] = true
	}
	seen := map[string]bool{}
	err := h.hub.Server().Routes().Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tpl, err := route.GetPathTemplate()
		if err != nil || tpl == "/api/v1" {
			return nil // the API's subrouter itself
		}
		methods, _ := route.GetMethods()
		if len(methods) == 0 {
			methods = []string{"ANY"}
		}
		for _, m := range methods {
			if m == http.MethodHead && slices.Contains(methods, http.MethodGet) {
				continue // answered as GET
			}
			key := m + " " + tpl
			seen[key] = true
			if !rows[key] {
				t.Errorf("route %s has no row in the authorization matrix", key)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for key := range rows {
		if !seen[key] {
			t.Errorf("matrix row %s has no route", key)
		}
	}
}

func form(v url.Values) func(*fixture, *tongfa.Unit) request {
	return func(*fixture, *tongfa.Unit) request { return request{path: "", body: v.Encode(), form: true} }
}
