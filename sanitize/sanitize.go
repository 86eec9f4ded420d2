// Package sanitize cleans item bodies on input: it keeps what WeChat and the
// website render (paragraphs, headings, emphasis, lists, quotes, images,
// links, simple tables) and nothing that runs.
package sanitize

import (
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
)

var (
	imgSrc   = regexp.MustCompile(`^(?i:https?://|/media/[0-9a-f]{64}$)`)
	absolute = regexp.MustCompile(`^(?i:https?://|mailto:)`)
)

// Policy is safe for concurrent use; build it once.
type Policy struct{ p *bluemonday.Policy }

// New builds the item-body policy.
func New() *Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s",
		"sub", "sup", "blockquote", "ul", "ol", "li", "hr", "figure", "figcaption", "span",
		"table", "thead", "tbody", "tfoot", "tr", "caption")
	p.AllowAttrs("colspan", "rowspan").Matching(regexp.MustCompile(`^[1-9][0-9]?$`)).OnElements("td", "th")
	p.AllowElements("td", "th")
	p.AllowStyles("text-align").MatchingEnum("left", "center", "right", "justify").OnElements("p", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th")
	// A picture is a URL or a file of the media library, served at
	// /media/<hash>; no other relative URL is kept.
	p.AllowAttrs("src").Matching(imgSrc).OnElements("img")
	p.AllowAttrs("alt", "title").Matching(bluemonday.Paragraph).OnElements("img", "a")
	p.AllowAttrs("width", "height").Matching(bluemonday.Number).OnElements("img")
	p.AllowAttrs("href").Matching(absolute).OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(true) // only where the patterns above allow them
	p.RequireParseableURLs(true)
	p.RequireNoFollowOnLinks(false)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return &Policy{p: p}
}

// HTML returns the sanitized body.
func (p *Policy) HTML(s string) string {
	return strings.TrimSpace(p.p.Sanitize(stripControl(s)))
}

var plain = bluemonday.StrictPolicy()

// Text strips every tag, for titles and other plain fields, and returns
// text, not HTML: "A & B" stays "A & B" (the sanitizer's escaping is
// undone), so platforms that take plain text get what the editor typed
// and every HTML page escapes it when it renders it.
func Text(s string) string {
	return strings.TrimSpace(html.UnescapeString(plain.Sanitize(stripControl(s))))
}

// stripControl removes NUL and other C0 controls except tab and newlines;
// PostgreSQL's jsonb refuses NUL and no editor means to send them.
func stripControl(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
			return -1
		}
		return r
	}, s)
}

// PlainText renders sanitized body HTML as the text a reader sees: tags
// dropped, entities decoded, block elements on lines of their own. The
// checker reads this, so findings never point into markup or URLs.
func PlainText(body string) string {
	z := html.NewTokenizer(strings.NewReader(body))
	var b strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.TrimSpace(b.String())
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			if blockTags[string(name)] && b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
				b.WriteByte('\n')
			}
		}
	}
}

var blockTags = map[string]bool{"p": true, "br": true, "div": true, "h1": true, "h2": true, "h3": true, "h4": true,
	"h5": true, "h6": true, "li": true, "tr": true, "blockquote": true, "hr": true, "figcaption": true, "caption": true}
