package wechat

import (
	"bytes"
	"context"
	"crypto/sha1"
	_ "embed"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/silenceper/wechat/v2/officialaccount/material"
	"github.com/silenceper/wechat/v2/util"

	"github.com/tongfa/tongfa/connectors"
)

// defaultCover is used when an item has no cover image: WeChat requires one.
//
//go:embed cover.png
var defaultCover []byte

const uploadImgURL = "https://api.weixin.qq.com/cgi-bin/media/uploadimg"

// thumb uploads the cover as permanent material (once).
func (c *Client) thumb(ctx context.Context, a *account, p *connectors.Post, s connectors.Steps) (string, error) {
	if id, ok := s.Get(StepThumb); ok {
		return id, nil
	}
	img := defaultCover
	if p.Payload.Cover != "" {
		var err error
		if img, err = c.fetch(ctx, p.Payload.Cover); err != nil {
			return "", err
		}
	}
	var id string
	err := a.retryToken("thumb", func() (e error) {
		id, _, e = a.oa.GetMaterial().AddMaterialFromReader(material.MediaTypeThumb, "cover.png", bytes.NewReader(img))
		return
	})
	if err != nil {
		return "", err
	}
	return id, connectors.NoteSteps(ctx, s, StepThumb, id)
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
	img, err := c.fetch(ctx, src)
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

// fetch downloads an image the article references (at most 5 MB).
func (c *Client) fetch(ctx context.Context, src string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return nil, &connectors.Error{Class: connectors.Permanent, Platform: "wechat", Message: "图片地址无效：" + src}
	}
	resp, err := c.images.Do(req)
	if err != nil {
		return nil, &connectors.Error{Class: connectors.Retryable, Platform: "wechat", Message: "无法读取图片：" + src, Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &connectors.Error{Class: connectors.Permanent, Platform: "wechat", Message: fmt.Sprintf("图片无法读取（HTTP %d）：%s", resp.StatusCode, src)}
	}
	return io.ReadAll(io.LimitReader(resp.Body, 5<<20))
}
