package web_test

import (
	"fmt"
	"testing"
)

// TestRoleSpotChecks sends a few endpoints as every role (and as
// nobody) and checks the status. The item belongs to 甲局 (unit A);
// editorB works in 乙局; cityadmin and cityauditor in the supervising office.
func TestRoleSpotChecks(t *testing.T) {
	h := setup(t)
	item := h.createItem("editor", itemBody("甲局稿件"))
	itemPath := fmt.Sprintf("/api/v1/items/%d", item.ID)
	everyone := []string{"editor", "reviewer", "deputy", "principal", "admin", "auditor", "editorB", "cityadmin", "cityauditor", ""}
	type row struct {
		method, path string
		body         func() any
		want         map[string]int // by user; "" is anonymous
	}
	only := func(def int, except map[string]int) map[string]int {
		m := map[string]int{"": 401}
		for _, u := range everyone[:len(everyone)-1] {
			m[u] = def
		}
		for u, s := range except {
			m[u] = s
		}
		return m
	}
	update := func() any {
		b := itemBody("甲局稿件（改）")
		return b
	}
	leaders := func() any { return map[string]string{"content": bureauLeadersTSV} }
	rows := []row{
		{"GET", "/api/v1/me", nil, only(200, nil)},
		{"POST", "/api/v1/items", func() any { return itemBody("新稿") }, only(403, map[string]int{"editor": 201, "editorB": 201})},
		{"GET", "/api/v1/items", nil, only(200, nil)},
		{"GET", itemPath, nil, only(200, map[string]int{"editorB": 404})},
		{"PUT", itemPath, update, only(403, map[string]int{"editor": 200, "editorB": 404})},
		{"GET", "/api/v1/audit", nil, only(403, map[string]int{"admin": 200, "auditor": 200, "cityadmin": 200, "cityauditor": 200})},
		{"GET", "/api/v1/items/999999", nil, only(404, nil)},
		{"GET", leadersPath(h.unitA.ID), nil, only(200, map[string]int{"editorB": 404})},
		{"PUT", leadersPath(h.unitA.ID), leaders, only(403, map[string]int{"admin": 200, "cityadmin": 200})},
		{"POST", leadersPath(h.unitA.ID) + "/rollback", func() any { return map[string]int{"version": 1} },
			only(403, map[string]int{"admin": 200, "cityadmin": 200})},
	}
	for _, r := range rows {
		for _, who := range everyone {
			t.Run(fmt.Sprintf("%s %s as %q", r.method, r.path, who), func(t *testing.T) {
				c := &client{h: h, http: h.ts.Client()}
				if who != "" {
					c = h.script(who)
				}
				var body any
				if r.body != nil {
					body = r.body()
				}
				if st := c.do(r.method, r.path, body, nil); st != r.want[who] {
					t.Errorf("status %d, want %d", st, r.want[who])
				}
			})
		}
	}
}

// TestListIsScopedToUnits checks that listing never shows another unit's
// drafts, and that the supervising office sees every unit.
func TestListIsScopedToUnits(t *testing.T) {
	h := setup(t)
	h.createItem("editor", itemBody("甲局稿件"))
	h.createItem("editorB", itemBody("乙局稿件"))
	want := map[string]int{"editor": 1, "reviewer": 1, "admin": 1, "editorB": 1, "cityadmin": 2, "cityauditor": 2}
	for who, n := range want {
		var out struct {
			Total int `json:"total"`
		}
		h.script(who).do("GET", "/api/v1/items", nil, &out)
		if out.Total != n {
			t.Errorf("%s sees %d items, want %d", who, out.Total, n)
		}
	}
	var out struct {
		Total int `json:"total"`
	}
	h.script("editorB").do("GET", fmt.Sprintf("/api/v1/items?unit_id=%d", h.unitA.ID), nil, &out)
	if out.Total != 0 {
		t.Errorf("editorB filtering on unit A sees %d items", out.Total)
	}
}

// TestAuditScope: a bureau's admin sees their unit's audit rows only.
func TestAuditScope(t *testing.T) {
	h := setup(t)
	h.createItem("editor", itemBody("甲局稿件"))
	h.createItem("editorB", itemBody("乙局稿件"))
	count := func(who string) int {
		var out struct {
			Entries []struct {
				UnitID *int64 `json:"unit_id"`
			} `json:"entries"`
		}
		h.script(who).do("GET", "/api/v1/audit?action=item.create", nil, &out)
		return len(out.Entries)
	}
	if a, c := count("admin"), count("cityauditor"); a != 1 || c != 2 {
		t.Fatalf("bureau admin sees %d item.create rows (want 1), city auditor %d (want 2)", a, c)
	}
}
