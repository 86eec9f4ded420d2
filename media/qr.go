package media

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/tongfa/tongfa/media/attach"
	"github.com/tongfa/tongfa/sensitive"
)

// AllowList is a unit's allow-listed domains. An entry allows itself and
// its subdomains: gov.cn allows www.hebi.gov.cn.
type AllowList []string

// Allows reports whether host is on the list.
func (a AllowList) Allows(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	for _, d := range a {
		d = strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(strings.TrimSpace(d)), "*"), ".")
		if d != "" && (host == d || strings.HasSuffix(host, "."+d)) {
			return true
		}
	}
	return false
}

// QRFindings returns a review-level finding for each QR code whose link
// leads outside allowed, or that holds no link at all (what it says is
// shown for a person to judge). A QR code is a link a reader follows with
// a phone: it is treated as a link in the body would be.
func QRFindings(codes []string, allowed AllowList) []Finding {
	var out []Finding
	for i, code := range codes {
		loc := fmt.Sprintf("二维码 %d", i+1)
		u := qrURL(code)
		switch {
		case u == nil:
			out = append(out, qrFinding(loc, code, "", "图片中的二维码内容不是网址："+clip(code)+"，请核对"))
		case !allowed.Allows(u.Hostname()):
			host := strings.ToLower(u.Hostname())
			out = append(out, qrFinding(loc, code, host, fmt.Sprintf("图片中的二维码指向 %s（%s），不在本单位允许的域名内，请核对", host, clip(code))))
		}
	}
	return out
}

func qrFinding(loc, text, rule, suggestion string) Finding {
	return Finding{Location: loc, Finding: sensitive.Finding{Kind: attach.KindMedia, Category: attach.CategoryQRLink,
		Level: sensitive.LevelReview, Text: text, Rule: rule, Suggestion: suggestion}}
}

// qrURL reads a QR code's content as an http(s) link; a bare domain
// (www.example.com/x) counts, as phones open it.
func qrURL(code string) *url.URL {
	code = strings.TrimSpace(code)
	lower := strings.ToLower(code)
	if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
		if strings.ContainsAny(code, " \n") || !strings.Contains(strings.SplitN(code, "/", 2)[0], ".") {
			return nil
		}
		code = "http://" + code
	}
	u, err := url.Parse(code)
	if err != nil || u.Hostname() == "" {
		return nil
	}
	return u
}

func clip(s string) string {
	if r := []rune(s); len(r) > 80 {
		return string(r[:80]) + "…"
	}
	return s
}
