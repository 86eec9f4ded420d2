package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
)

// TestSubmitNeedsAChannel: an item with no target channel is refused at
// submission and at approval (422 no_targets, in Chinese) unless it is
// archive-only (仅存档), which goes through sign-off and plans nothing.
func TestSubmitNeedsAChannel(t *testing.T) {
	h := setup(t)
	editor := h.script("editor")
	c := h.createItem("editor", itemBody("没有渠道的稿件"))
	var e apiError
	if st := editor.do("POST", fmt.Sprintf("/api/v1/items/%d/submit", c.ID), nil, &e); st != 422 ||
		e.Error.Code != tongfa.ENoTargets || !strings.Contains(e.Error.Message, "仅存档") || e.Error.Fields["targets"] == "" {
		t.Fatalf("submit without targets: %d %+v", st, e)
	}
	if state, _ := h.itemState(c.ID); state != "draft" {
		t.Fatalf("state %s after a refused submission", state)
	}

	both := itemBody("既存档又发布")
	both["archive_only"], both["targets"] = true, []int64{h.account(h.unitA.ID, tongfa.PlatformApp, "甲局客户端")}
	if st := editor.do("POST", "/api/v1/items", both, &e); st != 422 || e.Error.Fields["archive_only"] == "" {
		t.Fatalf("archive-only with a target: %d %+v", st, e)
	}

	archived := itemBody("仅存档的会议纪要")
	archived["archive_only"] = true
	a := h.createItem("editor", archived)
	if st := editor.do("POST", fmt.Sprintf("/api/v1/items/%d/submit", a.ID), nil, &e); st != 200 {
		t.Fatalf("submit archive-only: %d %+v", st, e)
	}
	if st, e := h.sign("reviewer", a.ID, a.Version.Hash, "approve", password); st != 201 {
		t.Fatalf("approve archive-only: %d %+v", st, e)
	}
	page := h.consoleAs(t, "editor")
	mustShow(t, "the archive-only item", page.open(fmt.Sprintf("/items/%d", a.ID)), []string{`id="archive-only">仅存档</span>`}, []string{`id="no-targets"`})
	mustShow(t, "the item without a channel", page.open(fmt.Sprintf("/items/%d", c.ID)), []string{`id="no-targets">未选发布渠道</span>`}, nil)
	mustShow(t, "the compose form", page.open("/compose"), []string{`name="archive_only" value="true" data-type="bool"`}, nil)
	var ds struct{ Deliveries []any }
	if h.script("admin").do("GET", fmt.Sprintf("/api/v1/items/%d/deliveries", a.ID), nil, &ds); len(ds.Deliveries) != 0 {
		t.Fatalf("archive-only item planned deliveries: %v", ds)
	}
}

// TestApprovalNeedsAChannel: an item that reached review without a channel
// (submitted before the rule) cannot be approved.
func TestApprovalNeedsAChannel(t *testing.T) {
	h := setup(t)
	body := itemBody("送审后失去渠道的稿件")
	body["targets"] = []int64{h.account(h.unitA.ID, tongfa.PlatformApp, "甲局客户端")}
	c := h.createItem("editor", body)
	if st := h.script("editor").do("POST", fmt.Sprintf("/api/v1/items/%d/submit", c.ID), nil, nil); st != 200 {
		t.Fatalf("submit: %d", st)
	}
	ctx := context.Background()
	err := h.db.InTx(ctx, func(tx *store.Tx) error {
		// Versions are immutable (a trigger): this stands for one stored
		// before the rule, so the trigger is bypassed for the test.
		if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE item_versions SET content = jsonb_set(content, '{targets}', '[]') WHERE item_id = $1`, c.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	st, e := h.sign("reviewer", c.ID, c.Version.Hash, "approve", password)
	if st != 422 || e.Error.Code != tongfa.ENoTargets || !strings.Contains(e.Error.Message, "不能审签通过") {
		t.Fatalf("approve without targets: %d %+v", st, e)
	}
	if state, _ := h.itemState(c.ID); state != "in_review" {
		t.Fatalf("state %s after a refused approval", state)
	}
}

// accountWith registers an open account of bureau A with settings.
func (h *harness) accountWith(platform tongfa.Platform, name string, settings map[string]string) int64 {
	h.t.Helper()
	a := &tongfa.Account{UnitID: h.unitA.ID, Platform: platform, Name: name, Status: tongfa.AccountActive, Responsible: "值班员", Settings: settings}
	ctx := context.Background()
	if err := h.db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateAccount(ctx, a, nil) }); err != nil {
		h.t.Fatal(err)
	}
	return a.ID
}

// TestPlatformRulesBeforeSignOff: what a channel would certainly refuse
// — Weibo without the website or a link pattern, a link outside the
// Weibo app's safe domain, a WeChat article over its length — is shown
// beside the channel's preview and refuses submission (422 undeliverable),
// instead of failing after sign-off.
func TestPlatformRulesBeforeSignOff(t *testing.T) {
	h := setupConsole(t)
	weibo := h.accountWith(tongfa.PlatformWeibo, "甲局微博", nil)
	settle := func(settings string) {
		if _, err := h.db.Pool.Exec(context.Background(), `UPDATE accounts SET settings = $2 WHERE id = $1`, weibo, settings); err != nil {
			t.Fatal(err)
		}
	}
	wechat := h.accountWith(tongfa.PlatformWeChat, "甲局微信", nil)
	site := h.accountWith(tongfa.PlatformWebsite, "甲局网站", nil)
	preview := h.previewer(t, "editor")
	submit := func(title string, body string, targets ...int64) (int, apiError) {
		b := itemBody(title)
		b["targets"] = targets
		if body != "" {
			b["body"] = body
		}
		st, page := preview(b)
		if st != 200 {
			t.Fatalf("preview %s: %d", title, st)
		}
		c := h.createItem("editor", b)
		var e apiError
		st = h.script("editor").do("POST", fmt.Sprintf("/api/v1/items/%d/submit", c.ID), nil, &e)
		if (st == 422) != strings.Contains(page, "无法发布到该渠道") {
			t.Errorf("%s: submit %d but the preview says %v", title, st, strings.Contains(page, "无法发布到该渠道"))
		}
		return st, e
	}
	st, e := submit("只发微博", "", weibo)
	if st != 422 || e.Error.Code != tongfa.EUndeliverable || !strings.Contains(e.Error.Message, "「甲局微博」微博须附带稿件在政府网站上的链接") {
		t.Errorf("Weibo alone: %d %+v", st, e)
	}
	if st, e := submit("微博和网站", "", weibo, site); st != 200 {
		t.Errorf("Weibo with the website: %d %+v", st, e)
	}
	settle(`{"link_pattern": "https://www.jiaju.gov.cn/art/{id}.html", "safe_domain": "jiaju.gov.cn"}`)
	if st, e := submit("微博配置链接模板", "", weibo); st != 200 {
		t.Errorf("Weibo with a link pattern: %d %+v", st, e)
	}
	settle(`{"link_pattern": "https://other.example.com/{id}", "safe_domain": "jiaju.gov.cn"}`)
	if st, e := submit("链接不在安全域名", "", weibo); st != 422 || !strings.Contains(e.Error.Message, "安全域名 jiaju.gov.cn") {
		t.Errorf("link outside the safe domain: %d %+v", st, e)
	}
	long := "<p>" + strings.Repeat("长", 20001) + "</p>"
	if st, e := submit("超长微信图文", long, wechat); st != 422 || !strings.Contains(e.Error.Message, "超过微信图文 20000 字的上限") {
		t.Errorf("WeChat over its length: %d %+v", st, e)
	}
}
