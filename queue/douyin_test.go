package queue_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors/all"
	"github.com/tongfa/tongfa/queue/queuetest"
	"github.com/tongfa/tongfa/store"
)

// TestDeliversVideoToDouyin: an approved item linking to a video of its
// unit's media library reaches Douyin as one video post with its cover,
// both read from PostgreSQL by hash; WeChat reads the same cover.
func TestDeliversVideoToDouyin(t *testing.T) {
	p := setup(t)
	p.AddDouyin(t)
	p.worker.Platforms = all.NewWithLibrary(p.rdb, 5*time.Second, p.DB)
	p.start(t)
	items := p.approveAndQueue(t, 2, false)
	for _, d := range p.Wait(t, 60*time.Second, items...) {
		if d.State != tongfa.DeliveryDelivered {
			t.Errorf("%s delivery %s: %s", d.Platform, d.State, d.Error)
		}
	}
	if n := p.Sim.Calls("douyin", "api/douyin/v1/video/create_video/"); n != 2 {
		t.Fatalf("%d video posts created, want 2", n)
	}
	if n, dup := len(p.Sim.Posts()), p.Sim.Duplicates(); n != 10 || dup != 0 {
		t.Fatalf("%d posts, %d duplicates; want 10 and 0", n, dup)
	}
}

// TestForeignMediaRefused: an item naming another unit's library file by
// its hash is not sent to Douyin, and the delivery says why.
func TestForeignMediaRefused(t *testing.T) {
	p := setup(t)
	p.AddDouyin(t)
	p.worker.Platforms = all.NewWithLibrary(p.rdb, 5*time.Second, p.DB)
	queuetest.New(t, p.DB).AddDouyin(t) // another unit holds the same files
	p.Extra = ""                        // an image post of the cover alone
	if _, err := p.DB.Pool.Exec(context.Background(), `DELETE FROM media_objects WHERE unit_id = $1`, p.Unit.ID); err != nil {
		t.Fatal(err)
	}
	p.start(t)
	items := p.approveAndQueue(t, 1, false)
	for _, d := range p.Wait(t, 60*time.Second, items...) {
		if d.Platform == tongfa.PlatformDouyin && (d.State != tongfa.DeliveryFailed || !strings.Contains(d.Error, "不在本单位的媒体库中")) {
			t.Fatalf("douyin delivery %s %q", d.State, d.Error)
		}
	}
	if n := p.Sim.Calls("douyin", "api/douyin/v1/video/upload_image/"); n != 0 {
		t.Fatalf("%d images uploaded", n)
	}
}

// TestDeliversItemVideoToDouyin: an item's video field (no link in the
// body) reaches Douyin as one video post with the video's cover, its text
// the video's title and description.
func TestDeliversItemVideoToDouyin(t *testing.T) {
	p := setup(t)
	acc := p.AddDouyin(t)
	p.worker.Platforms = all.NewWithLibrary(p.rdb, 5*time.Second, p.DB)
	p.start(t)
	c := tongfa.Content{Title: "关于新政的通知", Body: "<p>各单位要认真贯彻落实。</p>", Summary: "认真贯彻落实",
		Category: tongfa.CategoryNotice, Kind: tongfa.KindOriginal, Importance: tongfa.ImportanceRoutine,
		Urgency: tongfa.UrgencyNormal, Targets: []int64{acc.ID},
		Video: &tongfa.Video{File: tongfa.SumMedia(queuetest.Video), Cover: tongfa.SumMedia(queuetest.CoverPNG),
			Title: "一分钟看懂新政", Description: "新政要点解读"}}
	c.Media = c.MediaUses()
	it, ids := p.ApproveContent(t, c)
	if err := p.enqueuer.EnqueueIDs(context.Background(), store.QueueFor(it.Version.Content), ids); err != nil {
		t.Fatal(err)
	}
	for _, d := range p.Wait(t, 60*time.Second, it.ID) {
		if d.State != tongfa.DeliveryDelivered {
			t.Fatalf("%s delivery %s: %s", d.Platform, d.State, d.Error)
		}
	}
	if n := p.Sim.Calls("douyin", "api/douyin/v1/video/create_video/"); n != 1 {
		t.Fatalf("%d video posts created, want 1", n)
	}
	posts := p.Sim.Posts()
	if len(posts) != 1 || !strings.HasPrefix(posts[0].Text, "【一分钟看懂新政】新政要点解读") {
		t.Fatalf("posts %+v", posts)
	}
}
