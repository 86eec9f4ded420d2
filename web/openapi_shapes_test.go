package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/inbox"
	"github.com/tongfa/tongfa/store"
)

// shapeErrors lists where the JSON value v departs from schema s. It is
// stricter than JSON Schema in one way, on purpose: an object may carry
// only the properties its schema and allOf parts list, unless
// additionalProperties says otherwise, so a field the document does not
// describe is caught.
func (d openAPI) shapeErrors(s map[string]any, v any, at string) []string {
	s = d.merged(s)
	if alts := arr(s["oneOf"]); alts != nil {
		for _, alt := range alts {
			if len(d.shapeErrors(obj(alt), v, at)) == 0 {
				return nil
			}
		}
		return []string{fmt.Sprintf("%s: %s matches no oneOf branch", at, brief(v))}
	}
	if t := jsonType(v); !typeAllows(s["type"], t) {
		return []string{fmt.Sprintf("%s: %s is %s, want %v", at, brief(v), t, s["type"])}
	}
	if enum := arr(s["enum"]); enum != nil && !slices.ContainsFunc(enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) }) {
		return []string{fmt.Sprintf("%s: %v is not one of %v", at, v, enum)}
	}
	if c, ok := s["const"]; ok && fmt.Sprint(c) != fmt.Sprint(v) {
		return []string{fmt.Sprintf("%s: %v, want %v", at, v, c)}
	}
	var errs []string
	switch v := v.(type) {
	case map[string]any:
		for _, r := range arr(s["required"]) {
			if _, ok := v[str(r)]; !ok {
				errs = append(errs, fmt.Sprintf("%s: required %s is missing", at, r))
			}
		}
		props, extra := obj(s["properties"]), s["additionalProperties"]
		if props == nil && extra == nil {
			extra = true // no properties listed: any object ({} for error.data)
		}
		for _, k := range slices.Sorted(maps.Keys(v)) {
			switch p, ok := props[k]; {
			case ok:
				errs = append(errs, d.shapeErrors(obj(p), v[k], at+"."+k)...)
			case obj(extra) != nil:
				errs = append(errs, d.shapeErrors(obj(extra), v[k], at+"."+k)...)
			case extra != true:
				errs = append(errs, fmt.Sprintf("%s: field %s is not documented", at, k))
			}
		}
	case []any:
		for i, e := range v {
			errs = append(errs, d.shapeErrors(obj(s["items"]), e, fmt.Sprintf("%s[%d]", at, i))...)
		}
	case string:
		if s["format"] == "date-time" {
			if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
				errs = append(errs, fmt.Sprintf("%s: %q is not a date-time", at, v))
			}
		}
	}
	return errs
}

// merged resolves a reference and folds allOf parts into one schema.
func (d openAPI) merged(s map[string]any) map[string]any {
	s = d.deref(s)
	parts := arr(s["allOf"])
	if parts == nil {
		return s
	}
	out := maps.Clone(s)
	delete(out, "allOf")
	props := maps.Clone(obj(s["properties"]))
	if props == nil {
		props = map[string]any{}
	}
	required := slices.Clone(arr(s["required"]))
	for _, p := range parts {
		m := d.merged(obj(p))
		for k, p := range obj(m["properties"]) {
			if prev, ok := props[k]; ok {
				p = map[string]any{"allOf": []any{prev, p}} // both parts constrain it
			}
			props[k] = p
		}
		required = append(required, arr(m["required"])...)
		if out["type"] == nil {
			out["type"] = m["type"]
		}
	}
	out["properties"], out["required"] = props, required
	return out
}

func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if v == float64(int64(v)) {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	}
	return "object"
}

func typeAllows(want any, got string) bool {
	switch want := want.(type) {
	case nil:
		return true
	case string:
		return want == got || want == "number" && got == "integer"
	}
	return slices.ContainsFunc(arr(want), func(w any) bool { return typeAllows(w, got) })
}

func brief(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 80 {
		return string(b[:80]) + "…"
	}
	return string(b)
}

// shapes sends requests through the harness and checks each JSON answer
// against the document's schema for its operation and status.
type shapes struct {
	t   *testing.T
	h   *harness
	d   openAPI
	hit map[string]bool // operations answered
}

