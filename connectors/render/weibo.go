package render

import (
	"regexp"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
)

// Weibo texts use the classic 140-character status of statuses/share (the
// only sharing API a government app gets; long texts need another
// interface). They read 【title】summary（attribution） link.
func weibo(p connectors.Payload, c tongfa.Content) (connectors.Payload, error) {
	if p.Link == "" {
		return p, errNoLink
	}
	p.Title = c.Title
	p.Text = weiboText(c, p.Link)
	return p, nil
}

type renderError string

func (e renderError) Error() string { return string(e) }

const errNoLink = renderError("微博须附带稿件在政府网站上的链接（安全域名），请先发布到政府网站或为账号配置 link_pattern")

// weiboText fits the status into 140 Weibo characters (fitText).
func weiboText(c tongfa.Content, link string) string {
	return fitText(c, " "+link, WeiboLength, WeiboLen, cutWeibo)
}

// fitText composes 【title】summary（attribution）tail within limit as
// length counts: the summary gives way first, then the original title
// inside the attribution and the item's title (each down to 12
// characters), then the original title further — the source, author and
// time always stay. cut(s, n) shortens s to at most n, ending with ….
func fitText(c tongfa.Content, tail string, limit int, length func(string) int, cut func(string, int) string) string {
	title, sum, attr := c.Title, summary(c), Attribution(c)
	compose := func() string {
		s := "【" + title + "】" + sum
		if attr != "" {
			s += "（" + attr + "）"
		}
		return s + tail
	}
	fit := func(s *string, keep int) {
		if over := length(compose()) - limit; over > 0 {
			*s = cut(*s, max(length(*s)-over-1, keep))
		}
	}
	shrinkSource := func(keep int) {
		if attr == "" {
			return
		}
		for n := len([]rune(c.Source.Title)); length(compose()) > limit && n > keep; n-- {
			attr = attribution(c, n-1)
		}
	}
	fit(&sum, 0)
	shrinkSource(12)
	fit(&title, 12)
	shrinkSource(1)
	return compose()
}

var urlRe = regexp.MustCompile(`https?://[^\s，。）)]+`)

// WeiboLen counts characters as Weibo does: two ASCII characters make one,
// any other character is one, and a link counts as its t.cn short link —
// about 10 characters; 12 here, so a text we make is never refused.
func WeiboLen(s string) int {
	half := 0
	s = urlRe.ReplaceAllStringFunc(s, func(string) string { half += 24; return "" })
	for _, r := range s {
		if r < 0x80 {
			half++
		} else {
			half += 2
		}
	}
	return (half + 1) / 2
}

// cutWeibo shortens s to at most n Weibo characters, ending with ….
func cutWeibo(s string, n int) string {
	if WeiboLen(s) <= n {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 && WeiboLen(string(rs))+1 > n {
		rs = rs[:len(rs)-1]
	}
	if len(rs) == 0 {
		return ""
	}
	return string(rs) + "…"
}
