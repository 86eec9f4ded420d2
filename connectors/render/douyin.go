package render

import (
	"fmt"
	"html"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
)

// Douyin limits: the description create_video and create_image_text take
// (the creator centre's 作品描述 allows 1,000 characters; the open API's
// text carries title, summary and attribution together), and the images
// of one image post.
const (
	DouyinLength = 1000
	DouyinImages = 30
)

// douyin renders a Douyin post: 【title】summary（attribution） as its
// text, without the item's link (Douyin shows links as plain text and
// treats them as diverting traffic). An item with a video (Content.Video)
// is a post of that video with its cover, its text the video's title and
// description (douyinVideo). Without one, an item whose body links to a video
// of the media library (…/media/<hash>.mp4) becomes a video post, its
// cover the item's cover or else its first picture; any other item is an
// image post of the body's images, or of the cover alone.
func douyin(p connectors.Payload, c tongfa.Content) (connectors.Payload, error) {
	p.Link = ""
	if v := c.Video; v != nil {
		return douyinVideo(p, c, v), nil
	}
	p.Text = fitText(c, "", DouyinLength, utf8.RuneCountInString, Truncate)
	p.Images = bodyImages(c.Body)
	if v := bodyVideo(c.Body); v != "" {
		p.Video, p.Images = v, nil
		if p.Cover == "" {
			p.Cover = first(bodyImages(c.Body))
		}
		if p.Cover == "" {
			return p, renderError("抖音视频须有封面：请为稿件设置封面图，或在正文中放一张图片")
		}
		return p, nil
	}
	if len(p.Images) == 0 && c.Cover != "" {
		p.Images = []string{c.Cover}
	}
	switch n := len(p.Images); {
	case n == 0:
		return p, renderError("抖音只发布视频或图片，稿件正文和封面都没有图片")
	case n > DouyinImages:
		return p, renderError(fmt.Sprintf("抖音图文最多 %d 张图片，稿件正文有 %d 张，请删减", DouyinImages, n))
	}
	return p, nil
}

var (
	imgSrcRe = regexp.MustCompile(`<img\b[^>]*\bsrc="([^"]+)"`)
	hrefRe   = regexp.MustCompile(`<a\b[^>]*\bhref="([^"]+)"`)
)

// bodyVideo is the first link of a sanitized body to a video of the media
// library, or "".
func bodyVideo(body string) string {
	for _, m := range hrefRe.FindAllStringSubmatch(body, -1) {
		ref := html.UnescapeString(m[1])
		if _, ok := tongfa.MediaRef(ref); ok && strings.HasSuffix(ref, ".mp4") {
			return ref
		}
	}
	return ""
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// bodyImages lists the images of a sanitized body in order.
func bodyImages(body string) []string {
	var out []string
	for _, m := range imgSrcRe.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// douyinVideo renders the post of an item's video: the library video with
// its cover, the text 【video title】description（attribution） within
// Douyin's length (the item's summary or body when the video has no
// description).
func douyinVideo(p connectors.Payload, c tongfa.Content, v *tongfa.Video) connectors.Payload {
	vc := c
	vc.Title = v.Title
	if v.Description != "" {
		vc.Summary = v.Description
	}
	p.Title = v.Title
	p.Text = fitText(vc, "", DouyinLength, utf8.RuneCountInString, Truncate)
	p.Video, p.Cover, p.Images = v.File.Ref()+".mp4", v.Cover.Ref(), nil
	return p
}
