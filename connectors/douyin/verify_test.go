package douyin_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/connectortest"
	"github.com/tongfa/tongfa/connectors/douyin"
	"github.com/tongfa/tongfa/connectors/sim"
)

// TestVerifyBeyondItsWindow: a post whose answer was lost is found among
// the posts made after it; once more of them came than Verify reads, it
// cannot tell, and says Unconfirmed rather than "not there" (which would
// post it again).
func TestVerifyBeyondItsWindow(t *testing.T) {
	ctx := context.Background()
	b := setup(t, sim.DouyinOptions{PostLimit: 1000})
	image := func(title string) *connectors.Post {
		p := b.Post(title)
		p.Payload.Video, p.Payload.Cover, p.Payload.Images = "", "", []string{"a.png"}
		return p
	}
	first := image("答复丢失的作品")
	if _, err := b.Client.Publish(ctx, first, connectortest.NewSteps()); err != nil {
		t.Fatal(err)
	}
	lost := func() connectors.Steps { // only the marker saved before the create
		s := connectortest.NewSteps()
		s.Save(ctx, douyin.StepSent, b.Clock.Now().Add(-10e9).UTC().Format("2006-01-02T15:04:05Z")) //nolint:errcheck
		return s
	}
	for i := range 390 {
		if _, err := b.Client.Publish(ctx, image(fmt.Sprintf("其后的作品%d", i)), connectortest.NewSteps()); err != nil {
			t.Fatal(err)
		}
	}
	if _, found, err := b.Client.Verify(ctx, first, lost()); !found || err != nil {
		t.Fatalf("within the window: found %v, %v", found, err)
	}
	for i := range 20 {
		if _, err := b.Client.Publish(ctx, image(fmt.Sprintf("更多作品%d", i)), connectortest.NewSteps()); err != nil {
			t.Fatal(err)
		}
	}
	_, found, err := b.Client.Verify(ctx, first, lost())
	if found || connectors.ClassOf(err) != connectors.Unconfirmed {
		t.Fatalf("beyond the window: found %v, %v", found, err)
	}
	b.WantPosts(t, 411)
}
