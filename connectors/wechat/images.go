package wechat

import (
	"bytes"
	"context"
	"crypto/sha1"
	_ "embed"
	"encoding/hex"
	"regexp"
	"strings"

	"github.com/silenceper/wechat/v2/officialaccount/draft"
	"github.com/silenceper/wechat/v2/officialaccount/material"
	"github.com/silenceper/wechat/v2/util"

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
	cover, err := c.cover(ctx, p.Cover, thumbKey, s)
	if err != nil {
		return nil, err
	}
	content, err := c.inlineImages(ctx, a, p.HTML, s)
	if err != nil {
		return nil, err
	}
	thumb, err := c.thumb(ctx, a, cover, thumbKey, s)
	if err != nil {
		return nil, err
	}
	return &draft.Article{Title: p.Title, Author: p.Author, Digest: p.Digest, Content: content,
		ContentSourceURL: p.Link, ThumbMediaID: thumb, ShowCoverPic: 1}, nil
}

// cover returns the bytes of the cover ref unless an earlier attempt
// uploaded it under thumbKey.
func (c *Client) cover(ctx context.Context, ref, thumbKey string, s connectors.Steps) ([]byte, error) {
	if _, ok := s.Get(thumbKey); ok {
		return nil, nil
	}
	if ref == "" {
		return defaultCover, nil
	}
	return c.images.Image(ctx, ref)
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
	img, err := c.images.Image(ctx, src)
	if err != nil {
		return "", err
	}
	var hosted string
	err = a.retryToken("uploadimg", func() error {
		tok, err := a.token.GetAccessTokenContext(ctx)
		if err != nil {
			return err
		}
		raw, err := util.PostFileFromReader("media", "image.png", "image.png", uploadImgURL+"?access_token="+tok, bytes.NewReader(img))
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
