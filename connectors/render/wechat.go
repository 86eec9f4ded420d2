package render

import (
	"fmt"
	"regexp"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
)

// wechatPolicy keeps what a WeChat article keeps. WeChat drops scripts,
// forms, frames, classes and ids, and links outside mp.weixin.qq.com (it
// keeps their text), so the article is rendered without them rather than
// altered by the platform after sign-off. Images stay; the connector
// re-hosts them with uploadimg.
var wechatPolicy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "section", "span", "strong", "b", "em", "i", "u", "s", "sub", "sup",
		"h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "hr", "figure", "figcaption",
		"table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption")
	p.AllowAttrs("colspan", "rowspan").Matching(regexp.MustCompile(`^[1-9][0-9]?$`)).OnElements("td", "th")
	p.AllowStyles("text-align").MatchingEnum("left", "center", "right", "justify").Globally()
	// A picture of the media library (/media/<hash>) is re-hosted from
	// the store; no other relative URL is kept.
	p.AllowAttrs("src").Matching(regexp.MustCompile(`^(https?://|/media/[0-9a-f]{64}$)`)).OnElements("img")
	p.AllowAttrs("alt").Matching(bluemonday.Paragraph).OnElements("img")
	p.AllowURLSchemes("http", "https")
	p.AllowRelativeURLs(true) // only where the pattern above allows them
	return p
}()

// wechat renders an article: title ≤ 64, digest ≤ 120, author ≤ 8 (the
// original author for a reprint), the attribution above the body.
func wechat(p connectors.Payload, c tongfa.Content, settings map[string]string) (connectors.Payload, error) {
	p.Title = Truncate(c.Title, WeChatTitle)
	p.Digest = Truncate(summary(c), WeChatDigest)
	p.Author = settings["author"]
	if p.Reprint != nil && p.Reprint.Author != "" {
		p.Author = p.Reprint.Author
	}
	p.Author = Truncate(p.Author, WeChatAuthor)
	p.HTML = attributionHTML(p.Attribution) + wechatPolicy.Sanitize(c.Body)
	if n := utf8.RuneCountInString(p.HTML); n > WeChatContent {
		return p, fmt.Errorf("正文 %d 字，超过微信图文 %d 字的上限", n, WeChatContent)
	}
	return p, nil
}