var placeholder = regexp.MustCompile(`\{[^}]+\}`)

// call sends method tmpl (its {placeholders} filled with args in order)
// as who ("" for nobody), expects status want and returns the answer.
func (s *shapes) call(who, method, tmpl string, args []any, body any, want int) map[string]any {
	s.t.Helper()
	i := 0
	path := placeholder.ReplaceAllStringFunc(tmpl, func(string) string { i++; return fmt.Sprint(args[i-1]) })
	c := &client{h: s.h, http: s.h.ts.Client()}
	if who != "" {
		c = s.h.script(who)
	}
	var raw json.RawMessage
	if st := c.do(method, path, body, &raw); st != want {
		s.t.Fatalf("%s %s as %q: status %d, want %d: %s", method, path, who, st, want, raw)
	}
	s.check(method, tmpl, want, raw)
	var out map[string]any
	json.Unmarshal(raw, &out) //nolint:errcheck // not every answer is an object
	return out
}

func (s *shapes) check(method, tmpl string, status int, raw []byte) {
	s.t.Helper()
	op := obj(obj(obj(s.d["paths"])[tmpl])[strings.ToLower(method)])
	resp := s.d.deref(obj(op["responses"])[strconv.Itoa(status)])
	if resp == nil {
		s.t.Errorf("%s %s: status %d is not documented", method, tmpl, status)
		return
	}
	s.hit[method+" "+tmpl] = true
	schema := obj(obj(obj(resp["content"])["application/json"])["schema"])
	if len(raw) == 0 || schema == nil {
		if len(raw) > 0 || schema != nil {
			s.t.Errorf("%s %s %d: body %q, documented schema %v", method, tmpl, status, raw, schema)
		}
		return
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		s.t.Fatalf("%s %s: %v", method, tmpl, err)
	}
	for _, e := range s.d.shapeErrors(schema, v, "body") {
		s.t.Errorf("%s %s %d: %s", method, tmpl, status, e)
	}
	for _, e := range timeErrors(v, "body") {
		s.t.Errorf("%s %s %d: %s", method, tmpl, status, e)
	}
}

func id(m map[string]any, path ...string) int64 {
	var v any = m
	for _, p := range path {
		v = obj(v)[p]
	}
	f, _ := v.(float64)
	return int64(f)
}

// TestOpenAPIResponsesMatchSchemas walks the API as operators and scripts
// use it and checks every answer against the document: the documented
// statuses, fields, types and enums are the real ones.
func TestOpenAPIResponsesMatchSchemas(t *testing.T) {
	h := setup(t)
	s := &shapes{t: t, h: h, d: loadOpenAPI(t), hit: map[string]bool{}}
	s.items()
	s.registry()
	s.inbox()
	s.media()
	s.reads()
	for _, o := range s.d.operations() {
		if !s.hit[o.String()] {
			t.Logf("not checked: %s", o)
		}
	}
}

