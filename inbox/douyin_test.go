package inbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/all"
	"github.com/tongfa/tongfa/connectors/connectortest"
	"github.com/tongfa/tongfa/connectors/douyin"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/inbox"
	"github.com/tongfa/tongfa/store"
)

// TestDouyinComments: the comments on the account's delivered Douyin
// posts are polled into the inbox from a cursor per post, and an answer
// goes out through the ordinary answer flow as a reply under the comment,
// once.
func TestDouyinComments(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.svc.AnswerPolicy = noSignoff
	reg := all.New(e.rdb, 5*time.Second)
	pic := douyin.Bytes{"cover.png": []byte("\x89PNG\r\n\x1a\n simulated")}
	reg.Douyin = douyin.New(connectors.NewHTTPClient(5*time.Second), e.rdb, pic, pic, douyin.Options{})
	acc, itemID := e.publishDouyin(t, reg)
	for i := range 3 {
		e.raise(t, sim.Inbound{Platform: "douyin", Kind: "comment", PostID: itemID, User: fmt.Sprint("抖音网友", i), Text: fmt.Sprintf("第%d条：请问办理地点在哪里？", i)})
	}
	poller := &inbox.Poller{Inbox: e.svc, Box: e.box, Douyin: reg.Douyin, Log: e.intake.Log}
	if n, err := poller.PollAccount(ctx, acc); err != nil || n != 3 {
		t.Fatalf("first poll: %d %v", n, err)
	}
	e.raise(t, sim.Inbound{Platform: "douyin", Kind: "comment", PostID: itemID, User: "抖音网友9", Text: "感谢通知"})
	if n, err := poller.PollAccount(ctx, acc); err != nil || n != 1 {
		t.Fatalf("second poll: %d %v", n, err)
	}
	if n, _ := poller.PollAccount(ctx, acc); n != 0 {
		t.Fatalf("third poll: %d", n)
	}
	ms := e.messages(t)
	if len(ms) != 4 || ms[0].Platform != "douyin" || ms[0].PostID != itemID {
		t.Fatalf("messages %+v", ms)
	}
	a, err := e.svc.Answer(ctx, e.as(t, "editor"), ms[0].ID, inbox.AnswerInput{Text: "您好，办理地点在市民中心二楼，电话 13812345678。"})
	if err != nil || a.Route != inbox.RouteDouyinReply {
		t.Fatalf("answer %+v %v", a, err)
	}
	if err := e.sender(reg, "w1").Send(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	replies := e.sim.Replies()
	if len(replies) != 1 || replies[0].Platform != "douyin" || replies[0].Received != 1 || strings.Contains(replies[0].Text, "13812345678") {
		t.Fatalf("replies %+v", replies)
	}
	if got, _ := e.db.Answer(ctx, a.ID); got.State != tongfa.AnswerSent {
		t.Fatalf("answer %s", got.State)
	}
}

// publishDouyin registers a Douyin account of the unit, posts an image
// post on the simulator and records its delivery; it returns the account
// and the post's item_id.
func (e *env) publishDouyin(t testing.TB, reg *all.Registry) (*tongfa.Account, string) {
	t.Helper()
	ctx := context.Background()
	b, _ := json.Marshal(map[string]string{"access_token": "act.ou-inbox", "refresh_token": "rft.ou-inbox", "open_id": "ou-inbox", "client_key": "k"})
	acc := &tongfa.Account{UnitID: e.unit.ID, Platform: tongfa.PlatformDouyin, Name: "示范抖音", APIBase: e.simURL + "/douyin"}
	err := e.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.CreateAccount(ctx, acc, func(id int64) ([]byte, error) { return e.box.Seal(b, connectors.AccountAAD(id)), nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	cacc, err := connectors.Connect(e.box, acc)
	if err != nil {
		t.Fatal(err)
	}
	r, err := reg.Douyin.Publish(ctx, &connectors.Post{DeliveryID: 1, Key: "tongfa-d1", Account: cacc,
		Payload: connectors.Payload{Title: "市民中心延时服务", Text: "【市民中心延时服务】工作日延长至晚八点", Images: []string{"cover.png"}}}, connectortest.NewSteps())
	if err != nil {
		t.Fatal(err)
	}
	it, err := e.db.CreateItem(ctx, e.unit.ID, e.users["editor"].ID, tongfa.Content{Title: "通知", Body: "<p>x</p>", Category: "news",
		Kind: tongfa.KindOriginal, Importance: tongfa.ImportanceRoutine, Urgency: tongfa.UrgencyNormal}, store.SystemActor, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.db.Pool.Exec(ctx, `INSERT INTO deliveries (item_id, version_number, version_hash, account_id, platform, state,
		platform_post_id, created_at, updated_at, delivered_at) VALUES ($1, 1, $2, $3, 'douyin', 'delivered', $4, now(), now(), now())`,
		it.ID, it.Version.Hash, acc.ID, r.PlatformPostID)
	if err != nil {
		t.Fatal(err)
	}
	return acc, r.PlatformPostID
}
