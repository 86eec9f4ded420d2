package wechat_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/connectortest"
	"github.com/tongfa/tongfa/connectors/sim"
)

// TestReplies: a comment is answered once; a repeat is Unconfirmed
// (88005) and FindReply finds our text; a reply someone else made in the
// back office is a permanent failure; customer-service messages go within
// 48 hours and cannot be looked up.
func TestReplies(t *testing.T) {
	ctx := context.Background()
	st := newSetup(t)
	acc := st.Post("").Account
	steps := connectortest.NewSteps()
	if _, err := st.Publisher.Publish(ctx, st.Post("供暖通知"), steps); err != nil {
		t.Fatal(err)
	}
	pid, _ := steps.Get("publish_id")
	c1, _ := st.Sim.Raise(ctx, sim.Inbound{Platform: "wechat", Kind: "comment", PostID: pid, User: "o1", Text: "何时供暖？"})
	c2, _ := st.Sim.Raise(ctx, sim.Inbound{Platform: "wechat", Kind: "comment", PostID: pid, User: "o2", Text: "暖气不热"})
	a := &connectors.Answer{Key: "k1", Kind: "comment", Target: fmt.Sprintf("%s:%d", pid, c1.ID), Text: "11月15日起供暖。"}
	if _, err := st.client.Reply(ctx, acc, a); err != nil {
		t.Fatal(err)
	}
	_, err := st.client.Reply(ctx, acc, a)
	connectortest.WantClass(t, err, connectors.Unconfirmed)
	if _, found, err := st.client.FindReply(ctx, acc, a); err != nil || !found {
		t.Fatalf("find our reply: %v %v", found, err)
	}
	other := *a
	other.Text = "另一条答复"
	_, _, err = st.client.FindReply(ctx, acc, &other)
	connectortest.WantClass(t, err, connectors.Permanent)
	unanswered := &connectors.Answer{Key: "k2", Kind: "comment", Target: fmt.Sprintf("%s:%d", pid, c2.ID), Text: "已联系供热公司。"}
	if _, found, err := st.client.FindReply(ctx, acc, unanswered); err != nil || found {
		t.Fatalf("an unanswered comment: %v %v", found, err)
	}

	st.Sim.Raise(ctx, sim.Inbound{Platform: "wechat", Kind: "message", Account: st.appID, User: "o3", Text: "请问医保怎么办？"}) //nolint:errcheck
	msg := &connectors.Answer{Key: "k3", Kind: "message", User: "o3", Text: "请携带身份证到社保大厅办理。"}
	if _, err := st.client.Reply(ctx, acc, msg); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.client.FindReply(ctx, acc, msg); !errors.Is(err, connectors.ErrNoLookup) {
		t.Fatalf("customer-service lookup: %v", err)
	}
	stranger := &connectors.Answer{Key: "k4", Kind: "message", User: "never-wrote", Text: "您好"}
	_, err = st.client.Reply(ctx, acc, stranger)
	connectortest.WantClass(t, err, connectors.Permanent)
	if n := len(st.Sim.Replies()); n != 2 {
		t.Fatalf("%d replies on the platform, want 2", n)
	}
}