func (s *shapes) items() {
	h := s.h
	wechat, weibo := h.account(h.unitA.ID, tongfa.PlatformWeChat, "甲局微信"), h.account(h.unitA.ID, tongfa.PlatformWeibo, "甲局微博")
	s.call("editor", "POST", "/api/v1/check", nil, map[string]any{"text": "代开发票，电话 13812345678"}, 200)
	s.call("editor", "POST", "/api/v1/items", nil, map[string]any{"title": ""}, 422)
	s.call("", "GET", "/api/v1/items/{id}", []any{1}, nil, 401)
	body := itemBody("关于开展城市环境综合整治的通知")
	body["targets"] = []int64{wechat, weibo}
	it := s.call("editor", "POST", "/api/v1/items", nil, body, 201)
	item := id(it, "id")
	body["summary"], body["base_version"] = "第二版", 1
	it = s.call("editor", "PUT", "/api/v1/items/{id}", []any{item}, body, 200)
	s.call("editor", "PUT", "/api/v1/items/{id}", []any{item}, body, 409)
	s.call("editor", "GET", "/api/v1/items/{id}", []any{item}, nil, 200)
	s.call("editorB", "GET", "/api/v1/items/{id}", []any{item}, nil, 404)
	s.call("editor", "GET", "/api/v1/items", nil, nil, 200)
	s.call("editor", "POST", "/api/v1/items/{id}/submit", []any{item}, nil, 200)
	s.call("reviewer", "GET", "/api/v1/reviews", nil, nil, 200)
	hash := str(obj(it["version"])["hash"])
	s.call("reviewer", "POST", "/api/v1/items/{id}/signoffs", []any{item}, map[string]any{"version_hash": strings.Repeat("0", 64), "decision": "approve"}, 409)
	s.call("reviewer", "POST", "/api/v1/items/{id}/signoffs", []any{item}, map[string]any{"version_hash": hash, "decision": "approve"}, 201)
	s.call("editor", "GET", "/api/v1/items/{id}/signoffs", []any{item}, nil, 200)
	ds := s.call("editor", "GET", "/api/v1/items/{id}/deliveries", []any{item}, nil, 200)
	first := id(obj(arr(ds["deliveries"])[0]), "id")
	s.call("admin", "POST", "/api/v1/deliveries/{id}/{action}", []any{first, "retry"}, map[string]any{"reason": "重试"}, 409)
	s.call("admin", "POST", "/api/v1/deliveries/{id}/{action}", []any{first, "abandon"}, map[string]any{"reason": "账号停更"}, 200)
	s.call("deputy", "POST", "/api/v1/items/{id}/withdraw", []any{item}, map[string]any{"reason": "信息有误"}, 403)
	s.call("deputy", "POST", "/api/v1/items/{id}/withdraw", []any{item}, map[string]any{"reason": "信息有误", "password": password}, 200)
	s.call("editor", "POST", "/api/v1/items/{id}/correct", []any{item}, body, 409)
	s.call("editor", "GET", "/api/v1/items/{id}/timeline", []any{item}, nil, 200)
	s.call("editor", "GET", "/api/v1/items/{id}/stats", []any{item}, nil, 200)
	published := h.published("editor", "关于开展全民健身活动的通知")
	task := s.call("editor", "POST", "/api/v1/repost-tasks", nil, map[string]any{"item_id": published, "account_ids": []int64{wechat},
		"deadline": time.Now().Add(time.Hour)}, 201)
	s.call("editor", "POST", "/api/v1/repost-tasks", nil, map[string]any{"item_id": item, "account_ids": []int64{wechat},
		"deadline": time.Now().Add(time.Hour)}, 422)
	s.call("editor", "GET", "/api/v1/repost-tasks/{id}", []any{id(task, "id")}, nil, 200)
	s.call("editor", "GET", "/api/v1/repost-tasks", nil, nil, 200)
	s.call("editor", "GET", "/api/v1/accounts/{id}/stats", []any{weibo}, nil, 200)

	urgent := itemBody("突发事件通报")
	urgent["urgency"], urgent["targets"] = "urgent", []int64{weibo}
	u := s.call("editor", "POST", "/api/v1/items", nil, urgent, 201)
	s.call("editor", "GET", "/api/v1/items/{id}/timeline", []any{id(u, "id")}, nil, 200)
	s.call("editor", "POST", "/api/v1/items/{id}/submit", []any{id(u, "id")}, nil, 200)
	s.call("editor", "DELETE", "/api/v1/items/{id}/submission", []any{id(u, "id")}, nil, 204)
	s.call("editor", "GET", "/api/v1/urgent", nil, nil, 200)
	s.call("reviewer", "POST", "/api/v1/delegations", nil, map[string]any{"delegate_id": h.users["reviewer2"].ID, "unit_id": h.unitA.ID,
		"role": "reviewer", "starts_at": time.Now(), "ends_at": time.Now().Add(48 * time.Hour), "reason": "出差"}, 201)
	s.call("reviewer2", "GET", "/api/v1/delegations", nil, nil, 200)
	s.call("reviewer2", "GET", "/api/v1/notifications", nil, nil, 200)
}

