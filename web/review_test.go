package web_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/tongfa/tongfa/store"
)

// submitted creates an item with the given importance as author and
// submits it, returning its id and version hash.
func (h *harness) submitted(author, importance string) (int64, string) {
	h.t.Helper()
	body := archived("关于开展城市环境综合整治的通知")
	body["importance"] = importance
	c := h.createItem(author, body)
	var out map[string]any
	if st := h.script(author).do("POST", fmt.Sprintf("/api/v1/items/%d/submit", c.ID), nil, &out); st != 200 {
		h.t.Fatalf("submit: %d %v", st, out)
	}
	return c.ID, c.Version.Hash
}

func (h *harness) sign(who string, id int64, hash, decision, pw string) (int, apiError) {
	h.t.Helper()
	var e apiError
	st := h.script(who).do("POST", fmt.Sprintf("/api/v1/items/%d/signoffs", id), map[string]any{
		"version_hash": hash, "decision": decision, "comment": "同意", "password": pw}, &e)
	return st, e
}

func (h *harness) itemState(id int64) (string, int) {
	var it struct {
		State string `json:"state"`
		Level int    `json:"level"`
	}
	h.script("admin").do("GET", fmt.Sprintf("/api/v1/items/%d", id), nil, &it)
	return it.State, it.Level
}

// TestPrincipalItemFromDraftToApproved walks a major item through all three
// levels with four different people, then checks the audit trail.
func TestPrincipalItemFromDraftToApproved(t *testing.T) {
	h := setup(t)
	c := h.createItem("editor", map[string]any{"title": "关于应对强降雨的紧急通知", "body": "<p>受强降雨影响，我市部分地区出现灾情。</p>",
		"category": "notice", "kind": "original", "importance": "routine", "archive_only": true})
	var sub struct {
		Tier    string   `json:"required_tier"`
		Chain   []string `json:"chain"`
		Reasons []struct {
			Code, Message string
		} `json:"reasons"`
	}
	if st := h.script("editor").do("POST", fmt.Sprintf("/api/v1/items/%d/submit", c.ID), nil, &sub); st != 200 {
		t.Fatalf("submit: %d", st)
	}
	if sub.Tier != "principal" || !slices.Equal(sub.Chain, []string{"reviewer", "deputy", "principal"}) ||
		len(sub.Reasons) != 1 || sub.Reasons[0].Message != "检测到敏感话题「灾情」，需主要领导审签" {
		t.Fatalf("submission %+v", sub)
	}
	for i, who := range []string{"reviewer", "deputy", "principal"} {
		if st, e := h.sign(who, c.ID, c.Version.Hash, "approve", password); st != 201 {
			t.Fatalf("%s: %d %+v", who, st, e)
		}
		if state, level := h.itemState(c.ID); i < 2 && (state != "in_review" || level != i+2) || i == 2 && state != "approved" {
			t.Fatalf("after %s: %s level %d", who, state, level)
		}
	}
	rows, _ := h.db.ListAudit(context.Background(), store.AuditFilter{Target: fmt.Sprintf("item:%d", c.ID)})
	var actions []string
	for i := len(rows) - 1; i >= 0; i-- {
		actions = append(actions, rows[i].Action)
	}
	want := []string{"item.create", "item.submit", "item.signoff", "item.signoff", "item.signoff", "item.approve"}
	if !slices.Equal(actions, want) {
		t.Fatalf("audit %v, want %v", actions, want)
	}
	for _, r := range rows[:5] {
		if !contains(r.Details, c.Version.Hash) {
			t.Errorf("%s does not record the version hash: %s", r.Action, r.Details)
		}
	}
}

func contains(s, sub string) bool { return len(sub) > 0 && len(s) >= len(sub) && indexOf(s, sub) >= 0 }

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestChains(t *testing.T) {
	h := setup(t)
	id, hash := h.submitted("editor", "routine")
	if st, _ := h.sign("reviewer", id, hash, "approve", ""); st != 201 {
		t.Fatalf("routine reviewer: %d", st)
	}
	if state, _ := h.itemState(id); state != "approved" {
		t.Fatalf("routine after one signature: %s", state)
	}
	id, hash = h.submitted("editor", "important")
	h.sign("reviewer", id, hash, "approve", "")
	if state, level := h.itemState(id); state != "in_review" || level != 2 {
		t.Fatalf("important after reviewer: %s %d", state, level)
	}
	if st, e := h.sign("principal", id, hash, "approve", password); st != 403 || e.Error.Code != "forbidden" {
		t.Fatalf("principal signing the deputy level: %d %s", st, e.Error.Code)
	}
	h.sign("deputy", id, hash, "approve", password)
	if state, _ := h.itemState(id); state != "approved" {
		t.Fatalf("important after deputy: %s", state)
	}
}

