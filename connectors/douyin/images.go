package douyin

import (
	"bytes"
	"context"
	"io"
	"strconv"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
)

// cover uploads the video's cover, if it has one, and returns its
// image_id. It goes up before the video, so a refused cover costs no
// upload.
func (c *Client) cover(ctx context.Context, p *connectors.Post, s connectors.Steps) (string, error) {
	if p.Payload.Cover == "" {
		return "", nil
	}
	if id := step(s, StepCover); id != "" {
		return id, nil
	}
	id, err := c.uploadImage(ctx, p.Account, p.Payload.Cover)
	if err != nil {
		return "", err
	}
	return id, connectors.NoteSteps(ctx, s, StepCover, id)
}

// images uploads the images of an image post in order, each once.
func (c *Client) images(ctx context.Context, p *connectors.Post, s connectors.Steps) ([]string, error) {
	ids := make([]string, len(p.Payload.Images))
	for i, ref := range p.Payload.Images {
		key := StepImage + strconv.Itoa(i)
		if ids[i] = step(s, key); ids[i] != "" {
			continue
		}
		id, err := c.uploadImage(ctx, p.Account, ref)
		if err != nil {
			return nil, err
		}
		if err := connectors.NoteSteps(ctx, s, key, id); err != nil {
			return nil, err
		}
		ids[i] = id
	}
	return ids, nil
}

// uploadImage reads ref and uploads it: a media library picture
// (/media/<hash>, what saved content refers to) as its copy fitted to
// Douyin, read from the store like every other connector's; anything else
// from the image source (all.Library: a URL naming a library file is read
// from the store as it is, another URL fetched under media.Fetcher's rules).
func (c *Client) uploadImage(ctx context.Context, acc connectors.Account, ref string) (string, error) {
	var m Media
	if h, ok := tongfa.ParseMediaRef(ref); ok && c.Library != nil {
		f, err := c.Library.Picture(ctx, h, "douyin")
		if err != nil {
			return "", connectors.MediaError(platform, h, err)
		}
		m = memory{bytes.NewReader(f.Data)}
	} else {
		if c.Images == nil {
			return "", permanent("没有可用的图片来源，无法上传抖音图片")
		}
		var err error
		if m, err = c.Images.Open(ctx, ref); err != nil {
			return "", err
		}
	}
	defer m.Close()
	kind := sniff(m, "image")
	if kind == "" {
		return "", permanent("不是图片，无法发布到抖音：" + ref)
	}
	var out struct {
		Image struct {
			ImageID string `json:"image_id"`
		} `json:"image"`
	}
	err := c.call(ctx, acc, fileRequest(pathUploadImage, nil, "image", kind, io.NewSectionReader(m, 0, m.Size())), &out)
	if err == nil && out.Image.ImageID == "" {
		err = &connectors.Error{Class: connectors.Retryable, Platform: platform, Message: "抖音应答缺少图片编号，将重新上传"}
	}
	return out.Image.ImageID, harmless(err)
}
