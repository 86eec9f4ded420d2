package main

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/auth"
	"github.com/tongfa/tongfa/config"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/inbox"
	"github.com/tongfa/tongfa/queue/queuetest"
	"github.com/tongfa/tongfa/redisconn/redistest"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
)

// TestAnswerThroughTheHub: an editor answers an app comment through the
// API, a reviewer signs it, and the running workers send it once and
// disclose it on the website.
func TestAnswerThroughTheHub(t *testing.T) {
	db, url := storetest.NewWithURL(t)
	env := queuetest.New(t, db)
	ctx := context.Background()
	tokens := map[string]string{}
	hash, _ := auth.HashPassword("Answer-Passw0rd", auth.TestParams)
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for _, r := range []tongfa.Role{tongfa.RoleEditor, tongfa.RoleReviewer} {
			u, err := tx.CreateUser(ctx, store.NewUser{Username: "a" + string(r), UnitID: env.Unit.ID, PasswordHash: hash})
			if err != nil {
				return err
			}
			tx.Grant(ctx, u.ID, env.Unit.ID, r)
			tok, th := auth.NewToken()
			tx.CreateToken(ctx, u.ID, "t", th)
			tokens[string(r)] = tok
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	redistest.New(t, testRedisDB)
	cfg := config.Default()
	cfg.DatabaseURL, cfg.RedisURL, cfg.Listen, cfg.SecretKey = url, redistest.URL(testRedisDB), "127.0.0.1:0", queuetest.Key
	m := NewMain(cfg, quietLogger())
	m.Serve, m.Work = true, true
	if err := m.Run(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Close()

	in, err := env.Sim.Raise(ctx, sim.Inbound{Platform: "app", Kind: "comment", User: "u-1", Text: "建议延长社区服务中心周末开放时间"})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := m.Server.Inbox.Ingest(ctx, []inbox.Incoming{{Account: env.Accounts[tongfa.PlatformApp], Kind: "comment",
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
		if ans.State == store.AnswerSent && ans.DisclosureState == store.DisclosureDone {
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
	if m2, _ := db.Message(ctx, ms[0].ID); m2.State != inbox.StateAnswered || m2.AnsweredAt == nil {
		t.Fatalf("message %+v", m2)
	}
}
