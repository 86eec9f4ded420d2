package wechat_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/connectortest"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/connectors/wechat"
)

// deliver sends an edition the way a worker does: again after every
// error that is not permanent. An Unconfirmed outcome needs nothing else:
// the next SendEdition is the verification.
func (m *massSetup) deliver(t *testing.T, ed *wechat.Edition, s connectors.Steps) wechat.MassReceipt {
	t.Helper()
	for range 60 {
		r, err := m.client.SendEdition(context.Background(), m.acc, ed, s)
		if err == nil {
			return r
		}
		if connectors.ClassOf(err) == connectors.Permanent {
			t.Fatalf("edition %s: %v", ed.ID, err)
		}
	}
	t.Fatalf("edition %s not sent after 60 attempts", ed.ID)
	return wechat.MassReceipt{}
}

// TestFaultsMakeNoDuplicateMassSends: errors, gateway failures and lost
// answers on every endpoint, sendall most of all, over many editions (a
// day apart, the subscription quota): each edition is one mass send.
func TestFaultsMakeNoDuplicateMassSends(t *testing.T) {
	clk := sim.NewClock(time.Now())
	m := newMassSetup(t, sim.Options{Now: clk.Now}, map[string]string{"wechat_type": "subscription"})
	m.SetFaults(sim.PlatformFaults{Fault: sim.Fault{ErrorRate: 0.1, LostRate: 0.1},
		Endpoints: map[string]sim.Fault{"cgi-bin/message/mass/sendall": {ErrorRate: 0.15, LostRate: 0.35, LostMode: "502"}}})
	const editions = 30
	ids := map[string]string{}
	for i := range editions {
		ed := m.edition(fmt.Sprintf("第%d期头条", i+1), fmt.Sprintf("第%d期二条", i+1))
		r := m.deliver(t, ed, connectortest.NewSteps())
		ids[r.MsgID] = ed.Articles[0].Title
		clk.Advance(24 * time.Hour)
	}
	m.Sim.SetFaults(sim.Faults{})
	posts := m.sent(t, "mass")
	if len(posts) != editions || len(ids) != editions {
		t.Fatalf("%d mass posts and %d receipts for %d editions", len(posts), len(ids), editions)
	}
	for _, p := range posts {
		if ids[p.ID] != p.Title {
			t.Errorf("mass post %s %q has no receipt", p.ID, p.Title)
		}
	}
	t.Logf("sendall called %d times for %d editions", m.Sim.Calls("wechat", "cgi-bin/message/mass/sendall"), editions)
}