func TestStrictThreeLevelReview(t *testing.T) {
	h := setup(t)
	h.db.InTx(context.Background(), func(tx *store.Tx) error {
		return tx.SetUnitPolicy(context.Background(), h.unitA.ID, "strict: true\n", nil)
	})
	var sub struct {
		Tier  string   `json:"required_tier"`
		Chain []string `json:"chain"`
	}
	c := h.createItem("editor", archived("例行信息"))
	h.script("editor").do("POST", fmt.Sprintf("/api/v1/items/%d/submit", c.ID), nil, &sub)
	if sub.Tier != "principal" || len(sub.Chain) != 3 {
		t.Fatalf("strict unit: %+v", sub)
	}
}

func TestStaleVersionHash(t *testing.T) {
	h := setup(t)
	id, hash := h.submitted("editor", "routine")
	st, e := h.sign("reviewer", id, "0000000000000000000000000000000000000000000000000000000000000000", "approve", "")
	if st != 409 || e.Error.Code != "stale_version" {
		t.Fatalf("stale hash: %d %s", st, e.Error.Code)
	}
	var raw struct {
		Error struct {
			Data struct {
				CurrentHash string `json:"current_hash"`
			} `json:"data"`
		} `json:"error"`
	}
	h.script("reviewer").do("POST", fmt.Sprintf("/api/v1/items/%d/signoffs", id), map[string]any{
		"version_hash": "1111111111111111111111111111111111111111111111111111111111111111", "decision": "approve"}, &raw)
	if raw.Error.Data.CurrentHash != hash {
		t.Fatalf("409 does not carry the current hash: %+v", raw)
	}
}

func TestEditVoidsSignoffsAndRestarts(t *testing.T) {
	h := setup(t)
	id, hash := h.submitted("editor", "important")
	h.sign("reviewer", id, hash, "approve", "")
	body := archived("关于开展城市环境综合整治的通知（修改）")
	body["importance"] = "important"
	var v2 created
	if st := h.script("editor").do("PUT", fmt.Sprintf("/api/v1/items/%d", id), body, &v2); st != 200 {
		t.Fatalf("edit in review: %d", st)
	}
	if state, level := h.itemState(id); state != "in_review" || level != 1 {
		t.Fatalf("after edit: %s level %d, want in_review level 1", state, level)
	}
	if st, e := h.sign("deputy", id, hash, "approve", password); st != 409 || e.Error.Code != "stale_version" {
		t.Fatalf("signing the old version: %d %s", st, e.Error.Code)
	}
	var hist struct {
		Signoffs []struct {
			VoidedAt   *string `json:"voided_at"`
			VoidReason *string `json:"void_reason"`
		} `json:"signoffs"`
	}
	h.script("editor").do("GET", fmt.Sprintf("/api/v1/items/%d/signoffs", id), nil, &hist)
	if len(hist.Signoffs) != 1 || hist.Signoffs[0].VoidedAt == nil || *hist.Signoffs[0].VoidReason != "new_version" {
		t.Fatalf("old sign-off not kept as voided: %+v", hist)
	}
	// The new version goes through again, and then an edit after approval
	// (before sending) voids that approval too.
	h.sign("reviewer", id, v2.Version.Hash, "approve", "")
	h.sign("deputy", id, v2.Version.Hash, "approve", password)
	if state, _ := h.itemState(id); state != "approved" {
		t.Fatalf("v2: %s", state)
	}
	body["title"] = "第三版"
	h.script("editor").do("PUT", fmt.Sprintf("/api/v1/items/%d", id), body, nil)
	if state, level := h.itemState(id); state != "in_review" || level != 1 {
		t.Fatalf("edit after approval: %s level %d", state, level)
	}
	voids, _ := h.db.ListAudit(context.Background(), store.AuditFilter{Action: "item.void"})
	if len(voids) != 2 {
		t.Fatalf("%d void audit rows, want 2", len(voids))
	}
}

func TestSeparationOfDuties(t *testing.T) {
	h := setup(t)
	id, hash := h.submitted("writer", "routine")
	if st, e := h.sign("writer", id, hash, "approve", ""); st != 403 || e.Error.Code != "separation_of_duties" {
		t.Fatalf("author signing: %d %s", st, e.Error.Code)
	}
	id, hash = h.submitted("editor", "important")
	if st, _ := h.sign("multi", id, hash, "approve", ""); st != 201 {
		t.Fatalf("multi at level 1: %d", st)
	}
	if st, e := h.sign("multi", id, hash, "approve", password); st != 403 || e.Error.Code != "separation_of_duties" {
		t.Fatalf("multi at level 2: %d %s", st, e.Error.Code)
	}
}

