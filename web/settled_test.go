package web_test

import (
	"context"
	"testing"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
)

// finishDeliveries ends the deliveries of an item as the worker would:
// the first n delivered, the rest failed; then settles the item.
func finishDeliveries(t *testing.T, h *harness, itemID int64, delivered int) tongfa.ItemState {
	t.Helper()
	ctx := context.Background()
	var st tongfa.ItemState
	err := h.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE deliveries d SET state = CASE WHEN r.n <= $2 THEN 'delivered' ELSE 'failed' END,
			delivered_at = CASE WHEN r.n <= $2 THEN now() END, error = CASE WHEN r.n > $2 THEN '平台拒绝：内容不符合要求' END,
			platform_post_id = CASE WHEN r.n <= $2 THEN 'p' || d.id END
			FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM deliveries WHERE item_id = $1) r
			WHERE d.id = r.id`, itemID, delivered)
		if err == nil {
			st, err = tx.SettleItem(ctx, itemID)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestFailedPublicationSettles: an item whose deliveries all failed is no
// longer 发布中 but 发布失败, one with some failed reads 部分发布失败; the
// item page names the failing channels and the dashboard counts both.
func TestFailedPublicationSettles(t *testing.T) {
	h := setupConsole(t)
	targets := registerAccounts(t, h)
	approved := func(title string) created {
		body := itemBody(title)
		body["targets"] = targets
		it := h.createItem("editor", body)
		submitAndSign(t, h, it)
		return it
	}
	none, some := approved("全部渠道失败的稿件"), approved("部分渠道失败的稿件")
	if st := finishDeliveries(t, h, none.ID, 0); st != tongfa.StateFailed {
		t.Fatalf("all deliveries failed: item %q, want failed", st)
	}
	if st := finishDeliveries(t, h, some.ID, 1); st != tongfa.StatePublished {
		t.Fatalf("one of two delivered: item %q, want published", st)
	}
	editor := h.consoleAs(t, "editor")
	mustShow(t, "the failed item", editor.open("/items/"+itoa(none.ID)), []string{`id="item-state">发布失败</span>`,
		`未发布成功的渠道：微信公众号 · 示范甲局发布、微博 · 示范甲局微博`, `href="/items/` + itoa(none.ID) + `/edit"`}, []string{"发布中"})
	mustShow(t, "the partly failed item", editor.open("/items/"+itoa(some.ID)), []string{`id="item-state">部分发布失败</span>`,
		`未发布成功的渠道：微博 · 示范甲局微博`}, []string{"发布中"})
	mustShow(t, "the dashboard", editor.open("/"), []string{`发布失败 1 篇，部分发布失败 1 篇`,
		`<a href="/items/` + itoa(none.ID) + `">全部渠道失败的稿件</a> <span class="state state-failed state-failing">发布失败</span>`}, nil)
	var it struct{ State string }
	if h.script("editor").do("GET", "/api/v1/items/"+itoa(none.ID), nil, &it); it.State != "failed" {
		t.Fatalf("API state %q", it.State)
	}
	// Fixed, the failed item goes back to draft for another sign-off.
	fixed := itemBody("全部渠道失败的稿件（修改）")
	fixed["targets"], fixed["base_version"] = targets, 1
	if st := h.script("editor").do("PUT", "/api/v1/items/"+itoa(none.ID), fixed, nil); st != 200 {
		t.Fatalf("edit a failed item: %d", st)
	}
	if state, _ := h.itemState(none.ID); state != "draft" {
		t.Fatalf("edited failed item: %s", state)
	}
}
