package main

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/store"
)

// previews are the simulator's preview posts to the WeChat user wxname.
func previews(s *sim.Server, wxname string) [][]string {
	var out [][]string
	for _, p := range s.Posts() {
		if p.Platform == "wechat" && p.Kind == "preview" && p.Text == wxname {
			var titles []string
			for _, a := range p.Articles {
				titles = append(titles, a.Title)
			}
			out = append(out, titles)
		}
	}
	return out
}

// TestEditionPreviewAndCancel: a signer without a WeChat ID is told to
// record one; with it, the edition's preview reaches their WeChat as one
// preview with the articles in order, and an item's preview as one
// article, neither a mass send. Another unit's editor gets 404; an
// editor cannot confirm. The editor who assembled an edition cancels it
// before confirmation, not after; the reviewer cancels a confirmed one;
// the items' deliveries are the items' own again and the items may join
// another edition; an edition already sending cannot be cancelled. Every
// preview and cancellation is audited.
func TestEditionPreviewAndCancel(t *testing.T) {
	env, acc, tokens, m := massHub(t, "c")
	ctx := context.Background()
	var other *tongfa.Unit
	if err := env.DB.InTx(ctx, func(tx *store.Tx) (err error) {
		other, err = tx.CreateUnit(ctx, "其他局", nil)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	outsider := staff(t, env.DB, other.ID, "x", "Sched-Passw0rd", tongfa.RoleEditor, tongfa.RoleReviewer)

	at := time.Now().Add(2 * time.Hour).Truncate(time.Minute)
	a := approveScheduled(t, m, env, tokens, "市政府召开第十一次常务会议", at)
	b := approveScheduled(t, m, env, tokens, "关于做好寒潮防范工作的通知", at)
	assemble := func(items ...int64) string {
		t.Helper()
		st, ed := request(t, "POST", m.URL()+"/api/v1/editions", tokens["editor"],
			map[string]any{"account_id": acc.ID, "publish_at": at.Format(time.RFC3339), "items": items})
		if st != 201 {
			t.Fatalf("assemble: %d %v", st, ed)
		}
		return fmt.Sprintf("%s/api/v1/editions/%v", m.URL(), ed["id"])
	}
	path := assemble(b.id, a.id)

	st, out := request(t, "POST", path+"/preview", tokens["reviewer"], nil)
	if e, _ := out["error"].(map[string]any); st != 422 || e["code"] != tongfa.ENoWeChatID {
		t.Fatalf("preview without a WeChat ID: %d %v", st, out)
	}
	if st, out := request(t, "PUT", m.URL()+"/api/v1/me/wechat", tokens["reviewer"], map[string]string{"wechat_id": "1bad"}); st != 422 {
		t.Fatalf("a malformed WeChat ID: %d %v", st, out)
	}
	if st, out := request(t, "PUT", m.URL()+"/api/v1/me/wechat", tokens["reviewer"], map[string]string{"wechat_id": "leader_wang01"}); st != 200 || out["wechat_id"] != "leader_wang01" {
		t.Fatalf("record the WeChat ID: %d %v", st, out)
	}
	if _, out := request(t, "GET", m.URL()+"/api/v1/me/wechat", tokens["reviewer"], nil); out["wechat_id"] != "leader_wang01" {
		t.Fatalf("read the WeChat ID: %v", out)
	}
	if st, out := request(t, "POST", path+"/preview", tokens["reviewer"], nil); st != 200 || out["articles"] != float64(2) {
		t.Fatalf("preview the edition: %d %v", st, out)
	}
	if st, out := request(t, "POST", a.path+"/preview", tokens["reviewer"], map[string]any{"account_id": acc.ID}); st != 200 {
		t.Fatalf("preview the item: %d %v", st, out)
	}
	got := previews(env.Sim, "leader_wang01")
	if want := [][]string{{b.title, a.title}, {a.title}}; !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("previews on the signer's WeChat %q, want %q", got, want)
	}
	for _, p := range env.Sim.Posts() {
		if p.Platform == "wechat" && p.Kind == "mass" {
			t.Fatalf("a preview mass-sent: %+v", p)
		}
	}
	if st, _ := request(t, "POST", a.path+"/preview", tokens["reviewer"], map[string]any{"account_id": env.Accounts[tongfa.PlatformWeibo].ID}); st != 422 {
		t.Errorf("preview for a Weibo target: %d", st)
	}

	for _, c := range []struct{ method, path, who string }{
		{"GET", path, "editor"}, {"POST", path + "/preview", "reviewer"}, {"POST", path + "/cancel", "reviewer"},
		{"POST", path + "/confirm", "reviewer"}, {"POST", a.path + "/preview", "reviewer"},
	} {
		var body any
		if c.path == a.path+"/preview" {
			body = map[string]any{"account_id": acc.ID}
		}
		if st, out := request(t, c.method, c.path, outsider[c.who], body); st != 404 {
			t.Errorf("%s %s by another unit's %s: %d %v", c.method, c.path, c.who, st, out)
		}
	}
	if st, _ := request(t, "POST", path+"/confirm", tokens["editor"], nil); st != 403 {
		t.Errorf("an editor confirms: %d", st)
	}

	// The assembling editor cancels the draft; the items are free again.
	if st, out := request(t, "POST", path+"/cancel", tokens["editor"], map[string]string{"reason": "改为明日发布"}); st != 200 || out["state"] != "cancelled" {
		t.Fatalf("the editor cancels the draft: %d %v", st, out)
	}
	if _, ds := request(t, "GET", a.path, tokens["editor"], nil); ds["state"] != string(tongfa.StateScheduled) {
		t.Errorf("item after the cancellation: %v", ds["state"])
	}
	var inEdition int
	env.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM deliveries WHERE item_id = ANY($1) AND edition_id IS NOT NULL`, []int64{a.id, b.id}).Scan(&inEdition)
	if inEdition != 0 {
		t.Errorf("%d deliveries still in the cancelled edition", inEdition)
	}
	if st, out := request(t, "POST", path+"/cancel", tokens["reviewer"], nil); st != 409 || out["error"].(map[string]any)["code"] != tongfa.EEditionStarted {
		t.Errorf("cancel twice: %d %v", st, out)
	}

	// Assembled again and confirmed: only a signer cancels it now.
	path = assemble(a.id, b.id)
	if st, out := request(t, "POST", path+"/confirm", tokens["reviewer"], nil); st != 200 {
		t.Fatalf("confirm: %d %v", st, out)
	}
	if st, out := request(t, "POST", path+"/cancel", tokens["editor"], nil); st != 403 {
		t.Errorf("the editor cancels a confirmed edition: %d %v", st, out)
	}
	if st, out := request(t, "POST", path+"/cancel", tokens["reviewer"], map[string]string{"reason": "内容调整"}); st != 200 || out["state"] != "cancelled" {
		t.Fatalf("the reviewer cancels the confirmed edition: %d %v", st, out)
	}

	// An edition already sending cannot be cancelled.
	path = assemble(a.id, b.id)
	var id int64
	fmt.Sscanf(path[len(m.URL()+"/api/v1/editions/"):], "%d", &id)
	if err := env.DB.InTx(ctx, func(tx *store.Tx) error {
		return tx.SetEditionState(ctx, id, []string{"draft"}, "sending", nil)
	}); err != nil {
		t.Fatal(err)
	}
	if st, out := request(t, "POST", path+"/cancel", tokens["reviewer"], nil); st != 409 || out["error"].(map[string]any)["code"] != tongfa.EEditionStarted {
		t.Errorf("cancel a sending edition: %d %v", st, out)
	}

	var audited map[string]int = map[string]int{}
	rows, _ := env.DB.Pool.Query(ctx, `SELECT action, count(*) FROM audit_log WHERE action IN ('edition.cancel','edition.preview','user.wechat_id') GROUP BY action`)
	for rows.Next() {
		var k string
		var n int
		rows.Scan(&k, &n)
		audited[k] = n
	}
	rows.Close()
	if audited["edition.cancel"] != 2 || audited["edition.preview"] != 2 || audited["user.wechat_id"] != 1 {
		t.Errorf("audit rows %v", audited)
	}
}
