package render

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/tongfa/tongfa"
)

// Problem is a reason a channel would certainly refuse an item, known
// before sign-off. Submission refuses an item with any (422
// undeliverable); the compose preview shows each beside its channel.
type Problem struct {
	AccountID int64           `json:"account_id"`
	Platform  tongfa.Platform `json:"platform"`
	Account   string          `json:"account"`
	Message   string          `json:"message"`
}

// websiteLink stands in for the item's article on the government website,
// which exists only once the website has published it.
const websiteLink = "https://www.example.gov.cn/art/preview.html"

// Problems checks content c of item itemID (0: not saved yet) against the
// rules of each target account that can be known before sign-off: it
// renders each channel as the delivery worker will (length limits, the
// Weibo link), with the link the worker will have — the website article
// when a website is among the targets, else the account's link_pattern —
// and checks a known Weibo link against the account's safe_domain.
func Problems(itemID int64, c tongfa.Content, targets []tongfa.Account) []Problem {
	website := slices.ContainsFunc(targets, func(a tongfa.Account) bool { return a.Platform == tongfa.PlatformWebsite })
	var out []Problem
	for _, a := range targets {
		link, known := LinkFor(itemID, a.Settings, website)
		msg := ""
		if _, err := For(a.Platform, itemID, c, link, a.Settings); err != nil {
			msg = err.Error()
		} else if a.Platform == tongfa.PlatformWeibo && known {
			msg = safeDomainError(link, a.Settings["safe_domain"])
		}
		if msg != "" {
			out = append(out, Problem{AccountID: a.ID, Platform: a.Platform, Account: a.Name, Message: msg})
		}
	}
	return out
}

// LinkFor is the public link a channel's post will carry, as the worker
// finds it: the website article when the item also goes to a website
// (not known before it is published: known is false), else the account's
// link_pattern with the item id, else none.
func LinkFor(itemID int64, settings map[string]string, website bool) (link string, known bool) {
	if website {
		return websiteLink, false
	}
	if p := settings["link_pattern"]; p != "" {
		return strings.ReplaceAll(p, "{id}", fmt.Sprint(itemID)), true
	}
	return "", false
}

// safeDomainError says why Weibo would refuse link under domain ("" when
// it would not): the link must be on the safe domain of the account's app.
func safeDomainError(link, domain string) string {
	if domain == "" {
		return ""
	}
	u, err := url.Parse(link)
	if err == nil && (u.Hostname() == domain || strings.HasSuffix(u.Hostname(), "."+domain)) {
		return ""
	}
	return fmt.Sprintf("链接 %s 不在微博应用的安全域名 %s 下，请修改账号的 link_pattern 或改为同时发布到政府网站", link, domain)
}
