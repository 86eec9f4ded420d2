package douyin_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"math/rand/v2"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/connectortest"
	"github.com/tongfa/tongfa/connectors/douyin"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/redisconn/redistest"
)

// redisDB is this package's database (docs/testing.md).
const redisDB = 7

// Test media: a video of three parts of chunk bytes (the last one
// shorter), uploaded in parts because it is above chunk.
const (
	chunk     = 16 << 10
	videoSize = 2*chunk + chunk/2
)

// video returns size bytes that look like nothing in particular.
func video(seed uint64, size int) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, size)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func pngImage() []byte {
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 2, 2))) //nolint:errcheck
	return buf.Bytes()
}

// media holds the test's videos and images.
var media = douyin.Bytes{"video-1": video(1, videoSize), "short-video": video(2, chunk/2), "cover.png": pngImage(),
	"a.png": pngImage(), "b.png": pngImage()}

// clock is a settable clock shared by the simulator and the connector.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// bundle is a Douyin connector wired to its simulator.
type bundle struct {
	*connectortest.Harness
	Client *douyin.Client
	Clock  *clock
	Acc    connectors.Account
}

// setup starts a simulator whose parts may be as small as the test's
// chunk, and a connector that uploads in such parts.
func setup(t *testing.T, so sim.DouyinOptions) *bundle {
	clk := &clock{t: time.Now()}
	if so.PartMin == 0 {
		so.PartMin, so.PartMax = chunk, chunk
	}
	s := sim.NewWith(sim.Options{Seed: 1, Now: clk.Now, Douyin: so})
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	acc := connectors.Account{ID: 9, Platform: tongfa.PlatformDouyin, APIBase: ts.URL + "/douyin",
		Credentials: map[string]string{"access_token": "act.ou-office", "refresh_token": "rft.ou-office", "open_id": "ou-office", "client_key": "awk-test"}}
	c := douyin.New(connectors.NewHTTPClient(2*time.Second), redistest.New(t, redisDB), media, media,
		douyin.Options{ChunkAbove: chunk, ChunkSize: chunk, Now: clk.Now})
	b := &bundle{Client: c, Clock: clk, Acc: acc}
	n := 0
	post := func(a connectors.Account, title string) *connectors.Post {
		n++
		return &connectors.Post{DeliveryID: int64(n), Key: fmt.Sprintf("tongfa-d%d", n), Account: a,
			Payload: connectors.Payload{Title: title, Text: "【" + title + "】本市今起开展专项行动（来源：市政府办公室）", Video: "video-1", Cover: "cover.png"}}
	}
	b.Harness = &connectortest.Harness{Publisher: c, Sim: s, Server: ts, Platform: "douyin",
		Steps: []string{"api/douyin/v1/video/upload_image/", "api/douyin/v1/video/init_video_part_upload/",
			"api/douyin/v1/video/upload_video_part/", "api/douyin/v1/video/complete_video_part_upload/",
			"api/douyin/v1/video/create_video/", "api/douyin/v1/video/video_data/"},
		Repeats:        map[string]bool{"api/douyin/v1/video/upload_video_part/": true},
		CreateEndpoint: "api/douyin/v1/video/create_video/", Tokens: true,
		Post: func(title string) *connectors.Post { return post(acc, title) },
		Rejected: func() *connectors.Post {
			wrong := acc
			wrong.Credentials = map[string]string{"access_token": "act.ou-office", "open_id": "ou-somebody-else"}
			return post(wrong, "授权与账号不一致")
		}}
	return b
}

func harness(t *testing.T) *connectortest.Harness { return setup(t, sim.DouyinOptions{}).Harness }

func TestConnectorSuite(t *testing.T) { connectortest.Exercise(t, harness) }

// deliver publishes p as the worker would, from fresh steps.
func (b *bundle) deliver(t *testing.T, p *connectors.Post) connectors.Receipt {
	t.Helper()
	return b.Deliver(context.Background(), t, p, connectortest.NewSteps(), nil)
}