func (s *shapes) registry() {
	h := s.h
	open := map[string]any{"unit_id": h.unitA.ID, "platform": "app", "name": "甲局客户端", "responsible": "张三",
		"managers": []map[string]string{{"name": "李四", "phone": "010-1234"}}, "settings": map[string]string{"column": "news"},
		"credentials": map[string]string{"hmac_secret": "s"}}
	acc := s.call("cityadmin", "POST", "/api/v1/accounts", nil, open, 201)
	open["platform"], open["name"] = "other", "甲局头条号"
	req := s.call("admin", "POST", "/api/v1/accounts", nil, open, 202)
	rid := id(req, "request", "id")
	s.call("cityadmin", "POST", "/api/v1/account-requests/{id}/{decision}", []any{rid, "approve"}, map[string]any{"comment": "同意"}, 200)
	s.call("admin", "POST", "/api/v1/account-requests/{id}/filed", []any{rid}, nil, 204)
	s.call("admin", "POST", "/api/v1/accounts/{id}/requests", []any{id(acc, "id")}, map[string]any{"kind": "close", "reason": "整合"}, 202)
	s.call("admin", "GET", "/api/v1/account-requests", nil, nil, 200)
	s.call("admin", "GET", "/api/v1/accounts", nil, nil, 200)
	s.call("admin", "GET", "/api/v1/accounts/consistency", nil, nil, 200)
	s.call("admin", "POST", "/api/v1/accounts/{id}/grants", []any{id(acc, "id")}, map[string]any{"unit_id": h.unitB.ID}, 201)
	s.call("admin", "GET", "/api/v1/accounts/{id}/grants", []any{id(acc, "id")}, nil, 200)
	s.call("admin", "DELETE", "/api/v1/accounts/{id}/grants/{unit}", []any{id(acc, "id"), h.unitB.ID}, nil, 204)

	tok := s.call("editor", "POST", "/api/v1/tokens", nil, map[string]any{"name": "脚本", "days": 30, "scope": "read"}, 201)
	s.call("editor", "GET", "/api/v1/tokens", nil, nil, 200)
	s.call("editor", "DELETE", "/api/v1/tokens/{id}", []any{id(tok, "id")}, nil, 204)
	s.call("admin", "POST", "/api/v1/robots", nil, map[string]any{"unit_id": h.unitA.ID, "kind": "wecom",
		"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}, 201)
	s.call("admin", "GET", "/api/v1/robots", nil, nil, 200)
	u := s.call("admin", "POST", "/api/v1/users", nil, map[string]any{"username": "newcomer", "display_name": "新同事",
		"unit_id": h.unitA.ID, "roles": []string{"editor"}, "password": password}, 201)
	s.call("admin", "POST", "/api/v1/users/{id}/roles", []any{id(u, "id")}, map[string]any{"unit_id": h.unitA.ID, "role": "reviewer", "grant": true}, 204)
	s.call("admin", "POST", "/api/v1/users/{id}/disable", []any{id(u, "id")}, map[string]any{"reason": "调离"}, 200)
	s.call("admin", "GET", "/api/v1/users", nil, nil, 200)

	ch := s.call("sysadmin", "POST", "/api/v1/dictionaries", nil, map[string]any{"name": "office", "content": "测试禁词甲\tcustom\tblock\n"}, 200)
	s.call("sysadmin", "POST", "/api/v1/dictionaries/{name}/rollback", []any{"office"}, map[string]any{"version": 9}, 404)
	s.call("sysadmin", "GET", "/api/v1/dictionaries", nil, nil, 200)
	s.call("sysadmin", "GET", "/api/v1/patrol/{id}", []any{id(ch, "patrol", "id")}, nil, 200)
	s.call("admin", "PUT", "/api/v1/units/{id}/policies/{kind}", []any{h.unitA.ID, "clock"}, map[string]any{"content": "at_risk: [0.5]\n", "note": "试行"}, 200)
	s.call("admin", "GET", "/api/v1/units/{id}/policies/{kind}", []any{h.unitA.ID, "clock"}, nil, 200)
	s.call("sysadmin", "POST", "/api/v1/holidays", nil, []byte("year 2030\n2030-01-01 holiday 元旦\n"), 200)
}

func (s *shapes) inbox() {
	h, ctx := s.h, context.Background()
	acc := &tongfa.Account{UnitID: h.unitA.ID, Platform: tongfa.PlatformWebsite, Name: "甲局网站", Status: tongfa.AccountActive}
	if err := h.db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateAccount(ctx, acc, nil) }); err != nil {
		s.t.Fatal(err)
	}
	ms, err := h.hub.Inbox.Ingest(ctx, []inbox.Incoming{
		{Account: acc, Kind: "error_report", PlatformMsgID: "1", Author: "visitor", Body: "附件打不开，电话 13812345678", At: time.Now()},
		{Account: acc, Kind: "message", PlatformMsgID: "2", Author: "visitor", Body: "请问办事时间", At: time.Now()}})
	if err != nil || len(ms) != 2 {
		s.t.Fatalf("ingest: %v %v", ms, err)
	}
	m1, m2 := ms[0].ID, ms[1].ID
	s.call("editor", "GET", "/api/v1/inbox", nil, nil, 200)
	s.call("reviewer", "GET", "/api/v1/inbox/{id}", []any{m1}, nil, 200)
	s.call("editor", "POST", "/api/v1/inbox/{id}/{action}", []any{m1, "assign"}, map[string]any{"user_id": h.users["editor"].ID}, 200)
	s.call("editor", "POST", "/api/v1/inbox/{id}/{action}", []any{m2, "class"}, map[string]any{"class": "谏言咨询"}, 200)
	s.call("deputy", "POST", "/api/v1/inbox/{id}/{action}", []any{m2, "extend"}, map[string]any{"days": 5, "reason": "情况复杂"}, 200)
	s.call("editor", "POST", "/api/v1/inbox/{id}/{action}", []any{m2, "close"}, map[string]any{"reason": "重复留言"}, 200)
	s.call("editor", "POST", "/api/v1/inbox/{id}/answers/check", []any{m1}, map[string]any{"text": "可代开发票"}, 200)
	s.call("editor", "POST", "/api/v1/inbox/{id}/answers", []any{m1}, map[string]any{"text": "可代开发票"}, 422)
	a := s.call("editor", "POST", "/api/v1/inbox/{id}/answers", []any{m1}, map[string]any{"text": "您好，附件已修复，电话 13812345678。"}, 201)
	s.call("editor", "GET", "/api/v1/inbox/{id}/answers", []any{m1}, nil, 200)
	s.call("reviewer", "GET", "/api/v1/answers/pending", nil, nil, 200)
	s.call("reviewer", "POST", "/api/v1/answers/{id}/{action}", []any{id(a, "id"), "signoff"},
		map[string]any{"body_hash": a["body_hash"], "decision": "approve"}, 200)
}

