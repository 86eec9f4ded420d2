package douyin

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tongfa/tongfa/connectors"
)

// item is a post as video_list and video_data describe it.
type item struct {
	ItemID     string `json:"item_id"`
	Title      string `json:"title"` // the text it was created with
	CreateTime int64  `json:"create_time"`
	ShareURL   string `json:"share_url"`
	MediaType  int    `json:"media_type"` // 2 image post, 4 video
	IsReviewed bool   `json:"is_reviewed"`
}

// Media types of items.
const (
	mediaImages = 2
	mediaVideo  = 4
)

// listPage is how many items one video_list call asks for (Douyin's
// most), and listPages bounds how far back Verify looks.
const (
	listPage  = 20
	listPages = 20
)

// Verify finds out whether an earlier attempt created the post. With its
// item_id it is there; without one (the answer was lost) Verify pages
// through the account's items, newest first, back to the first create,
// for one of the same kind whose text equals ours. Douyin has no
// idempotency key; a video, though, makes one post at most. When more
// posts than Verify reads (listPages) came after the first create, it
// cannot say the post is not there: it answers Unconfirmed, never "not
// found", so nothing is posted twice.
func (c *Client) Verify(ctx context.Context, p *connectors.Post, s connectors.Steps) (connectors.Receipt, bool, error) {
	if id := step(s, StepItemID); id != "" {
		r, err := c.receipt(ctx, p, s, id)
		return r, err == nil, err
	}
	sent, err := time.Parse(time.RFC3339, step(s, StepSent))
	if err != nil {
		return connectors.Receipt{}, false, nil // never sent
	}
	since, want, media := sent.Add(-time.Minute).Unix(), normal(p.Payload.Text), mediaImages
	if p.Payload.Video != "" {
		media = mediaVideo
	}
	cursor := 0
	for range listPages {
		var page struct {
			List    []item `json:"list"`
			Cursor  int    `json:"cursor"`
			HasMore bool   `json:"has_more"`
		}
		q := url.Values{"cursor": {strconv.Itoa(cursor)}, "count": {strconv.Itoa(listPage)}}
		if err := c.read(ctx, p.Account, get(pathVideoList, q), &page); err != nil {
			return connectors.Receipt{}, false, err
		}
		older := false
		for _, it := range page.List {
			switch {
			case it.CreateTime < since:
				older = true
			case it.MediaType == media && normal(it.Title) == want:
				r, err := c.found(ctx, s, it)
				return r, err == nil, err
			}
		}
		if older || !page.HasMore || page.Cursor <= cursor {
			return connectors.Receipt{}, false, nil
		}
		cursor = page.Cursor
	}
	return connectors.Receipt{}, false, &connectors.Error{Class: connectors.Unconfirmed, Platform: platform,
		Message: fmt.Sprintf("抖音账号在本次发布后又有超过 %d 条作品，无法核实是否已发布，请到抖音后台核实", listPage*listPages)}
}

// normal sets whitespace aside: Douyin may trim or fold it.
func normal(s string) string { return strings.Join(strings.Fields(s), " ") }

// found notes the post Verify found and returns its receipt.
func (c *Client) found(ctx context.Context, s connectors.Steps, it item) (connectors.Receipt, error) {
	if err := connectors.NoteSteps(ctx, s, StepItemID, it.ItemID, StepURL, it.ShareURL); err != nil {
		return connectors.Receipt{}, err
	}
	return connectors.Receipt{PlatformPostID: it.ItemID, URL: it.ShareURL, DeliveredAt: c.now()}, nil
}

// receipt is the post's receipt; its share page comes from video_data
// the first time. A post not listed there yet (still being reviewed)
// gets its receipt without a page.
func (c *Client) receipt(ctx context.Context, p *connectors.Post, s connectors.Steps, id string) (connectors.Receipt, error) {
	r := connectors.Receipt{PlatformPostID: id, URL: step(s, StepURL), DeliveredAt: c.now()}
	if r.URL != "" {
		return r, nil
	}
	it, ok, err := c.item(ctx, p.Account, id)
	if err != nil || !ok {
		return r, err
	}
	r.URL = it.ShareURL
	return r, connectors.NoteSteps(ctx, s, StepURL, it.ShareURL)
}

// item looks one of the account's posts up (video_data); ok=false means
// Douyin does not list it.
func (c *Client) item(ctx context.Context, acc connectors.Account, id string) (item, bool, error) {
	var out struct {
		List []item `json:"list"`
	}
	if err := c.read(ctx, acc, post(pathVideoData, map[string][]string{"item_ids": {id}}), &out); err != nil {
		return item{}, false, err
	}
	for _, it := range out.List {
		if it.ItemID == id {
			return it, true, nil
		}
	}
	return item{}, false, nil
}

// read runs a call that changes nothing, asked again in place while it
// fails transiently; a lost answer is then no unknown post.
func (c *Client) read(ctx context.Context, acc connectors.Account, r apiRequest, out any) error {
	return harmless(connectors.Reread(ctx, func() error { return c.call(ctx, acc, r, out) }))
}