func TestImagePost(t *testing.T) {
	b := setup(t, sim.DouyinOptions{})
	p := b.Post("图文")
	p.Payload.Video, p.Payload.Cover, p.Payload.Images = "", "", []string{"a.png", "b.png", "a.png"}
	s := connectortest.NewSteps()
	r, err := b.Client.Publish(context.Background(), p, s)
	if err != nil || r.URL == "" {
		t.Fatalf("%+v %v", r, err)
	}
	if n := b.Sim.Calls("douyin", "api/douyin/v1/video/upload_image/"); n != 3 {
		t.Fatalf("%d images uploaded, want 3", n)
	}
	if v, found, err := b.Client.Verify(context.Background(), p, s); !found || err != nil || v.PlatformPostID != r.PlatformPostID {
		t.Fatalf("verify %+v %v %v", v, found, err)
	}
	b.WantPosts(t, 1)
}

func TestShortVideoIsUploadedWhole(t *testing.T) {
	b := setup(t, sim.DouyinOptions{})
	p := b.Post("短视频")
	p.Payload.Video = "short-video"
	b.deliver(t, p)
	if b.Sim.Calls("douyin", "api/douyin/v1/video/upload_video/") != 1 || b.Sim.Calls("douyin", "api/douyin/v1/video/init_video_part_upload/") != 0 {
		t.Fatalf("calls %v", b.Sim.AllCalls())
	}
	b.WantPosts(t, 1)
}

func TestRefusedBeforeSending(t *testing.T) {
	b := setup(t, sim.DouyinOptions{})
	cases := map[string]func(p *connectors.Payload){
		"no media":        func(p *connectors.Payload) { p.Video, p.Images = "", nil },
		"too many images": func(p *connectors.Payload) { p.Video, p.Images = "", make([]string, 31) },
		"text too long":   func(p *connectors.Payload) { p.Text = string(make([]rune, 1001)) },
		"not an image":    func(p *connectors.Payload) { p.Cover = "short-video" },
		"not in library":  func(p *connectors.Payload) { p.Video = "missing" },
	}
	for name, change := range cases {
		t.Run(name, func(t *testing.T) {
			p := b.Post(name)
			change(&p.Payload)
			_, err := b.Client.Publish(context.Background(), p, connectortest.NewSteps())
			connectortest.WantClass(t, err, connectors.Permanent)
		})
	}
	if n := b.Sim.Calls("douyin", "api/douyin/v1/video/create_video/"); n != 0 {
		t.Fatalf("%d creates sent", n)
	}
}

func TestNoVideoSourceYet(t *testing.T) {
	b := setup(t, sim.DouyinOptions{})
	c := douyin.New(connectors.NewHTTPClient(time.Second), nil, nil, media, douyin.Options{})
	_, err := c.Publish(context.Background(), b.Post("无视频来源"), connectortest.NewSteps())
	connectortest.WantClass(t, err, connectors.Permanent)
}

// TestRateLimitPerAccount: the simulator's per-account post limit comes
// back as RateLimited, and the post goes through once the window moves.
func TestRateLimitPerAccount(t *testing.T) {
	ctx := context.Background()
	b := setup(t, sim.DouyinOptions{PostLimit: 2, PostWindow: time.Hour})
	b.deliver(t, b.Post("第一条"))
	b.deliver(t, b.Post("第二条"))
	p, s := b.Post("第三条"), connectortest.NewSteps()
	_, err := b.Client.Publish(ctx, p, s)
	if ce := connectortest.WantClass(t, err, connectors.RateLimited); ce.RetryAfter < time.Minute || ce.Code != "2190001" {
		t.Fatalf("%+v", ce)
	}
	b.WantPosts(t, 2)
	b.Clock.Add(time.Hour)
	b.Deliver(ctx, t, p, s, err)
	b.WantPosts(t, 3)
	if n := b.Sim.Calls("douyin", "api/douyin/v1/video/init_video_part_upload/"); n != 3 {
		t.Fatalf("the limited post uploaded again: %d uploads", n)
	}
}

func TestWithdrawnElsewhere(t *testing.T) {
	ctx := context.Background()
	b := setup(t, sim.DouyinOptions{})
	p := b.Post("已在抖音删除")
	r := b.deliver(t, p)
	if err := b.Client.Withdraw(ctx, p, r); err != nil {
		t.Fatal(err)
	}
	if err := b.Client.Withdraw(ctx, p, r); err != nil {
		t.Fatalf("second withdraw: %v", err)
	}
}