func TestDelegation(t *testing.T) {
	h := setup(t)
	id, hash := h.submitted("editor", "important")
	h.sign("reviewer", id, hash, "approve", "")
	if st, _ := h.sign("deputyB", id, hash, "approve", password); st != 404 {
		t.Fatalf("deputy of another unit without delegation (cannot even see it): %d", st)
	}
	now := h.db.Now()
	var d map[string]any
	if st := h.script("deputy").do("POST", "/api/v1/delegations", map[string]any{"delegate_id": h.users["deputyB"].ID,
		"unit_id": h.unitA.ID, "role": "deputy", "starts_at": now.Add(-time1h), "ends_at": now.Add(48 * time1h), "reason": "出差"}, &d); st != 201 {
		t.Fatalf("delegate: %d %v", st, d)
	}
	if st := h.script("deputyB").do("GET", fmt.Sprintf("/api/v1/items/%d", id), nil, nil); st != 200 {
		t.Fatalf("delegate reading the item: %d", st)
	}
	if st, e := h.sign("deputyB", id, hash, "approve", password); st != 201 {
		t.Fatalf("delegate signing: %d %+v", st, e)
	}
	sigs, _ := h.db.Signoffs(context.Background(), id)
	last := sigs[len(sigs)-1]
	if last.SignerID != h.users["deputyB"].ID || last.OnBehalfOf == nil || *last.OnBehalfOf != h.users["deputy"].ID {
		t.Fatalf("signature does not record both names: %+v", last)
	}
	if st := h.script("reviewer").do("POST", "/api/v1/delegations", map[string]any{"delegate_id": h.users["deputyB"].ID,
		"unit_id": h.unitA.ID, "role": "deputy", "starts_at": now, "ends_at": now.Add(time1h), "reason": "x"}, nil); st != 403 {
		t.Fatalf("delegating a role one does not hold: %d", st)
	}
}

func TestStepUp(t *testing.T) {
	h := setup(t)
	id, hash := h.submitted("editor", "important")
	h.sign("reviewer", id, hash, "approve", "")
	if st, e := h.sign("deputy", id, hash, "approve", ""); st != 403 || e.Error.Code != "step_up_required" {
		t.Fatalf("no password: %d %s", st, e.Error.Code)
	}
	if st, e := h.sign("deputy", id, hash, "approve", "wrong-password"); st != 403 || e.Error.Code != "step_up_required" {
		t.Fatalf("wrong password: %d %s", st, e.Error.Code)
	}
	fails, _ := h.db.ListAudit(context.Background(), store.AuditFilter{Action: "login.failed"})
	if len(fails) != 1 {
		t.Fatalf("a wrong step-up password must count as a failed login (%d rows)", len(fails))
	}
	// In the console, one confirmation covers the next five minutes.
	b := h.login("deputy")
	var e apiError
	if st := b.do("POST", fmt.Sprintf("/api/v1/items/%d/signoffs", id), map[string]any{"version_hash": hash, "decision": "approve", "password": password}, &e); st != 201 {
		t.Fatalf("with password: %d %+v", st, e)
	}
	id2, hash2 := h.submitted("editor", "important")
	h.sign("reviewer", id2, hash2, "approve", "")
	if st := b.do("POST", fmt.Sprintf("/api/v1/items/%d/signoffs", id2), map[string]any{"version_hash": hash2, "decision": "approve"}, &e); st != 201 {
		t.Fatalf("within the step-up window: %d %+v", st, e)
	}
}

func TestConcurrentSignoffsOneWins(t *testing.T) {
	h := setup(t)
	id, hash := h.submitted("editor", "routine")
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i, who := range []string{"reviewer", "reviewer2"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], _ = h.sign(who, id, hash, "approve", "")
		}()
	}
	wg.Wait()
	slices.Sort(statuses)
	if statuses[0] != 201 || statuses[1] != 409 {
		t.Fatalf("statuses %v, want one 201 and one 409", statuses)
	}
	sigs, _ := h.db.Signoffs(context.Background(), id)
	if len(sigs) != 1 {
		t.Fatalf("%d sign-offs recorded, want 1", len(sigs))
	}
}

