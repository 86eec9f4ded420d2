// Package render turns one approved item version into what each channel
// publishes: a WeChat article, a Weibo status, an app post, a website
// article and a Douyin post — all from the same content, with reprint
// attribution on every one (R4).
package render

import (
	"fmt"
	"strings"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/sanitize"
)

// Limits of the channels, in characters (runes; Weibo counts its own way).
const (
	WeChatTitle   = 64
	WeChatDigest  = 120
	WeChatAuthor  = 8
	WeChatContent = 20000
	WeiboLength   = 140 // statuses/share refuses more
	AppDigest     = 120
)

// Renderer renders for the delivery worker (queue.Renderer).
type Renderer struct{}

// Render renders it's approved version for acc; link is the item's public
// URL (its website article), "" when there is none.
func (Renderer) Render(it *tongfa.Item, acc connectors.Account, link string) (connectors.Payload, error) {
	return For(acc.Platform, it.ID, it.Version.Content, link, acc.Settings)
}

// For renders content for platform. link is the item's public URL, which
// Weibo requires and WeChat shows as 阅读原文. Settings used: author
// (WeChat), deep_link_pattern (app, "{id}" is the item id), column and
// column_<category> (website).
func For(platform tongfa.Platform, itemID int64, c tongfa.Content, link string, settings map[string]string) (connectors.Payload, error) {
	p := connectors.Payload{Title: c.Title, Cover: c.Cover, Link: link, Attribution: Attribution(c), Reprint: reprint(c)}
	switch platform {
	case tongfa.PlatformWeChat:
		return wechat(p, c, settings)
	case tongfa.PlatformWeibo:
		return weibo(p, c)
	case tongfa.PlatformDouyin:
		return douyin(p, c)
	case tongfa.PlatformApp:
		p.Digest = Truncate(summary(c), AppDigest)
		p.HTML = attributionHTML(p.Attribution) + c.Body
		p.Attachments = c.Attachments
		pattern := orDefault(settings["deep_link_pattern"], "tongfa://item/{id}")
		p.DeepLink = strings.ReplaceAll(pattern, "{id}", fmt.Sprint(itemID))
	case tongfa.PlatformWebsite:
		p.Digest = summary(c)
		p.HTML = attributionHTML(p.Attribution) + c.Body
		p.Column = orDefault(settings["column_"+c.Category], orDefault(settings["column"], c.Category))
		p.Attachments = c.Attachments
	default:
		if platform.Manual() {
			return manual(p, c), nil
		}
		return p, fmt.Errorf("平台「%s」没有发布接口", platform.Label())
	}
	return p, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// summary is the item's summary, or the start of its text.
func summary(c tongfa.Content) string {
	s := c.Summary
	if s == "" {
		s = sanitize.PlainText(c.Body)
	}
	return strings.Join(strings.Fields(s), " ")
}

var china = time.FixedZone("CST", 8*3600)

// Attribution is the reprint line R4 requires — source unit, original
// author, original title, reprint time — or "" for original work.
func Attribution(c tongfa.Content) string {
	return attribution(c, -1)
}

// attribution cuts the original title to titleMax characters (-1: whole),
// for Weibo's tight limit.
func attribution(c tongfa.Content, titleMax int) string {
	if c.Kind != tongfa.KindReprint || c.Source == nil {
		return ""
	}
	s := c.Source
	parts := []string{"来源：" + s.Unit}
	if s.Author != "" {
		parts = append(parts, "原作者："+s.Author)
	}
	if title := s.Title; title != "" {
		if titleMax >= 0 {
			title = Truncate(title, titleMax)
		}
		parts = append(parts, "原标题：《"+title+"》")
	}
	if s.ReprintedAt != nil {
		parts = append(parts, "转载时间："+s.ReprintedAt.In(china).Format("2006年1月2日 15:04"))
	}
	return strings.Join(parts, "　")
}

func reprint(c tongfa.Content) *connectors.Reprint {
	if c.Kind != tongfa.KindReprint || c.Source == nil {
		return nil
	}
	s := c.Source
	return &connectors.Reprint{Unit: s.Unit, Author: s.Author, Title: s.Title, URL: s.URL, ReprintedAt: s.ReprintedAt}
}

// attributionHTML shows the attribution above the body, where a reader
// sees it first ("prominently", R4).
func attributionHTML(a string) string {
	if a == "" {
		return ""
	}
	return `<p style="text-align: left;"><strong>` + htmlEscape(a) + `</strong></p>`
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// Truncate cuts s to at most n characters, on a rune boundary, ending
// with … when cut.
func Truncate(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	return string(rs[:n-1]) + "…"
}
