package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/inbox"
	"github.com/tongfa/tongfa/items"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/store"
)

func contactsPath(unit int64) string { return fmt.Sprintf("/api/v1/units/%d/contacts", unit) }

// onlyPII keeps the personal-data findings of a check.
func onlyPII(fs []sensitive.Finding) []sensitive.Finding {
	var out []sensitive.Finding
	for _, f := range fs {
		if f.Kind == sensitive.KindPII {
			out = append(out, f)
		}
	}
	return out
}

// TestUnitContactsInEveryCheck: a bureau lists its public mobile; in the
// bureau's and its subordinate's content it is a notice, never masked
// and never blocking; in a sibling's it is personal data. An unlisted
// mobile blocks an item (blocked:true) and, in an answer, is reported at
// a non-blocking level saying what it will be masked as — the level says
// what happens.
func TestUnitContactsInEveryCheck(t *testing.T) {
	h := setup(t)
	ctx := context.Background()
	var e apiError
	if st := h.script("admin").do("PUT", contactsPath(h.unitA.ID), map[string]string{"content": "13812340000\n办公室"}, &e); st != 422 ||
		!strings.Contains(e.Error.Fields["content"], "第 2 行") {
		t.Errorf("a bad line: %d %+v", st, e)
	}
	if st := h.script("admin").do("PUT", contactsPath(h.unitA.ID), map[string]string{"content": "13812340000 甲局办公室值班手机\n", "note": "公开值班手机"}, nil); st != 200 {
		t.Fatalf("put: %d", st)
	}
	for who, st := range map[string]int{"editor": 403, "adminC": 404} {
		if got := h.script(who).do("PUT", contactsPath(h.unitA.ID), map[string]string{"content": "13900000000\n"}, nil); got != st {
			t.Errorf("%s changing bureau A's numbers: %d, want %d", who, got, st)
		}
	}
	var view struct {
		Contacts []sensitive.Contact `json:"contacts"`
		Above    []struct {
			UnitID int64 `json:"unit_id"`
		} `json:"above"`
	}
	if st := h.script("editorA1").do("GET", contactsPath(h.unitA1.ID), nil, &view); st != 200 || len(view.Above) != 1 || view.Above[0].UnitID != h.unitA.ID {
		t.Errorf("the subordinate's view: %d %+v", st, view)
	}
	if st := h.script("editorC").do("GET", contactsPath(h.unitA.ID), nil, nil); st != 404 {
		t.Errorf("another city's editor reading bureau A's numbers: %d", st)
	}
	rows, _ := h.db.ListAudit(ctx, store.AuditFilter{Action: "unit_contacts.activate"})
	if len(rows) != 1 {
		t.Errorf("audit: %+v", rows)
	}

	const listed, other = "咨询请拨打13812340000。", "咨询请拨打13912340000。"
	for who, wantBlocked := range map[string]bool{"editor": false, "editorA1": false, "editorB": true} {
		var rep checkReport
		st := h.script(who).do("POST", "/api/v1/check", map[string]any{"text": listed}, &rep)
		fs := onlyPII(rep.Findings)
		if st != 200 || rep.Blocked != wantBlocked || len(fs) != 1 {
			t.Fatalf("%s checking a listed number: %d %+v", who, st, rep)
		}
		if wantBlocked != (fs[0].Level == sensitive.LevelBlock) || !wantBlocked && fs[0].Category != sensitive.PIIUnitContact {
			t.Errorf("%s: finding %+v", who, fs[0])
		}
	}

	var saved struct {
		Check items.Check `json:"check"`
	}
	for text, blocked := range map[string]bool{listed: false, other: true} {
		b := archived("办事指南")
		b["body"] = "<p>" + text + "</p>"
		if st := h.script("editor").do("POST", "/api/v1/items", b, &saved); st != 201 || saved.Check.Blocked != blocked {
			t.Errorf("an item saying %q: %d blocked %v, want %v", text, st, saved.Check.Blocked, blocked)
		}
		for _, f := range saved.Check.Findings {
			if f.Kind == sensitive.KindPII && (f.Level == sensitive.LevelBlock) != blocked {
				t.Errorf("an item saying %q: finding %+v disagrees with blocked %v", text, f.Finding, blocked)
			}
		}
	}

	acc := &tongfa.Account{UnitID: h.unitA.ID, Platform: tongfa.PlatformWebsite, Name: "甲局网站", APIBase: "http://127.0.0.1:9"}
	if err := h.db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateAccount(ctx, acc, nil) }); err != nil {
		t.Fatal(err)
	}
	ms, err := h.hub.Inbox.Ingest(ctx, []inbox.Incoming{{Account: acc, Kind: "message", PlatformMsgID: "contacts-1", Author: "visitor",
		Body: "请问在哪里办理？", At: time.Now()}})
	if err != nil || len(ms) != 1 {
		t.Fatalf("ingest: %v %v", ms, err)
	}
	path := fmt.Sprintf("/api/v1/inbox/%d/answers/check", ms[0].ID)
	var ans inbox.AnswerCheck
	if st := h.script("editor").do("POST", path, map[string]any{"text": listed}, &ans); st != 200 || ans.Blocked || ans.Masked != listed ||
		len(ans.Findings) != 1 || ans.Findings[0].Category != sensitive.PIIUnitContact || ans.Findings[0].Level != sensitive.LevelNotice {
		t.Errorf("an answer giving the listed number: %d %+v", st, ans)
	}
	if st := h.script("editor").do("POST", path, map[string]any{"text": other}, &ans); st != 200 || ans.Blocked ||
		ans.Masked != "咨询请拨打139****0000。" || len(ans.Findings) != 1 || ans.Findings[0].Level == sensitive.LevelBlock ||
		ans.Findings[0].Suggestion != "将被遮盖为「139****0000」" {
		t.Errorf("an answer giving another mobile: %d %+v", st, ans)
	}
	var a tongfa.Answer
	if st := h.script("editor").do("POST", fmt.Sprintf("/api/v1/inbox/%d/answers", ms[0].ID), map[string]any{"text": listed}, &a); st != 201 ||
		a.Body != listed {
		t.Errorf("answering with the listed number: %d %+v", st, a)
	}
}
