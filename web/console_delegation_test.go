package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
)

// TestConsoleDelegationForm: a deputy leader hands their level to another
// deputy of the city's units (their own bureau's or a sibling's, never
// another city's) for a week; both see it in force. A delegation to
// someone of another role or one ending before it starts is refused with
// the field named; an editor has no delegation page.
func TestConsoleDelegationForm(t *testing.T) {
	h := setupConsole(t)
	deputy := h.consoleAs(t, "deputy")
	body := deputy.open("/delegations")
	mustShow(t, "delegations", body, []string{`data-api="/api/v1/delegations"`, `name="unit_id" data-type="int" value="` + itoa(h.unitA.ID) + `"`,
		`name="role" value="deputy"`, `<option value="` + itoa(h.users["deputy2"].ID) + `">deputy2</option>`,
		`<option value="` + itoa(h.users["multi"].ID) + `">multi</option>`, `<option value="` + itoa(h.users["deputyB"].ID) + `">deputyB</option>`,
		`href="/delegations" aria-current="page"`, "当前没有生效或待生效的委托"},
		[]string{`<option value="` + itoa(h.users["deputy"].ID) + `"`, `<option value="` + itoa(h.users["reviewer"].ID) + `"`})

	now := time.Now()
	in := map[string]any{"delegate_id": h.users["deputy2"].ID, "unit_id": h.unitA.ID, "role": "deputy",
		"starts_at": now.Format(time.RFC3339), "ends_at": now.Add(7 * 24 * time.Hour).Format(time.RFC3339), "reason": "外出学习"}
	in["delegate_id"] = h.users["reviewer"].ID
	if e := deputy.expect("POST", "/api/v1/delegations", in, 422, "validation_failed"); e.Error.Fields["delegate_id"] == "" {
		t.Errorf("no field error for the delegate: %+v", e)
	}
	in["delegate_id"], in["ends_at"] = h.users["deputy2"].ID, now.Add(-time.Hour).Format(time.RFC3339)
	if e := deputy.expect("POST", "/api/v1/delegations", in, 422, "validation_failed"); e.Error.Fields["ends_at"] == "" {
		t.Errorf("no field error for the end: %+v", e)
	}
	in["ends_at"] = now.Add(7 * 24 * time.Hour).Format(time.RFC3339)
	deputy.expect("POST", "/api/v1/delegations", in, 201, "")
	past := map[string]any{"delegate_id": h.users["multi"].ID, "unit_id": h.unitA.ID, "role": "deputy",
		"starts_at": now.Add(-72 * time.Hour).Format(time.RFC3339), "ends_at": now.Add(-24 * time.Hour).Format(time.RFC3339), "reason": "已结束的委托"}
	deputy.expect("POST", "/api/v1/delegations", past, 201, "")

	mustShow(t, "delegations after delegating", deputy.open("/delegations"), []string{"我委托 <strong>deputy2（分管领导）</strong> 代行 示范市甲局分管领导审签", "外出学习"},
		[]string{"已结束的委托"})
	mustShow(t, "the delegate's page", h.consoleAs(t, "deputy2").open("/delegations"), []string{"<strong>deputy（分管领导）</strong> 委托我代行 示范市甲局分管领导审签"}, nil)

	editor := h.consoleAs(t, "editor")
	editor.refused("/delegations", 403, "forbidden")
	if strings.Contains(editor.open("/"), `href="/delegations"`) {
		t.Error("an editor's menu offers delegations")
	}
	in["role"] = "editor"
	editor.expect("POST", "/api/v1/delegations", in, 403, "forbidden")
}

