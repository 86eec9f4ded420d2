package douyin_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/connectortest"
	"github.com/tongfa/tongfa/connectors/sim"
)

// articleComments is the inbox poller's interface for platforms that list
// comments per post (inbox.ArticleComments), restated so that a change
// on either side breaks the build here.
type articleComments interface {
	Comments(ctx context.Context, acc connectors.Account, postID string, begin int) ([]connectors.Comment, int, error)
}

// TestCommentsPolled: comments come oldest first from a cursor, so a poll
// picks up only what arrived since the last.
func TestCommentsPolled(t *testing.T) {
	ctx := context.Background()
	b := setup(t, sim.DouyinOptions{})
	r := b.deliver(t, b.Post("征求意见"))
	raise := func(text string) {
		if _, err := b.Sim.Raise(ctx, sim.Inbound{Platform: "douyin", Kind: "comment", PostID: r.PlatformPostID, User: "市民甲", Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 60 {
		raise(fmt.Sprintf("第%d条意见", i))
	}
	var poller articleComments = b.Client
	list, next, err := poller.Comments(ctx, b.Acc, r.PlatformPostID, 0)
	if err != nil || len(list) != 60 || next != 60 || list[0].Text != "第0条意见" || list[0].PostID != r.PlatformPostID || list[0].User != "市民甲" {
		t.Fatalf("%d comments, next %d, %v: %+v", len(list), next, err, list[:min(len(list), 1)])
	}
	raise("新的意见")
	list, next, err = poller.Comments(ctx, b.Acc, r.PlatformPostID, next)
	if err != nil || len(list) != 1 || next != 61 || list[0].Text != "新的意见" {
		t.Fatalf("%+v %d %v", list, next, err)
	}
}

// TestReplyOnce: an answer whose response was lost is found, not sent
// again.
func TestReplyOnce(t *testing.T) {
	ctx := context.Background()
	b := setup(t, sim.DouyinOptions{})
	r := b.deliver(t, b.Post("答复"))
	in, err := b.Sim.Raise(ctx, sim.Inbound{Platform: "douyin", Kind: "comment", PostID: r.PlatformPostID, User: "市民乙", Text: "几点开始？"})
	if err != nil {
		t.Fatal(err)
	}
	a := &connectors.Answer{Key: "answer-1", Kind: "comment", Target: fmt.Sprint(in.ID), PostID: r.PlatformPostID, Text: "上午九点开始，欢迎参加。"}
	if _, found, err := b.Client.FindReply(ctx, b.Acc, a); found || err != nil {
		t.Fatalf("found before sending: %v %v", found, err)
	}
	b.EndpointFault("item/comment/reply/", sim.Fault{LostRate: 1})
	_, err = b.Client.Reply(ctx, b.Acc, a)
	connectortest.WantClass(t, err, connectors.Unconfirmed)
	b.Sim.SetFaults(sim.Faults{})
	id, found, err := b.Client.FindReply(ctx, b.Acc, a)
	if !found || err != nil || id == "" {
		t.Fatalf("%q %v %v", id, found, err)
	}
	if rs := b.Sim.Replies(); len(rs) != 1 || rs[0].Duplicates != 0 || rs[0].Text != a.Text {
		t.Fatalf("%+v", rs)
	}
	other := *a
	other.PostID = "@9Vw-unknown"
	_, err = b.Client.Reply(ctx, b.Acc, &other)
	connectortest.WantClass(t, err, connectors.Permanent)
}
