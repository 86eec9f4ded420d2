package render

import (
	"fmt"
	"html"
	"regexp"
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
// treats them as diverting traffic). Items carry no video yet, so the
// post is an image post of the body's images, or of the cover alone; a
// Payload given a Video by the media library becomes a video post with
// the cover as its cover.
func douyin(p connectors.Payload, c tongfa.Content) (connectors.Payload, error) {
	p.Link = ""
	p.Text = fitText(c, "", DouyinLength, utf8.RuneCountInString, Truncate)
	p.Images = bodyImages(c.Body)
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

var imgSrcRe = regexp.MustCompile(`<img\b[^>]*\bsrc="([^"]+)"`)

// bodyImages lists the images of a sanitized body in order.
func bodyImages(body string) []string {
	var out []string
	for _, m := range imgSrcRe.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}
