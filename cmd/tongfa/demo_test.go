package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"testing"

	"github.com/tongfa/tongfa"
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
		if err := seedDemo(ctx, db, Stdio{Out: &out}); err != nil {
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