func (s *shapes) reads() {
	for _, p := range []string{"/api/v1/me", "/api/v1/frequency", "/api/v1/frequency/weekly", "/api/v1/interpretations",
		"/api/v1/alerts", "/api/v1/holidays"} {
		s.call("admin", "GET", p, nil, nil, 200)
	}
	s.call("admin", "GET", "/api/v1/reports/{kind}", []any{"quarter"}, nil, 200)
	s.call("admin", "GET", "/api/v1/reports/{kind}", []any{"fortnight"}, nil, 400)
	s.call("admin", "GET", "/api/v1/audit", nil, nil, 200)
	s.call("", "GET", "/healthz", nil, nil, 200)
	s.call("", "GET", "/readyz", nil, nil, 200)
	var status int
	// The per-username rate is 10 a minute, refilled one every 6 s; a slow
	// machine may need a few more attempts (answered 401, then 423).
	for range 40 {
		if status = s.h.browser().do("POST", "/api/v1/session", map[string]string{"username": "nobody", "password": "x"}, nil); status == http.StatusTooManyRequests {
			break
		}
	}
	if status != http.StatusTooManyRequests {
		s.t.Fatalf("login flood: %d", status)
	}
	s.call("", "POST", "/api/v1/session", nil, map[string]string{"username": "nobody", "password": "x"}, 429)
	s.call("", "POST", "/api/v1/session", nil, map[string]string{"username": "editor", "password": password}, 200)
}