// publishedItem is an item of bureau A approved by the reviewer and marked
// delivered on two accounts, as the delivery worker would have.
func publishedItem(t *testing.T, h *harness, title string) created {
	t.Helper()
	body := itemBody(title)
	body["targets"] = registerAccounts(t, h)
	it := h.createItem("editor", body)
	submitAndSign(t, h, it)
	ctx := context.Background()
	err := h.db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE deliveries SET state = 'delivered', delivered_at = now(), platform_post_id = 'p' || id,
			url = 'https://example.test/p/' || id WHERE item_id = $1`, it.ID)
		if err == nil {
			_, err = tx.SettleItem(ctx, it.ID)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := h.db.Item(ctx, it.ID); got.State != tongfa.StatePublished {
		t.Fatalf("item state %s, want published", got.State)
	}
	return it
}

// TestConsoleCorrection: an editor corrects a published item from its
// page; the correction goes to sign-off and the page says what happens to
// the posts online. Other roles and other states are refused.
func TestConsoleCorrection(t *testing.T) {
	h := setupConsole(t)
	it := publishedItem(t, h, "关于调整办事时间的通知")
	item, correct, api := "/items/"+itoa(it.ID), "/items/"+itoa(it.ID)+"/correct", "/api/v1/items/"+itoa(it.ID)+"/correct"
	editor := h.consoleAs(t, "editor")
	mustShow(t, "published item", editor.open(item), []string{`href="` + correct + `"`, "第 1 版"}, []string{`id="correction"`, "/edit\""})
	mustShow(t, "correction form", editor.open(correct), []string{`data-api="` + api + `" data-method="POST"`, `name="base_version" data-type="int" value="1"`,
		`value="关于调整办事时间的通知"`, "保存更正并送审", "更正稿保存后直接送审"}, nil)

	fixed := itemBody("关于调整办事时间的通知（更正）")
	orig, _ := h.db.Item(context.Background(), it.ID)
	fixed["base_version"], fixed["targets"] = 1, orig.Version.Content.Targets
	delete(fixed, "title")
	if e := editor.expect("POST", api, fixed, 422, "validation_failed"); e.Error.Fields["title"] == "" {
		t.Errorf("no field error for the title: %+v", e)
	}
	fixed["title"] = "关于调整办事时间的通知（更正）"
	h.consoleAs(t, "reviewer").expect("POST", api, fixed, 403, "forbidden")
	editor.expect("POST", api, fixed, 200, "")
	editor.expect("POST", api, fixed, 409, "invalid_state")

	mustShow(t, "item in correction", editor.open(item), []string{`id="correction"`, "第 2 版更正第 1 版：更正稿审签中", "2 个渠道仍在线，0 个已撤下",
		"审核中", "第 2 版"}, []string{`href="` + correct + `"`})
	editor.refused(correct, 409, "invalid_state")
	reviewer := h.consoleAs(t, "reviewer")
	reviewer.refused(correct, 403, "forbidden")
	h.consoleAs(t, "editorB").refused(correct, 404, "not_found")

	got, _ := h.db.Item(context.Background(), it.ID)
	signAs(t, h, "reviewer", it.ID, got.Version.Hash)
	mustShow(t, "approved correction", reviewer.open(item), []string{"更正稿已审签，正在发布新版本并撤下原发布内容"}, nil)
}

// submitAndSign has the editor submit an item and the reviewer approve it.
func submitAndSign(t *testing.T, h *harness, it created) {
	t.Helper()
	if st := h.script("editor").do("POST", "/api/v1/items/"+itoa(it.ID)+"/submit", nil, nil); st != 200 {
		t.Fatalf("submit item %d: %d", it.ID, st)
	}
	signAs(t, h, "reviewer", it.ID, it.Version.Hash)
}

// signAs approves an item's version as who.
func signAs(t *testing.T, h *harness, who string, id int64, hash string) {
	t.Helper()
	sign := map[string]any{"version_hash": hash, "decision": "approve", "comment": "同意"}
	if st := h.script(who).do("POST", "/api/v1/items/"+itoa(id)+"/signoffs", sign, nil); st != 201 {
		t.Fatalf("%s signs item %d: %d", who, id, st)
	}
}

// TestConsoleShowsPeople: people show by display name and role (issue 22,
// point 12), in the header, an item's timeline and its signatures; a
// step taken by a background job is 系统, not a username.
func TestConsoleShowsPeople(t *testing.T) {
	h := setupConsole(t)
	for _, u := range []map[string]any{
		{"username": "wangbj", "display_name": "王编辑", "roles": []string{"editor"}},
		{"username": "lish", "display_name": "李审核", "roles": []string{"reviewer", "deputy"}},
	} {
		u["unit_id"], u["password"] = h.unitA.ID, password
		if st := h.script("admin").do("POST", "/api/v1/users", u, nil); st != 201 {
			t.Fatalf("create %s: %d", u["username"], st)
		}
	}
	var it created
	if st := h.login("wangbj").do("POST", "/api/v1/items", archived("人员显示测试"), &it); st != 201 {
		t.Fatalf("create item: %d", st)
	}
	if st := h.login("wangbj").do("POST", "/api/v1/items/"+itoa(it.ID)+"/submit", nil, nil); st != 200 {
		t.Fatalf("submit: %d", st)
	}
	signAs(t, h, "reviewer", it.ID, it.Version.Hash)
	err := h.db.InTx(context.Background(), func(tx *store.Tx) error {
		tx.Audit(store.SystemActor, "clock.alert", "item:"+itoa(it.ID), &h.unitA.ID, map[string]any{"platform": "weibo"})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	page := h.consoleAs(t, "wangbj")
	mustShow(t, "the header", page.open("/"), []string{`title="个人设置">王编辑（采编）</a>`}, []string{`>wangbj</a>`})
	mustShow(t, "the item page", page.open("/items/"+itoa(it.ID)), []string{`创建稿件 · <span class="person">王编辑（采编）</span></li>`,
		`· <span class="person">reviewer（审核员）</span></li>`, "时限提醒：微博 · 系统</li>", `审核员 · <span class="person">reviewer（审核员）</span> · 同意`}, []string{"· wangbj", "· system"})
	mustShow(t, "a signer's header", h.consoleAs(t, "lish").open("/"), []string{`title="个人设置">李审核（审核员、分管领导）</a>`}, nil)
}
