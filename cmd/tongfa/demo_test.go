package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"testing"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/connectortest"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/store/storetest"
)

// TestDemoSeeds: the demo office gets its users, channels on the
// simulators, items, messages raised on the simulators (so they can be
// answered) and an answer waiting for sign-off; a second run changes
// nothing.
func TestDemoSeeds(t *testing.T) {
	db, url := storetest.NewWithURL(t)
	simSrv := sim.New(1)
	ts := httptest.NewServer(simSrv)
	defer ts.Close()
	m := NewMain(testConfig(t, url, testRedisDB), quietLogger())
	m.Serve = true
	ctx := context.Background()
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var out bytes.Buffer
	for range 2 {
		if err := seedDemo(ctx, m, Stdio{Out: &out}, false); err != nil {
			t.Fatal(err)
		}
		if err := seedDemoChannels(ctx, m, ts.URL); err != nil {
			t.Fatal(err)
		}
	}
	var items, messages, pending int
	db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM messages),
		(SELECT count(*) FROM answers WHERE state = $1)`, tongfa.AnswerPending).Scan(&items, &messages, &pending)
	if items != len(demoItems) || messages != len(demoMessages) || pending != 1 {
		t.Fatalf("demo: %d items, %d messages, %d answers to sign", items, messages, pending)
	}
	if raised := len(simSrv.Inbox()); raised != len(demoMessages)-1 {
		t.Fatalf("%d messages raised on the simulators, want %d (all but Weibo)", raised, len(demoMessages)-1)
	}
}

// TestDemoFetchesSimulatorImages: the demo's workers re-host images the
// simulators serve from 127.0.0.1, which only the demo's own allow-list
// entry permits.
func TestDemoFetchesSimulatorImages(t *testing.T) {
	_, url := storetest.NewWithURL(t)
	ts := httptest.NewServer(sim.New(1))
	defer ts.Close()
	m := NewMain(withSimulatorImages(testConfig(t, url, testRedisDB), ts.Listener.Addr().String()), quietLogger())
	m.Work = true
	ctx := context.Background()
	if err := m.Run(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	acc := connectors.Account{Platform: tongfa.PlatformWeChat, APIBase: ts.URL + "/wechat",
		Credentials: map[string]string{"app_id": demoAppID, "app_secret": "demo-secret"}}
	p := &connectors.Post{DeliveryID: 1, Key: "tongfa-d1", Account: acc, Payload: connectors.Payload{Title: "带图片的示范文章",
		Cover: ts.URL + "/wechat/mmbiz/cover.png", HTML: `<p><img src="` + ts.URL + `/wechat/mmbiz/inline.png"></p>`}}
	if _, err := m.Hub.Platforms().WeChat.Publish(ctx, p, connectortest.NewSteps()); err != nil {
		t.Fatal(err)
	}
}
