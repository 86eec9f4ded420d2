package wechat

import (
	"bytes"
	"context"
	"crypto/sha1"
	_ "embed"
	"encoding/hex"
	"regexp"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/draft"
	"github.com/silenceper/wechat/v2/officialaccount/material"
	"github.com/silenceper/wechat/v2/util"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
)

// defaultCover is used when an item has no cover image: WeChat requires one.
//
//go:embed cover.png
var defaultCover []byte

const uploadImgURL = "https://api.weixin.qq.com/cgi-bin/media/uploadimg"

// ImageSource gives the bytes of an image an article refers to — its cover
// or an <img src> — by that reference. Today it is media.Fetcher, which
// downloads URLs under the rules against reaching internal services; a
// media library can later answer first for the references it holds and
// hand the others to the fetcher.
type ImageSource interface {
	Image(ctx context.Context, ref string) ([]byte, error)
}

// article uploads what one article shows — its cover under the step
// thumbKey, then its inline images — unless earlier attempts did, and
// returns it as a draft article. The cover is read before anything is
// uploaded and goes up last, so a refused image leaves nothing of itself
// on WeChat.
func (c *Client) article(ctx context.Context, a *account, p connectors.Payload, thumbKey string, s connectors.Steps) (*draft.Article, error) {
	uploadCover, err := c.cover(ctx, a, p.Cover, thumbKey, s)
	if err != nil {
		return nil, err
	}
	content, err := c.inlineImages(ctx, a, p.HTML, s)
	if err != nil {
		return nil, err
	}
	thumb, err := uploadCover()
	if err != nil {
		return nil, err
	}
	return &draft.Article{Title: p.Title, Author: p.Author, Digest: p.Digest, Content: content,
		ContentSourceURL: p.Link, ThumbMediaID: thumb, ShowCoverPic: 1}, nil
}

// cover reads the cover ref unless an earlier attempt uploaded it under
// thumbKey, and returns how to upload it as thumb material. A library
// picture is read as WeChat's thumbnail copy, and uploaded once per
// account.
func (c *Client) cover(ctx context.Context, a *account, ref, thumbKey string, s connectors.Steps) (func() (string, error), error) {
	if id, ok := s.Get(thumbKey); ok {
		return func() (string, error) { return id, nil }, nil
	}
	if h, ok := tongfa.ParseMediaRef(ref); ok && c.Library != nil {
		if id, ok := c.sent(ctx, a, "thumb", h); ok {
			return func() (string, error) { return id, connectors.NoteSteps(ctx, s, thumbKey, id) }, nil
		}
		f, err := c.Library.Picture(ctx, h, "wechat_thumb")
		if err != nil {
			return nil, connectors.MediaError("wechat", h, err)
		}
		return func() (string, error) {
			id, err := c.thumb(ctx, a, f.Data, thumbKey, s)
			if err == nil {
				c.remember(ctx, a, "thumb", h, id)
			}
			return id, err
		}, nil
	}
	img := defaultCover
	if ref != "" {
		var err error
		if img, err = c.images.Image(ctx, ref); err != nil {
			return nil, err
		}
	}
	return func() (string, error) { return c.thumb(ctx, a, img, thumbKey, s) }, nil
}

// sentFor is how long an account's upload of a library file is
// remembered: WeChat keeps permanent material and uploadimg URLs.
const sentFor = 30 * 24 * time.Hour

func sentKey(a *account, kind string, h tongfa.MediaHash) string {
	return "tongfa:wechat:sent:" + kind + ":" + a.token.appID + ":" + h.String()
}

// sent returns what the account answered for library file h before.
func (c *Client) sent(ctx context.Context, a *account, kind string, h tongfa.MediaHash) (string, bool) {
	v, err := c.rdb.Get(ctx, sentKey(a, kind, h)).Result()
	return v, err == nil && v != ""
}

// remember keeps what the account answered for library file h; losing it
// costs only another upload.
func (c *Client) remember(ctx context.Context, a *account, kind string, h tongfa.MediaHash, v string) {
	c.rdb.Set(ctx, sentKey(a, kind, h), v, sentFor) //nolint:errcheck // a cache
}

// thumb uploads the cover as permanent material (once).
func (c *Client) thumb(ctx context.Context, a *account, img []byte, key string, s connectors.Steps) (string, error) {
	if id, ok := s.Get(key); ok {
		return id, nil
	}
	var id string
	err := a.retryToken("thumb", func() (e error) {
		id, _, e = a.oa.GetMaterial().AddMaterialFromReader(material.MediaTypeThumb, "cover.png", bytes.NewReader(img))
		return
	})
	if err != nil {
		return "", err
	}
	return id, connectors.NoteSteps(ctx, s, key, id)
}

var imgSrc = regexp.MustCompile(`(<img\b[^>]*\bsrc=")([^"]+)(")`)

// inlineImages re-hosts every image of the article on WeChat (uploadimg),
// checkpointing each, and returns the rewritten HTML.
func (c *Client) inlineImages(ctx context.Context, a *account, html string, s connectors.Steps) (string, error) {
	var firstErr error
	out := imgSrc.ReplaceAllStringFunc(html, func(m string) string {
		parts := imgSrc.FindStringSubmatch(m)
		src := parts[2]
		if firstErr != nil || strings.Contains(src, "mmbiz.qpic.cn") {
			return m
		}
		key := "img:" + shortHash(src)
		u, ok := s.Get(key)
		if !ok {
			var err error
			if u, err = c.uploadImage(ctx, a, src); err == nil {
				err = connectors.NoteSteps(ctx, s, key, u)
			}
			if err != nil {
				firstErr = err
				return m
			}
		}
		return parts[1] + u + parts[3]
	})
	return out, firstErr
}

func shortHash(s string) string {
	sum := sha1.Sum([]byte(s))
	return hex.EncodeToString(sum[:8])
}

func (c *Client) uploadImage(ctx context.Context, a *account, src string) (string, error) {
	h, ok := tongfa.ParseMediaRef(src)
	if !ok || c.Library == nil {
		img, err := c.images.Image(ctx, src)
		if err != nil {
			return "", err
		}
		return c.postImage(ctx, a, img, "image.png")
	}
	if u, ok := c.sent(ctx, a, "img", h); ok {
		return u, nil
	}
	f, err := c.Library.Picture(ctx, h, "wechat")
	if err != nil {
		return "", connectors.MediaError("wechat", h, err)
	}
	u, err := c.postImage(ctx, a, f.Data, "image"+f.Type.Ext())
	if err == nil {
		c.remember(ctx, a, "img", h, u)
	}
	return u, err
}

// postImage re-hosts img on WeChat (media/uploadimg) and returns its URL.
func (c *Client) postImage(ctx context.Context, a *account, img []byte, name string) (string, error) {
	var hosted string
	err := a.retryToken("uploadimg", func() error {
		tok, err := a.token.GetAccessTokenContext(ctx)
		if err != nil {
			return err
		}
		raw, err := util.PostFileFromReader("media", name, name, uploadImgURL+"?access_token="+tok, bytes.NewReader(img))
		if err != nil {
			return err
		}
		// Decoded afresh each time: an answer without errcode would leave
		// the refused token's errcode in a reused struct.
		var res struct {
			util.CommonError
			URL string `json:"url"`
		}
		err = util.DecodeWithError(raw, &res, "UploadImage")
		hosted = res.URL
		return err
	})
	return hosted, err
}
