package web_test

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gorilla/mux"
	"github.com/hibiken/asynq"
	"gopkg.in/yaml.v3"

	"github.com/tongfa/tongfa/config"
	"github.com/tongfa/tongfa/web"
)

// docs/openapi.yaml describes the stable HTTP surface; these tests keep it
// complete (both ways against the router) and valid.
const openAPIFile = "../docs/openapi.yaml"

// consolePages are the console's HTML pages and assets
// (web/console_pages.go): not part of the stable surface, so not in the
// document. Every other route must be documented.
var consolePages = []string{
	"/static/", "/login", "/login/oidc", "/login/oidc/callback", "/logout", "/", "/compose", "/compose/preview", "/items", "/items/{id}",
	"/items/{id}/edit", "/items/{id}/correct", "/items/{id}/deliveries", "/reviews", "/delegations", "/inbox",
	"/reports", "/inbox/{id}", "/admin/accounts", "/admin/accounts/{id}/change", "/admin/accounts/{id}/douyin/authorize",
	"/accounts/douyin/callback", "/admin/accounts/douyin/authorized", "/admin/requests",
	"/admin/users", "/admin/users/{id}", "/admin/dictionaries", "/admin/policies", "/admin/holidays", "/admin/audit",
	"/admin/leaders", "/admin/words", "/admin/contacts", "/account", "/account/totp", "/account/totp/confirm", "/calendar", "/library", "/editions", "/editions/{id}", "/repost-tasks", "/repost-tasks/new", "/repost-tasks/{id}", "/tasks/{id}",
}

var docMethods = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}

// openAPI is the parsed document.
type openAPI map[string]any

func loadOpenAPI(t testing.TB) openAPI {
	t.Helper()
	raw, err := os.ReadFile(openAPIFile)
	if err != nil {
		t.Fatal(err)
	}
	var d map[string]any // not openAPI: yaml.v3 would make every nested mapping one
	if err := yaml.Unmarshal(raw, &d); err != nil {
		t.Fatalf("%s does not parse: %v", openAPIFile, err)
	}
	return d
}

func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }
func arr(v any) []any          { a, _ := v.([]any); return a }
func str(v any) string         { s, _ := v.(string); return s }

// resolve follows a local reference ("#/components/schemas/Item").
func (d openAPI) resolve(ref string) (any, bool) {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, false
	}
	var cur any = map[string]any(d)
	for _, part := range strings.Split(rest, "/") {
		part = strings.NewReplacer("~1", "/", "~0", "~").Replace(part)
		next, ok := obj(cur)[part]
		if !ok {
			return nil, false
		}
		cur = next
	}
	return cur, true
}

// deref returns v, or what it refers to.
func (d openAPI) deref(v any) map[string]any {
	if ref := str(obj(v)["$ref"]); ref != "" {
		r, _ := d.resolve(ref)
		return obj(r)
	}
	return obj(v)
}

// operation is one path and method of the document.
type operation struct {
	method, path string // "POST", "/api/v1/items/{id}/signoffs"
	op           map[string]any
	params       []map[string]any // the path's and the operation's, resolved
}

func (o operation) String() string { return o.method + " " + o.path }

