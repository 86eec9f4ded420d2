package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/inbox"
	"github.com/tongfa/tongfa/store"
)

// answersRedisDB is the Redis database of the answer API tests (the
// package's other tests use 1 and 10).
const answersRedisDB = 14

// TestAnswerAPI: an editor checks and drafts an answer; a blocked one is
// refused with its findings; a reviewer finds it in their queue and signs
// the exact text; wrong roles, stale text and bad JSON get clear errors.
func TestAnswerAPI(t *testing.T) {
	h := setupOn(t, answersRedisDB)
	ctx := context.Background()
	acc := &tongfa.Account{UnitID: h.unitA.ID, Platform: tongfa.PlatformWebsite, Name: "甲局网站", APIBase: "http://127.0.0.1:9"}
	if err := h.db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateAccount(ctx, acc, nil) }); err != nil {
		t.Fatal(err)
	}
	ms, err := h.hub.Inbox.Ingest(ctx, []inbox.Incoming{{Account: acc, Kind: "error_report", PlatformMsgID: "77", Author: "visitor",
		Body: "政策解读页面的附件打不开", At: time.Now()}})
	if err != nil || len(ms) != 1 {
		t.Fatalf("ingest: %v %v", ms, err)
	}
	base := fmt.Sprintf("/api/v1/inbox/%d/answers", ms[0].ID)
	editor := h.script("editor")

	var check inbox.AnswerCheck
	if st := editor.do("POST", base+"/check", map[string]any{"text": "联系电话 13812345678，可代开发票"}, &check); st != 200 || !check.Blocked || check.Masked == "" {
		t.Fatalf("check: %d %+v", st, check)
	}
	var e apiError
	if st := editor.do("POST", base, map[string]any{"text": "可代开发票"}, &e); st != 422 || e.Error.Code != tongfa.EBlocked {
		t.Fatalf("blocked answer: %d %+v", st, e)
	}
	if st := editor.do("POST", base, []byte(`{"text": `), &e); st != 400 || e.Error.Code != tongfa.EBadJSON {
		t.Fatalf("malformed JSON: %d %+v", st, e)
	}
	if st := h.script("reviewer").do("POST", base, map[string]any{"text": "已修复"}, &e); st != 403 {
		t.Fatalf("a reviewer drafting: %d %+v", st, e)
	}
	var a tongfa.Answer
	if st := editor.do("POST", base, map[string]any{"text": "您好，附件已修复，联系电话 13812345678。"}, &a); st != 201 || a.State != tongfa.AnswerPending {
		t.Fatalf("draft: %d %+v", st, a)
	}
	var list struct {
		Answers   []tongfa.Answer  `json:"answers"`
		Templates []inbox.Template `json:"templates"`
	}
	if st := editor.do("GET", base, nil, &list); st != 200 || len(list.Answers) != 1 || len(list.Templates) == 0 {
		t.Fatalf("answers: %d %+v", st, list)
	}
	var queue struct {
		Answers []inbox.PendingAnswer `json:"answers"`
	}
	if st := h.script("reviewer").do("GET", "/api/v1/answers/pending", nil, &queue); st != 200 || len(queue.Answers) != 1 {
		t.Fatalf("reviewer's queue: %d %+v", st, queue)
	}
	sign := fmt.Sprintf("/api/v1/answers/%d/signoff", a.ID)
	if st := h.script("reviewer").do("POST", sign, map[string]any{"body_hash": a.BodyHash[:10], "decision": "approve"}, &e); st != 422 || e.Error.Fields["body_hash"] == "" {
		t.Fatalf("bad hash: %d %+v", st, e)
	}
	if st := h.script("editor").do("POST", sign, map[string]any{"body_hash": a.BodyHash, "decision": "approve"}, &e); st != 403 {
		t.Fatalf("the author signing: %d %+v", st, e)
	}
	if st := h.script("reviewer").do("POST", sign, map[string]any{"body_hash": a.BodyHash, "decision": "approve"}, &a); st != 200 || a.State != tongfa.AnswerApproved {
		t.Fatalf("reviewer signs: %d %+v", st, a)
	}
	confirm := fmt.Sprintf("/api/v1/answers/%d/confirm", a.ID)
	if st := editor.do("POST", confirm, map[string]any{"delivered": true}, &e); st != 409 {
		t.Fatalf("confirming an answer that is not unconfirmed: %d %+v", st, e)
	}
	if st := editor.do("POST", confirm, map[string]any{}, &e); st != 422 {
		t.Fatalf("confirm without a decision: %d %+v", st, e)
	}
}
