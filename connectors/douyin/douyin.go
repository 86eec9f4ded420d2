package douyin

import (
	"context"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"github.com/tongfa/tongfa/connectors"
)

// DefaultAPI is Douyin's open platform.
const DefaultAPI = "https://open.douyin.com"

// Limits Douyin sets on a post.
const (
	MaxText   = 1000 // characters of the description (render keeps within it)
	MaxImages = 30   // images of an image post
)

// Options tune the connector; zero values take the defaults.
type Options struct {
	// ChunkAbove: a larger video is uploaded in parts. Douyin takes a
	// single upload below 128 MB and recommends parts above 50 MB.
	ChunkAbove int64
	// ChunkSize is the size of every part but the last; Douyin wants 5 to
	// 20 MB. Tests use small ones against a simulator that allows them.
	ChunkSize int64
	// RefreshAhead: a token known to lapse within this is refreshed
	// before use. Default a day (tokens live 15).
	RefreshAhead time.Duration
	// Now replaces the clock.
	Now func() time.Time
}

// Client is the Douyin connector. Refreshed access tokens are kept in
// Redis, shared by every worker, until the account's stored ones change.
type Client struct {
	HTTP  *http.Client
	Redis redis.UniversalClient // optional
	// Videos gives the bytes of Payload.Video; nil until a media library
	// is plugged in, and video posts are refused meanwhile.
	Videos MediaSource
	// Images gives the bytes of covers and of image posts' images that
	// are not in the media library (references of older content).
	Images MediaSource
	// Library, when set, gives the media library's pictures
	// (/media/<hash>) as their copies fitted to Douyin (media/picture's
	// "douyin"), read from the store: covers and image posts' images.
	Library connectors.MediaSource
	opts    Options
}

var (
	_ connectors.Publisher = (*Client)(nil)
	_ connectors.Replier   = (*Client)(nil)
)