func TestBlockedContentCannotBeSubmitted(t *testing.T) {
	h := setup(t)
	body := itemBody("便民信息")
	body["body"] = "<p>本店代开发票，联系人身份证号410602199003071238。</p>"
	c := h.createItem("editor", body)
	var e struct {
		Error struct {
			Code string `json:"code"`
			Data struct {
				Blocked  bool `json:"blocked"`
				Findings []struct {
					Field, Kind, Category, Level, Text string
				} `json:"findings"`
			} `json:"data"`
		} `json:"error"`
	}
	if st := h.script("editor").do("POST", fmt.Sprintf("/api/v1/items/%d/submit", c.ID), nil, &e); st != 422 || e.Error.Code != "content_blocked" {
		t.Fatalf("submit: %d %s", st, e.Error.Code)
	}
	kinds := map[string]bool{}
	for _, f := range e.Error.Data.Findings {
		if f.Level == "block" {
			kinds[f.Kind+":"+f.Text] = true
		}
	}
	if !kinds["ad:代开发票"] || !kinds["pii:410602199003071238"] {
		t.Fatalf("blocking findings %+v", e.Error.Data.Findings)
	}
	if state, _ := h.itemState(c.ID); state != "draft" {
		t.Fatalf("state %s", state)
	}
}

func TestRejectAndResubmit(t *testing.T) {
	h := setup(t)
	id, hash := h.submitted("editor", "routine")
	if st, e := h.script("reviewer").do("POST", fmt.Sprintf("/api/v1/items/%d/signoffs", id),
		map[string]any{"version_hash": hash, "decision": "reject"}, nil), (apiError{}); st != 422 {
		t.Fatalf("reject without comment: %d %v", st, e)
	}
	h.script("reviewer").do("POST", fmt.Sprintf("/api/v1/items/%d/signoffs", id),
		map[string]any{"version_hash": hash, "decision": "reject", "comment": "标题不规范"}, nil)
	if state, _ := h.itemState(id); state != "rejected" {
		t.Fatalf("after reject: %s", state)
	}
	h.script("editor").do("PUT", fmt.Sprintf("/api/v1/items/%d", id), archived("规范后的标题"), nil)
	if state, _ := h.itemState(id); state != "draft" {
		t.Fatalf("edit after reject: %s", state)
	}
	if st := h.script("editor").do("POST", fmt.Sprintf("/api/v1/items/%d/submit", id), nil, nil); st != 200 {
		t.Fatalf("resubmit: %d", st)
	}
}

func TestWithdrawSubmissionAndQueue(t *testing.T) {
	h := setup(t)
	id, _ := h.submitted("editor", "routine")
	var q struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	h.script("reviewer").do("GET", "/api/v1/reviews", nil, &q)
	if len(q.Items) != 1 || q.Items[0].ID != id {
		t.Fatalf("reviewer's queue %+v", q)
	}
	h.script("deputy").do("GET", "/api/v1/reviews", nil, &q)
	if len(q.Items) != 0 {
		t.Fatalf("deputy's queue has a routine item at level 1: %+v", q)
	}
	if st := h.script("editor").do("DELETE", fmt.Sprintf("/api/v1/items/%d/submission", id), nil, nil); st != 204 {
		t.Fatalf("withdraw: %d", st)
	}
	if state, _ := h.itemState(id); state != "draft" {
		t.Fatalf("after withdraw: %s", state)
	}
	var n struct {
		Notifications []struct {
			Kind string `json:"kind"`
		} `json:"notifications"`
	}
	h.script("reviewer").do("GET", "/api/v1/notifications", nil, &n)
	if len(n.Notifications) != 1 || n.Notifications[0].Kind != "signoff.pending" {
		t.Fatalf("reviewer notifications %+v", n)
	}
}

// TestWithdrawNeedsASignedItem: a draft cannot be "withdrawn" from
// channels (409, nothing changes); an approved item not yet sent can.
func TestWithdrawNeedsASignedItem(t *testing.T) {
	h := setup(t)
	draft := h.createItem("editor", itemBody("关于开展城市环境综合整治的通知"))
	var e apiError
	if st := h.script("deputy").do("POST", fmt.Sprintf("/api/v1/items/%d/withdraw", draft.ID), map[string]any{"reason": "信息有误", "password": password}, &e); st != 409 || !strings.Contains(e.Error.Message, "草稿") {
		t.Fatalf("withdraw a draft: %d %+v", st, e)
	}
	if state, _ := h.itemState(draft.ID); state != "draft" {
		t.Fatalf("draft after refused withdrawal: %s", state)
	}
	id, hash := h.submitted("editor", "routine")
	if st, e := h.sign("reviewer", id, hash, "approve", password); st != 201 {
		t.Fatalf("approve: %d %+v", st, e)
	}
	if st := h.script("deputy").do("POST", fmt.Sprintf("/api/v1/items/%d/withdraw", id), map[string]any{"reason": "信息有误", "password": password}, &e); st != 200 {
		t.Fatalf("withdraw an approved item: %d %+v", st, e)
	}
	if state, _ := h.itemState(id); state != "withdrawn" {
		t.Fatalf("after withdrawal: %s", state)
	}
}
