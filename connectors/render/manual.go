package render

import (
	"slices"
	"strings"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/sanitize"
)

// manual renders the publishing task of a channel without an API: the
// text an operator pastes (title, the attribution where a reader sees it
// first, the body as plain paragraphs), and the cover, pictures and video
// to download and post with it.
func manual(p connectors.Payload, c tongfa.Content) connectors.Payload {
	parts := []string{c.Title}
	if p.Attribution != "" {
		parts = append(parts, p.Attribution)
	}
	for _, para := range strings.Split(sanitize.PlainText(c.Body), "\n") {
		if t := strings.Join(strings.Fields(para), " "); t != "" {
			parts = append(parts, t)
		}
	}
	p.Link = ""
	p.Text = strings.Join(parts, "\n\n")
	p.Video = bodyVideo(c.Body)
	p.Images = bodyImages(c.Body)
	if c.Cover != "" && !slices.Contains(p.Images, c.Cover) {
		p.Images = append([]string{c.Cover}, p.Images...)
	}
	if v := c.Video; v != nil { // the item's video and its cover come first
		p.Video = v.File.Ref() + ".mp4"
		if cover := v.Cover.Ref(); !slices.Contains(p.Images, cover) {
			p.Images = append([]string{cover}, p.Images...)
		}
	}
	return p
}
