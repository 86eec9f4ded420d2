package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
)

// targeted creates, as editor of bureau A, an item publishing on targets,
// expecting status want; it returns the item (zero when refused) and the
// error.
func (h *harness) targeted(want int, targets ...int64) (created, apiError) {
	h.t.Helper()
	body := itemBody("关于做好元旦期间安全生产工作的通知")
	body["targets"] = targets
	var c created
	var e apiError
	st := h.script("editor").do("POST", "/api/v1/items", body, &struct {
		*created
		*apiError
	}{&c, &e})
	if st != want {
		h.t.Fatalf("create with targets %v: %d %+v, want %d", targets, st, e, want)
	}
	return c, e
}

// TestTargetsOfOtherUnitsAreRefusedAtCreate (issue 16, finding 1): an
// editor may name the accounts of their own unit; another city's account,
// a sibling bureau's, the supervising city's own, an account below their
// unit, an unknown id and a closed account are each refused with 422 and
// a reason naming the account, and nothing is stored.
func TestTargetsOfOtherUnitsAreRefusedAtCreate(t *testing.T) {
	h := setup(t)
	own := h.account(h.unitA.ID, tongfa.PlatformWeChat, "甲局微信")
	refused := map[string]int64{
		"邻市政府网站":  h.account(h.city2.ID, tongfa.PlatformWebsite, "邻市政府网站"),
		"乙局微博":    h.account(h.unitB.ID, tongfa.PlatformWeibo, "乙局微博"),
		"市政府网站":   h.account(h.city.ID, tongfa.PlatformWebsite, "市政府网站"),
		"甲局中心客户端": h.account(h.unitA1.ID, tongfa.PlatformApp, "甲局中心客户端"),
	}
	closed := h.account(h.unitA.ID, tongfa.PlatformWebsite, "甲局旧网站")
	h.db.Pool.Exec(context.Background(), `UPDATE accounts SET status = 'closed' WHERE id = $1`, closed) //nolint:errcheck
	h.targeted(201, own)
	for name, id := range refused {
		_, e := h.targeted(422, own, id)
		if e.Error.Code != tongfa.EInvalid || !strings.Contains(e.Error.Message, "「"+name+"」") || !strings.Contains(e.Error.Fields["targets"], "其他单位") {
			t.Errorf("target %s: %+v", name, e.Error)
		}
	}
	if _, e := h.targeted(422, 999999); !strings.Contains(e.Error.Message, "999999 不存在") {
		t.Errorf("unknown target: %+v", e.Error)
	}
	if _, e := h.targeted(422, closed); !strings.Contains(e.Error.Message, "「甲局旧网站」已注销") {
		t.Errorf("closed target: %+v", e.Error)
	}
	var n int
	h.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM items`).Scan(&n) //nolint:errcheck
	if n != 1 {
		t.Fatalf("%d items stored, want only the one with its own target", n)
	}
	// The same rule holds for a new version.
	c, _ := h.targeted(201, own)
	body := itemBody("关于做好元旦期间安全生产工作的通知")
	body["targets"] = []int64{refused["邻市政府网站"]}
	if st := h.script("editor").do("PUT", fmt.Sprintf("/api/v1/items/%d", c.ID), body, nil); st != 422 {
		t.Fatalf("update to another city's account: %d", st)
	}
}

// grant lets unit publish on account, as the account unit's administrator.
func (h *harness) grant(admin string, account, unit int64) {
	h.t.Helper()
	if st := h.script(admin).do("POST", fmt.Sprintf("/api/v1/accounts/%d/grants", account), map[string]int64{"unit_id": unit}, nil); st != 201 {
		h.t.Fatalf("grant account %d to unit %d: %d", account, unit, st)
	}
}

func (h *harness) revoke(admin string, account, unit int64) {
	h.t.Helper()
	if st := h.script(admin).do("DELETE", fmt.Sprintf("/api/v1/accounts/%d/grants/%d", account, unit), nil, nil); st != 204 {
		h.t.Fatalf("revoke account %d from unit %d: %d", account, unit, st)
	}
}

// TestGrantedAccountIsCoSigned: the city grants bureau A its website (代发);
// A's item targeting it gets a level of its own for the city's reviewer,
// who sees it and signs it; A's own reviewer cannot sign that level. Only
// the city's administrators may grant, and another city's are not told
// the account exists.
func TestGrantedAccountIsCoSigned(t *testing.T) {
	h := setup(t)
	portal := h.account(h.city.ID, tongfa.PlatformWebsite, "市政府门户网站")
	if st := h.script("admin").do("POST", fmt.Sprintf("/api/v1/accounts/%d/grants", portal), map[string]int64{"unit_id": h.unitA.ID}, nil); st != 404 {
		t.Fatalf("bureau A's admin (who cannot see the city's account) granted it: %d", st)
	}
	if st := h.script("cityauditor").do("POST", fmt.Sprintf("/api/v1/accounts/%d/grants", portal), map[string]int64{"unit_id": h.unitA.ID}, nil); st != 403 {
		t.Fatalf("the city's auditor granted it: %d", st)
	}
	if st := h.script("adminC").do("POST", fmt.Sprintf("/api/v1/accounts/%d/grants", portal), map[string]int64{"unit_id": h.unitC.ID}, nil); st != 404 {
		t.Fatalf("another city's admin: %d, want 404", st)
	}
	h.grant("cityadmin", portal, h.unitA.ID)
	c, _ := h.targeted(201, portal)
	var sub struct {
		Chain      []string `json:"chain"`
		ChainUnits []int64  `json:"chain_units"`
	}
	if st := h.script("editor").do("POST", fmt.Sprintf("/api/v1/items/%d/submit", c.ID), nil, &sub); st != 200 {
		t.Fatalf("submit: %d", st)
	}
	if !slices.Equal(sub.Chain, []string{"reviewer", "reviewer"}) || !slices.Equal(sub.ChainUnits, []int64{0, h.city.ID}) {
		t.Fatalf("chain %v in units %v, want A's reviewer then the city's", sub.Chain, sub.ChainUnits)
	}
	if st, e := h.sign("reviewer", c.ID, c.Version.Hash, "approve", ""); st != 201 {
		t.Fatalf("A's reviewer: %d %+v", st, e)
	}
	if st, _ := h.sign("reviewer2", c.ID, c.Version.Hash, "approve", ""); st != 403 {
		t.Fatalf("another reviewer of A signed the city's level: %d", st)
	}
	if st, _ := h.sign("reviewerC", c.ID, c.Version.Hash, "approve", ""); st != 404 {
		t.Fatalf("another city's reviewer: %d, want 404", st)
	}
	var queue struct{ Items []struct{ ID int64 } }
	h.script("cityreviewer").do("GET", "/api/v1/reviews", nil, &queue)
	if len(queue.Items) != 1 || queue.Items[0].ID != c.ID {
		t.Fatalf("the city reviewer's queue: %+v", queue.Items)
	}
	if st, e := h.sign("cityreviewer", c.ID, c.Version.Hash, "approve", ""); st != 201 {
		t.Fatalf("the city's reviewer: %d %+v", st, e)
	}
	if st, _ := h.itemState(c.ID); st != "approved" {
		t.Fatalf("state %s after both levels", st)
	}
}

// TestRevokedGrantIsRefusedAtEveryLayer: a grant revoked after the item
// was created is refused at submission; revoked during review, the last
// signature is refused and no delivery is planned (finding 1, layers two
// and three; the worker's layer is queue's TestWorkerRefusesForeignAccount).
func TestRevokedGrantIsRefusedAtEveryLayer(t *testing.T) {
	h := setup(t)
	portal := h.account(h.city.ID, tongfa.PlatformWebsite, "市政府门户网站")
	h.grant("cityadmin", portal, h.unitA.ID)
	c, _ := h.targeted(201, portal)
	h.revoke("cityadmin", portal, h.unitA.ID)
	var e apiError
	if st := h.script("editor").do("POST", fmt.Sprintf("/api/v1/items/%d/submit", c.ID), nil, &e); st != 422 || !strings.Contains(e.Error.Message, "市政府门户网站") {
		t.Fatalf("submit after the grant was revoked: %d %+v", st, e.Error)
	}

	h.grant("cityadmin", portal, h.unitA.ID)
	if st := h.script("editor").do("POST", fmt.Sprintf("/api/v1/items/%d/submit", c.ID), nil, nil); st != 200 {
		t.Fatalf("submit with the grant: %d", st)
	}
	h.sign("reviewer", c.ID, c.Version.Hash, "approve", "")
	h.revoke("cityadmin", portal, h.unitA.ID)
	if st, e := h.sign("cityreviewer", c.ID, c.Version.Hash, "approve", ""); st != 422 || !strings.Contains(e.Error.Message, "未授权本单位代发") {
		t.Fatalf("the last signature after the revocation: %d %+v", st, e.Error)
	}
	ds, _ := h.db.ItemDeliveries(context.Background(), c.ID)
	if st, _ := h.itemState(c.ID); st != "in_review" || len(ds) != 0 {
		t.Fatalf("item %s with %d deliveries, want still in review with none", st, len(ds))
	}
}

// TestPlannedDeliveriesStayInTheUnit: whatever a version names, the
// approving transaction plans deliveries only to the item unit's open
// accounts and the ones granted to it (the store's own guard).
func TestPlannedDeliveriesStayInTheUnit(t *testing.T) {
	h := setup(t)
	own := h.account(h.unitA.ID, tongfa.PlatformApp, "甲局客户端")
	foreign := h.account(h.city2.ID, tongfa.PlatformApp, "邻市客户端")
	ctx := context.Background()
	c, _ := h.targeted(201, own)
	it, err := h.db.Item(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	it.Version.Content.Targets = []int64{own, foreign}
	var ids []int64
	err = h.db.InTx(ctx, func(tx *store.Tx) error {
		ids, err = tx.PlanDeliveries(ctx, it)
		return err
	})
	ds, _ := h.db.ItemDeliveries(ctx, c.ID)
	if err != nil || len(ids) != 1 || len(ds) != 1 || ds[0].AccountID != own {
		t.Fatalf("planned %v (%v): %+v", ids, err, ds)
	}
}

// TestClockListsShowOnlyReadableUnits: the urgent clocks, update
// frequencies and weekly tables are scoped by the clocks service to the
// units the caller reads; a sibling bureau sees none of bureau A's.
func TestClockListsShowOnlyReadableUnits(t *testing.T) {
	h := setup(t)
	a := h.account(h.unitA.ID, tongfa.PlatformWeibo, "甲局微博")
	b := h.account(h.unitB.ID, tongfa.PlatformWeibo, "乙局微博")
	body := itemBody("关于寒潮天气的紧急通告")
	body["urgency"], body["event_time"], body["targets"] = "urgent", time.Now().Add(-10*time.Minute).Format(time.RFC3339), []int64{a}
	it := h.createItem("editor", body)

	type row struct {
		AccountID int64 `json:"account_id"`
		ItemID    int64 `json:"item_id"`
	}
	seen := func(who, path, key string) map[int64]bool {
		var out map[string]json.RawMessage
		var rows []row
		if st := h.script(who).do("GET", path, nil, &out); st != 200 {
			t.Fatalf("%s %s: %d", who, path, st)
		}
		if err := json.Unmarshal(out[key], &rows); err != nil {
			t.Fatalf("%s %s: %v", who, path, err)
		}
		ids := map[int64]bool{}
		for _, r := range rows {
			ids[max(r.AccountID, r.ItemID)] = true // a row names one or the other
		}
		return ids
	}
	for _, c := range []struct {
		who      string
		own, not int64
	}{{"editor", a, b}, {"reviewerB", b, a}} {
		for _, l := range []struct{ path, key string }{{"/api/v1/frequency", "accounts"}, {"/api/v1/frequency/weekly", "weeks"}} {
			ids := seen(c.who, l.path, l.key)
			if !ids[c.own] || ids[c.not] {
				t.Errorf("%s %s: %v, want %d and not %d", c.who, l.path, ids, c.own, c.not)
			}
		}
	}
	// The system administrator reads no unit's content: an empty scope is
	// not "every unit".
	for _, l := range []struct{ path, key string }{{"/api/v1/frequency", "accounts"}, {"/api/v1/frequency/weekly", "weeks"}, {"/api/v1/urgent", "items"}} {
		if ids := seen("sysadmin", l.path, l.key); len(ids) != 0 {
			t.Errorf("sysadmin %s: %v, want nothing", l.path, ids)
		}
	}
	if ids := seen("editor", "/api/v1/urgent", "items"); !ids[it.ID] {
		t.Errorf("editor does not see their urgent item: %v", ids)
	}
	if ids := seen("reviewerB", "/api/v1/urgent", "items"); len(ids) != 0 {
		t.Errorf("bureau B sees bureau A's urgent clocks: %v", ids)
	}
}

// TestClosedAccountTakesNoRequests: a closed account cannot be asked to
// change or close again (409, saying why), and the console offers no
// change for it.
func TestClosedAccountTakesNoRequests(t *testing.T) {
	h := setup(t)
	closed := h.account(h.unitA.ID, tongfa.PlatformWebsite, "甲局旧网站")
	h.db.Pool.Exec(context.Background(), `UPDATE accounts SET status = 'closed' WHERE id = $1`, closed) //nolint:errcheck
	var e apiError
	st := h.script("admin").do("POST", fmt.Sprintf("/api/v1/accounts/%d/requests", closed), map[string]any{"kind": "close", "reason": "重复注销"}, &e)
	if st != 409 || !strings.Contains(e.Error.Message, "已注销") {
		t.Fatalf("request on a closed account: %d %+v", st, e)
	}
	if page := h.consoleAs(t, "admin").open("/admin/accounts"); strings.Contains(page, fmt.Sprintf("/admin/accounts/%d/change", closed)) {
		t.Error("the accounts page offers a change of a closed account")
	}
}
