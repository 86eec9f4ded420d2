package douyin_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/connectortest"
	"github.com/tongfa/tongfa/connectors/douyin"
	"github.com/tongfa/tongfa/connectors/sim"
)

// failingMedia fails reads at or after offset from until it is healed:
// a disk or media library failing in the middle of an upload.
type failingMedia struct {
	douyin.Media
	from   int64
	healed *bool
}

func (m failingMedia) ReadAt(p []byte, off int64) (int, error) {
	if !*m.healed && off >= m.from {
		return 0, errors.New("media library unavailable")
	}
	return m.Media.ReadAt(p, off)
}

type failingSource struct {
	from   int64
	healed bool
}

func (f *failingSource) Open(ctx context.Context, ref string) (douyin.Media, error) {
	m, err := media.Open(ctx, ref)
	return failingMedia{Media: m, from: f.from, healed: &f.healed}, err
}

// TestChunkedUploadResumes: an upload that fails after two parts resumes
// at the third; every part reaches Douyin exactly once.
func TestChunkedUploadResumes(t *testing.T) {
	ctx := context.Background()
	b := setup(t, sim.DouyinOptions{})
	src := &failingSource{from: 2 * chunk}
	c := douyin.New(connectors.NewHTTPClient(2*time.Second), nil, src, media, douyin.Options{ChunkAbove: chunk, ChunkSize: chunk, Now: b.Clock.Now})
	p, s := b.Post("分片续传"), connectortest.NewSteps()
	if _, err := c.Publish(ctx, p, s); err == nil {
		t.Fatal("the third part cannot be read")
	}
	if v, _ := s.Get(douyin.StepParts); v == "" || v[len(v)-2:] != ":2" {
		t.Fatalf("parts checkpoint %q, want two confirmed", v)
	}
	src.healed = true
	if _, err := c.Publish(ctx, p, s); err != nil {
		t.Fatal(err)
	}
	ups := b.Sim.DouyinUploads()
	if len(ups) != 1 || !ups[0].Completed || len(ups[0].Received) != 3 {
		t.Fatalf("uploads %+v", ups)
	}
	for n, times := range ups[0].Received {
		if times != 1 {
			t.Errorf("part %d received %d times", n, times)
		}
	}
	b.WantPosts(t, 1)
}

// TestExpiredUploadStartsAgain: parts of an upload older than Douyin
// keeps upload ids are not resumed.
func TestExpiredUploadStartsAgain(t *testing.T) {
	ctx := context.Background()
	b := setup(t, sim.DouyinOptions{})
	src := &failingSource{from: chunk}
	c := douyin.New(connectors.NewHTTPClient(2*time.Second), nil, src, media, douyin.Options{ChunkAbove: chunk, ChunkSize: chunk, Now: b.Clock.Now})
	p, s := b.Post("上传过期"), connectortest.NewSteps()
	if _, err := c.Publish(ctx, p, s); err == nil {
		t.Fatal("the second part cannot be read")
	}
	src.healed = true
	b.Clock.Add(3 * time.Hour)
	if _, err := c.Publish(ctx, p, s); err != nil {
		t.Fatal(err)
	}
	if ups := b.Sim.DouyinUploads(); len(ups) != 2 || ups[0].Completed || !ups[1].Completed {
		t.Fatalf("uploads %+v", ups)
	}
	b.WantPosts(t, 1)
}

// TestStaleVideoIsUploadedAgain: a video_id Douyin calls invalid on a
// first create is forgotten, and the next attempt uploads again.
func TestStaleVideoIsUploadedAgain(t *testing.T) {
	ctx := context.Background()
	b := setup(t, sim.DouyinOptions{})
	p, s := b.Post("视频失效"), connectortest.NewSteps()
	s.Save(ctx, douyin.StepVideo, "v0-expired") //nolint:errcheck
	_, err := b.Client.Publish(ctx, p, s)
	connectortest.WantClass(t, err, connectors.Retryable)
	b.Deliver(ctx, t, p, s, err)
	b.WantPosts(t, 1)
}

// TestUsedVideoAfterLostAnswer: a worker that publishes again without
// verifying after a lost create answer cannot post twice: Douyin refuses
// the used video, which sends it to Verify.
func TestUsedVideoAfterLostAnswer(t *testing.T) {
	ctx := context.Background()
	b := setup(t, sim.DouyinOptions{})
	p, s := b.Post("应答丢失后直接重发"), connectortest.NewSteps()
	b.EndpointFault("api/douyin/v1/video/create_video/", sim.Fault{LostRate: 1})
	_, err := b.Client.Publish(ctx, p, s)
	connectortest.WantClass(t, err, connectors.Unconfirmed)
	b.Sim.SetFaults(sim.Faults{})
	_, err = b.Client.Publish(ctx, p, s)
	connectortest.WantClass(t, err, connectors.Unconfirmed)
	if r := b.Deliver(ctx, t, p, s, err); r.PlatformPostID == "" {
		t.Fatal("not found")
	}
	b.WantPosts(t, 1)
}

// TestVerifyPagesBack: the post whose answer was lost may be pages down
// the account's list by the time Verify runs.
func TestVerifyPagesBack(t *testing.T) {
	ctx := context.Background()
	b := setup(t, sim.DouyinOptions{PostLimit: 100})
	p, s := b.Post("应答丢失后又发了很多条"), connectortest.NewSteps()
	b.EndpointFault("api/douyin/v1/video/create_video/", sim.Fault{LostRate: 1})
	_, err := b.Client.Publish(ctx, p, s)
	connectortest.WantClass(t, err, connectors.Unconfirmed)
	b.Sim.SetFaults(sim.Faults{})
	for i := range 45 {
		other := b.Post(fmt.Sprintf("其他作品%d", i))
		other.Payload.Video, other.Payload.Cover, other.Payload.Images = "", "", []string{"a.png"}
		b.deliver(t, other)
	}
	if _, found, err := b.Client.Verify(ctx, p, s); !found || err != nil {
		t.Fatalf("found=%v err=%v", found, err)
	}
	b.WantPosts(t, 46)
}
