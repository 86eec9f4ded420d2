package main

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/inbox"
	"github.com/tongfa/tongfa/queue/queuetest"
	"github.com/tongfa/tongfa/store/storetest"
)

// TestAnswerThroughTheHub: an editor answers an app comment through the
// API, a reviewer signs it, and the running workers send it once and
// disclose it on the website.
func TestAnswerThroughTheHub(t *testing.T) {
	db, url := storetest.NewWithURL(t)
	env := queuetest.New(t, db)
	ctx := context.Background()
	tokens := staff(t, db, env.Unit.ID, "a", "Answer-Passw0rd", tongfa.RoleEditor, tongfa.RoleReviewer)
	m := startWorkingHub(t, url)

	in, err := env.Sim.Raise(ctx, sim.Inbound{Platform: "app", Kind: "comment", User: "u-1", Text: "建议延长社区服务中心周末开放时间"})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := m.Hub.Inbox.Ingest(ctx, []inbox.Incoming{{Account: env.Accounts[tongfa.PlatformApp], Kind: "comment",
		PlatformMsgID: strconv.FormatInt(in.ID, 10), Author: in.User, Body: in.Text, At: time.Now()}})
	if err != nil || len(ms) != 1 {
		t.Fatalf("ingest: %v %v", ms, err)
	}
	st, a := request(t, "POST", fmt.Sprintf("%s/api/v1/inbox/%d/answers", m.URL(), ms[0].ID), tokens["editor"],
		map[string]any{"text": "您好，感谢您的建议，我们将研究延长周末开放时间。"})
	if st != 201 {
		t.Fatalf("answer: %d %v", st, a)
	}
	st, out := request(t, "POST", fmt.Sprintf("%s/api/v1/answers/%v/signoff", m.URL(), a["id"]), tokens["reviewer"],
		map[string]any{"body_hash": a["body_hash"], "decision": "approve"})
	if st != 200 {
		t.Fatalf("signoff: %d %v", st, out)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		ans, err := db.Answer(ctx, int64(a["id"].(float64)))
		if err != nil {
			t.Fatal(err)
		}
		if ans.State == tongfa.AnswerSent && ans.DisclosureState == tongfa.DisclosureDone {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("answer not sent and disclosed: %+v", ans)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if rs := env.Sim.Replies(); len(rs) != 1 || rs[0].Received != 1 || rs[0].Target != strconv.FormatInt(in.ID, 10) {
		t.Fatalf("replies on the app: %+v", rs)
	}
	if m2, _ := db.Message(ctx, ms[0].ID); m2.State != tongfa.MessageAnswered || m2.AnsweredAt == nil {
		t.Fatalf("message %+v", m2)
	}
}