// New returns a Douyin connector.
func New(hc *http.Client, rdb redis.UniversalClient, videos, images MediaSource, o Options) *Client {
	if o.ChunkAbove <= 0 {
		o.ChunkAbove = 50 << 20
	}
	if o.ChunkSize <= 0 {
		o.ChunkSize = 20 << 20
	}
	if o.RefreshAhead <= 0 {
		o.RefreshAhead = 24 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Client{HTTP: hc, Redis: rdb, Videos: videos, Images: images, opts: o}
}

func (c *Client) now() time.Time { return c.opts.Now() }

// Steps this connector saves. Uploads are not posts: repeating one is
// harmless, so covers and images are noted; parts are saved one by one so
// that a worker killed mid-upload resumes after the last confirmed part.
const (
	StepCover   = "cover_image_id" // the video's cover, uploaded (noted)
	StepImage   = "image:"         // + position: an image of an image post, uploaded (noted)
	StepUpload  = "video_upload"   // "<upload_id> <part size> <RFC 3339 start>" of a chunked upload (saved)
	StepParts   = "video_parts"    // "<upload_id>:<n>": parts 1…n confirmed (saved after each)
	StepVideo   = "video_id"       // the uploaded video (saved; "" once Douyin called it stale)
	StepSent    = "sent"           // RFC 3339 time of the first create: from then on, verify before creating
	StepRefused = "video_refused"  // a video_id Douyin refused after our own create, verified once
	StepItemID  = "item_id"        // the post, once Douyin confirmed it (noted)
	StepURL     = "url"            // its share page (noted)
)

// step reads a checkpoint; "" means not done (a step reset to "").
func step(s connectors.Steps, key string) string {
	v, _ := s.Get(key)
	return v
}

// Endpoints of the open platform.
const (
	pathUploadVideo   = "/api/douyin/v1/video/upload_video/"
	pathInitUpload    = "/api/douyin/v1/video/init_video_part_upload/"
	pathUploadPart    = "/api/douyin/v1/video/upload_video_part/"
	pathCompleteParts = "/api/douyin/v1/video/complete_video_part_upload/"
	pathUploadImage   = "/api/douyin/v1/video/upload_image/"
	pathCreateVideo   = "/api/douyin/v1/video/create_video/"
	pathCreateImages  = "/api/douyin/v1/video/create_image_text/"
	pathVideoList     = "/api/douyin/v1/video/video_list/"
	pathVideoData     = "/api/douyin/v1/video/video_data/"
	pathDelete        = "/video/delete/"
	pathComments      = "/item/comment/list/"
	pathReply         = "/item/comment/reply/"
	pathReplies       = "/item/comment/reply/list/"
)

// Publish uploads the media, then creates the post once. The step "sent"
// is saved before the first create so a worker taking over knows the
// platform may have it.
func (c *Client) Publish(ctx context.Context, p *connectors.Post, s connectors.Steps) (connectors.Receipt, error) {
	if id := step(s, StepItemID); id != "" {
		return c.receipt(ctx, p, s, id)
	}
	if err := check(p.Payload); err != nil {
		return connectors.Receipt{}, err
	}
	create, err := c.prepare(ctx, p, s)
	if err != nil {
		return connectors.Receipt{}, err
	}
	resent := step(s, StepSent) != ""
	if !resent {
		if err := s.Save(ctx, StepSent, c.now().UTC().Format(time.RFC3339)); err != nil {
			return connectors.Receipt{}, err
		}
	}
	var out struct {
		ItemID string `json:"item_id"`
	}
	if err := connectors.Ambiguous(c.call(ctx, p.Account, create, &out)); err != nil {
		return connectors.Receipt{}, c.refused(ctx, s, resent, err)
	}
	if out.ItemID == "" {
		return connectors.Receipt{}, &connectors.Error{Class: connectors.Unconfirmed, Platform: platform, Message: "抖音应答缺少作品编号，需核实"}
	}
	if err := connectors.NoteSteps(ctx, s, StepItemID, out.ItemID); err != nil {
		return connectors.Receipt{}, err
	}
	return c.receipt(ctx, p, s, out.ItemID)
}

// check refuses, before any request, a post Douyin would refuse.
func check(pl connectors.Payload) error {
	switch n := utf8.RuneCountInString(pl.Text); {
	case pl.Video == "" && len(pl.Images) == 0:
		return permanent("抖音作品须有视频或图片")
	case len(pl.Images) > MaxImages:
		return permanent("抖音图文最多 30 张图片")
	case n > MaxText:
		return permanent("抖音作品描述超过 1000 字")
	}
	return nil
}

// prepare uploads what the post shows and returns the request that
// creates it: a video with its cover, or the images.
func (c *Client) prepare(ctx context.Context, p *connectors.Post, s connectors.Steps) (apiRequest, error) {
	pl := p.Payload
	if pl.Video == "" {
		ids, err := c.images(ctx, p, s)
		return post(pathCreateImages, map[string]any{"image_list": ids, "text": pl.Text}), err
	}
	cover, err := c.cover(ctx, p, s)
	if err != nil {
		return apiRequest{}, err
	}
	video, err := c.video(ctx, p, s)
	body := map[string]any{"video_id": video, "text": pl.Text}
	if cover != "" {
		body["custom_cover_image_url"] = cover
	}
	return post(pathCreateVideo, body), err
}

// refused handles 2190007, "invalid video id". Douyin takes a video for
// one post only, so after a create of ours the post may exist: verify,
// once. Otherwise the upload went stale: forget it, and the next attempt
// uploads again.
func (c *Client) refused(ctx context.Context, s connectors.Steps, resent bool, err error) error {
	if !hasCode(err, "2190007") {
		return err
	}
	video := step(s, StepVideo)
	if resent && step(s, StepRefused) != video {
		if err := s.Save(ctx, StepRefused, video); err != nil {
			return err
		}
		return &connectors.Error{Class: connectors.Unconfirmed, Platform: platform, Code: "2190007",
			Message: "抖音提示视频已被使用，可能已由此前的尝试发布，需核实"}
	}
	if err := connectors.SaveSteps(ctx, s, StepVideo, "", StepUpload, "", StepParts, ""); err != nil {
		return err
	}
	return &connectors.Error{Class: connectors.Retryable, Platform: platform, Code: "2190007", Message: "抖音提示视频文件已失效，将重新上传"}
}

// Withdraw deletes the post; one already gone counts as withdrawn.
func (c *Client) Withdraw(ctx context.Context, p *connectors.Post, r connectors.Receipt) error {
	err := c.call(ctx, p.Account, post(pathDelete, map[string]string{"item_id": r.PlatformPostID}), nil)
	if err == nil || connectors.ClassOf(err) != connectors.Permanent {
		return err
	}
	if _, found, ferr := c.item(ctx, p.Account, r.PlatformPostID); ferr == nil && !found {
		return nil
	}
	return err
}