func (d openAPI) operations() []operation {
	var out []operation
	for path, item := range obj(d["paths"]) {
		shared := arr(obj(item)["parameters"])
		for _, m := range docMethods {
			op := obj(obj(item)[m])
			if op == nil {
				continue
			}
			o := operation{method: strings.ToUpper(m), path: path, op: op}
			for _, p := range slices.Concat(shared, arr(op["parameters"])) {
				o.params = append(o.params, d.deref(p))
			}
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(a, b operation) int { return strings.Compare(a.String(), b.String()) })
	return out
}

// pathEnum is the enum of path parameter name, nil without one.
func (o operation) pathEnum(name string) []string {
	for _, p := range o.params {
		if p["in"] == "path" && p["name"] == name {
			var out []string
			for _, v := range arr(obj(p["schema"])["enum"]) {
				out = append(out, fmt.Sprint(v))
			}
			return out
		}
	}
	return nil
}

// route is one route of the router, its template in OpenAPI's form.
type route struct {
	path    string
	methods []string            // nil: any method (a prefix mount such as /admin/queues)
	enums   map[string][]string // a variable's alternatives ({action:retry|abandon})
}

// routerRoutes walks the server's router. Services are not needed to build
// it; the queue dashboard is mounted as the hub mounts it.
func routerRoutes(t *testing.T) []route {
	t.Helper()
	srv := web.New(config.Default(), web.Services{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv.Mounts = append(srv.Mounts, web.MountQueues(asynq.RedisClientOpt{Addr: "127.0.0.1:0"}))
	var out []route
	err := srv.Routes().Walk(func(r *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		if r.GetHandler() == nil {
			return nil // the /api/v1 subrouter itself
		}
		tpl, err := r.GetPathTemplate()
		if err != nil {
			return err
		}
		path, enums, err := normalizeTemplate(tpl)
		if err != nil {
			return err
		}
		methods, _ := r.GetMethods() // an error means the route takes any method
		out = append(out, route{path: path, methods: methods, enums: enums})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var alternation = regexp.MustCompile(`^[A-Za-z0-9_.-]+(\|[A-Za-z0-9_.-]+)+$`)

// normalizeTemplate turns mux's variables {name} and {name:pattern} into
// OpenAPI's {name}. A pattern that is a plain alternation (retry|abandon)
// is returned as the variable's alternatives: the document must list
// exactly those as the parameter's enum. Other patterns ([0-9]+) only
// narrow what the handler checks anyway and are dropped.
func normalizeTemplate(tpl string) (string, map[string][]string, error) {
	var b strings.Builder
	enums := map[string][]string{}
	for i := 0; i < len(tpl); i++ {
		if tpl[i] != '{' {
			b.WriteByte(tpl[i])
			continue
		}
		end, depth := i, 0
		for ; end < len(tpl); end++ {
			if tpl[end] == '{' {
				depth++
			} else if tpl[end] == '}' {
				if depth--; depth == 0 {
					break
				}
			}
		}
		if end == len(tpl) {
			return "", nil, fmt.Errorf("unbalanced braces in %q", tpl)
		}
		name, pattern, _ := strings.Cut(tpl[i+1:end], ":")
		if alternation.MatchString(pattern) {
			enums[name] = strings.Split(pattern, "|")
		}
		b.WriteString("{" + name + "}")
		i = end
	}
	return b.String(), enums, nil
}

func TestOpenAPINormalizeTemplate(t *testing.T) {
	tests := []struct{ tpl, path, enum string }{
		{"/api/v1/items/{id}", "/api/v1/items/{id}", ""},
		{"/api/v1/deliveries/{id}/{action:retry|abandon}", "/api/v1/deliveries/{id}/{action}", "retry abandon"},
		{"/items/{id:[0-9]+}/edit", "/items/{id}/edit", ""},
		{"/x/{year:[0-9]{4}}", "/x/{year}", ""},
	}
	for _, tt := range tests {
		path, enums, err := normalizeTemplate(tt.tpl)
		var enum string
		for _, v := range enums {
			enum = strings.Join(v, " ")
		}
		if err != nil || path != tt.path || enum != tt.enum {
			t.Errorf("normalizeTemplate(%q) = %q, %v, %v; want %q, %q", tt.tpl, path, enums, err, tt.path, tt.enum)
		}
	}
}

// TestOpenAPIMatchesRouter compares the router's paths and methods with the
// document's, both ways: a route without its operation fails, and so does
// an operation without its route. The console's HTML pages are left out
// (consolePages).
func TestOpenAPIMatchesRouter(t *testing.T) {
	ops := loadOpenAPI(t).operations()
	documented := map[string]operation{}
	paths := map[string]bool{}
	for _, o := range ops {
		documented[o.String()] = o
		paths[o.path] = true
	}
	routes := routerRoutes(t)
	served := map[string]bool{}
	for _, r := range routes {
		served[r.path] = true
		if slices.Contains(consolePages, r.path) {
			continue
		}
		if r.methods == nil && !paths[r.path] {
			t.Errorf("route %s (any method) is not in %s", r.path, openAPIFile)
		}
		for _, m := range r.methods {
			served[m+" "+r.path] = true
			o, ok := documented[m+" "+r.path]
			if !ok {
				t.Errorf("route %s %s is not in %s", m, r.path, openAPIFile)
				continue
			}
			for name, alts := range r.enums {
				if got := o.pathEnum(name); !sameSet(got, alts) {
					t.Errorf("%s: path parameter %s has enum %v, the route takes %v", o, name, got, alts)
				}
			}
		}
	}
	for _, o := range ops {
		if !served[o.String()] && !(served[o.path] && anyMethod(routes, o.path)) {
			t.Errorf("%s is documented but the router has no such route", o)
		}
	}
}

func anyMethod(routes []route, path string) bool {
	return slices.ContainsFunc(routes, func(r route) bool { return r.path == path && r.methods == nil })
}

func sameSet(a, b []string) bool {
	a, b = slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b))
	return slices.Equal(a, b)
}

// TestOpenAPIRoutesAnswer sends every documented operation, without
// credentials, to the hub's real handler (the one cmd/tongfa serves, with
// the queue dashboard mounted): none may get the router's own "no such
// route" or "method not allowed" answer. This also keeps Server.Routes,
// which TestOpenAPIMatchesRouter walks, in step with Server.Handler.
func TestOpenAPIRoutesAnswer(t *testing.T) {
	h := setup(t)
	addr := os.Getenv("TEST_REDIS_ADDR")
	if addr == "" {
		addr = "127.0.0.1:6379"
	}
	h.hub.RedisOpt = asynq.RedisClientOpt{Addr: addr, DB: redisDB}
	ts := httptest.NewServer(h.hub.Handler())
	defer ts.Close()
	for _, o := range loadOpenAPI(t).operations() {
		req, err := http.NewRequest(o.method, ts.URL+o.example(), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var out apiError
		json.NewDecoder(resp.Body).Decode(&out) //nolint:errcheck // only the router's own JSON answers matter
		resp.Body.Close()
		if resp.StatusCode == http.StatusNotFound && (out.Error.Message == "接口不存在" || out.Error.Message == "接口不支持该请求方法") {
			t.Errorf("%s: the router answers %q", o, out.Error.Message)
		}
	}
}

// example is the operation's path with its parameters filled in.
func (o operation) example() string {
	return regexp.MustCompile(`\{[^}]+\}`).ReplaceAllStringFunc(o.path, func(v string) string {
		if enum := o.pathEnum(v[1 : len(v)-1]); len(enum) > 0 {
			return enum[0]
		}
		return "1"
	})
}

// TestOpenAPIDocumentIsValid checks what a validator would and what
// Tongfa promises: every reference resolves, path parameters match the
// templates, operations are complete, the security requirements say how
// each is authenticated, and the error codes and statuses are those of
// error.go and web/errors.go.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	d := loadOpenAPI(t)
	if v := str(d["openapi"]); !strings.HasPrefix(v, "3.1.") {
		t.Errorf("openapi: %q, want 3.1.x", v)
	}
	t.Run("references", func(t *testing.T) { checkRefs(t, d, map[string]any(d), "") })
	t.Run("operations", func(t *testing.T) { checkOperations(t, d) })
	t.Run("security", func(t *testing.T) { checkSecurity(t, d) })
	t.Run("error codes", func(t *testing.T) { checkErrorCodes(t, d) })
}

// checkRefs checks that every reference below v resolves and that no
// mapping has an empty value.
func checkRefs(t *testing.T, d openAPI, v any, at string) {
	switch v := v.(type) {
	case map[string]any:
		if ref, ok := v["$ref"].(string); ok {
			if _, ok := d.resolve(ref); !ok {
				t.Errorf("%s: $ref %q does not resolve", at, ref)
			}
		}
		for k, c := range v {
			if c == nil { // the document needs no nulls: an unquoted comma in {…} makes one
				t.Errorf("%s/%s has no value", at, k)
			}
			checkRefs(t, d, c, at+"/"+k)
		}
	case []any:
		for i, c := range v {
			checkRefs(t, d, c, at+"/"+strconv.Itoa(i))
		}
	}
}

var templateVar = regexp.MustCompile(`\{([^}]+)\}`)

func checkOperations(t *testing.T, d openAPI) {
	ids := map[string]string{}
	tags := map[string]bool{}
	for _, tg := range arr(d["tags"]) {
		tags[str(obj(tg)["name"])] = true
	}
	roles := arr(obj(obj(obj(d["components"])["schemas"])["Role"])["enum"])
	for _, o := range d.operations() {
		var inPath []string
		for _, m := range templateVar.FindAllStringSubmatch(o.path, -1) {
			inPath = append(inPath, m[1])
		}
		var declared []string
		for _, p := range o.params {
			if p["in"] == "path" {
				declared = append(declared, str(p["name"]))
				if p["required"] != true {
					t.Errorf("%s: path parameter %s is not required", o, p["name"])
				}
			}
		}
		if !sameSet(inPath, declared) {
			t.Errorf("%s: path parameters %v, the template has %v", o, declared, inPath)
		}
		id := str(o.op["operationId"])
		if prev, dup := ids[id]; id == "" || dup {
			t.Errorf("%s: operationId %q missing or also on %s", o, id, prev)
		}
		ids[id] = o.String()
		for _, tg := range arr(o.op["tags"]) {
			if !tags[str(tg)] {
				t.Errorf("%s: tag %v is not declared", o, tg)
			}
		}
		for _, r := range arr(o.op["x-roles"]) {
			if !slices.Contains(roles, r) {
				t.Errorf("%s: x-roles names %v, not a Role", o, r)
			}
		}
		if !slices.ContainsFunc(slices.Collect(maps.Keys(obj(o.op["responses"]))), func(s string) bool { return s[0] == '2' }) {
			t.Errorf("%s: no success response", o)
		}
	}
}

// public operations authenticate by other means (a password, a platform's
// signature) or not at all.
func public(o operation) bool {
	return o.String() == "POST /api/v1/session" || strings.HasPrefix(o.path, "/callback/") ||
		slices.Contains([]string{"/healthz", "/readyz"}, o.path)
}

// checkSecurity: reads take a token of either scope or the session cookie
// (the document's default); changes take a full token, or the cookie with
// the CSRF header.
func checkSecurity(t *testing.T, d openAPI) {
	want := func(v any) string { b, _ := yaml.Marshal(v); return string(b) }
	read := want([]any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}})
	unsafe := want([]any{map[string]any{"bearer": []any{"full"}}, map[string]any{"session": []any{}, "csrf": []any{}}})
	if got := want(d["security"]); got != read {
		t.Errorf("default security:\n%s want\n%s", got, read)
	}
	for _, o := range d.operations() {
		sec, set := o.op["security"]
		switch {
		case public(o):
			if !set || len(arr(sec)) != 0 {
				t.Errorf("%s: want security: []", o)
			}
		case o.path == "/metrics":
			// the scraper's token, or a system administrator's credentials
		case o.method == http.MethodGet:
			if set {
				t.Errorf("%s: a read keeps the default security", o)
			}
		case want(sec) != unsafe:
			t.Errorf("%s: security\n%s want\n%s", o, want(sec), unsafe)
		}
	}
}

// checkErrorCodes compares the ErrorCode schema with the constants of
// error.go and the statuses of web/errors.go, and checks that every error
// response is used under the status of the codes it names (x-codes).
func checkErrorCodes(t *testing.T, d openAPI) {
	schema, _ := d.resolve("#/components/schemas/ErrorCode")
	var documented []string
	for _, c := range arr(obj(schema)["enum"]) {
		documented = append(documented, str(c))
	}
	if codes := errorCodes(t); !sameSet(documented, codes) {
		t.Errorf("ErrorCode enum %v, error.go has %v", documented, codes)
	}
	status := obj(obj(schema)["x-status"])
	for _, c := range documented {
		if got := status[c]; got != web.HTTPStatus(c) {
			t.Errorf("x-status of %s is %v, web/errors.go answers %d", c, got, web.HTTPStatus(c))
		}
	}
	for _, o := range d.operations() {
		for code, resp := range obj(o.op["responses"]) {
			for _, c := range arr(d.deref(resp)["x-codes"]) {
				if strconv.Itoa(web.HTTPStatus(str(c))) != code || !slices.Contains(documented, str(c)) {
					t.Errorf("%s: response %s names code %v, answered with %d", o, code, c, web.HTTPStatus(str(c)))
				}
			}
		}
	}
}

// errorCodes returns the values of the error code constants (E…) of the
// root package's error.go.
func errorCodes(t *testing.T) []string {
	f, err := parser.ParseFile(token.NewFileSet(), "../error.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Values) != len(vs.Names) {
			return true
		}
		for i, name := range vs.Names {
			lit, ok := vs.Values[i].(*ast.BasicLit)
			if ok && lit.Kind == token.STRING && strings.HasPrefix(name.Name, "E") {
				v, _ := strconv.Unquote(lit.Value)
				out = append(out, v)
			}
		}
		return true
	})
	return out
}
