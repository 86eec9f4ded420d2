package web

import (
	"context"
	"html/template"
	"net/http"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/render"
	"github.com/tongfa/tongfa/items"
)

// previewLink stands in for the item's website URL, which exists only once
// the website has published it; Weibo's count includes it.
const previewLink = "https://www.example.gov.cn/art/preview.html"

// channelPreview is what one channel would publish, rendered by the same
// code the delivery worker uses (connectors/render).
type channelPreview struct {
	Label       string
	AccountName string
	AccountID   int64
	UnitID      int64 // the account's
	Platform    tongfa.Platform
	Payload     connectors.Payload
	HTML        template.HTML
	Count       int // Weibo characters
	Limit       int
	Error       string
	// Problem is why this channel would certainly refuse the item
	// (render.Problems): submission is refused until it is fixed.
	Problem string
}

type previewsView struct {
	Previews []channelPreview
	Error    string
	Fields   map[string]string
	Check    *precheck // the compose preview's whole-item check (nil elsewhere)
}

// previewPlatforms are shown when no target account is chosen yet.
var previewPlatforms = []tongfa.Platform{tongfa.PlatformWeChat, tongfa.PlatformWeibo, tongfa.PlatformApp, tongfa.PlatformWebsite}

// previews renders c for each target account (or each platform, with
// default settings, when there are no targets yet).
func (s *Server) previews(ctx context.Context, p *access.Principal, itemID int64, c tongfa.Content) []channelPreview {
	var out []channelPreview
	var accounts []tongfa.Account
	for _, id := range c.Targets {
		a, err := s.Registry.Target(ctx, p, id)
		if err != nil {
			continue
		}
		accounts = append(accounts, *a)
		out = append(out, s.preview(itemID, c, a))
	}
	for _, pr := range render.Problems(itemID, c, accounts) {
		for i := range out {
			if out[i].AccountID == pr.AccountID {
				out[i].Problem = pr.Message
			}
		}
	}
	if len(out) == 0 {
		for _, pl := range previewPlatforms {
			out = append(out, s.preview(itemID, c, &tongfa.Account{Platform: pl}))
		}
	}
	return out
}

func (s *Server) preview(itemID int64, c tongfa.Content, a *tongfa.Account) channelPreview {
	pv := channelPreview{Label: a.Platform.Label(), AccountName: a.Name, AccountID: a.ID, UnitID: a.UnitID, Platform: a.Platform}
	p, err := render.For(a.Platform, itemID, c, previewLink, a.Settings)
	if err != nil {
		pv.Error = err.Error()
		return pv
	}
	pv.Payload, pv.HTML = p, template.HTML(s.Items.HTML.HTML(p.HTML)) //nolint:gosec // sanitized here
	if a.Platform == tongfa.PlatformWeibo {
		pv.Count, pv.Limit = render.WeiboLen(p.Text), render.WeiboLength
	}
	return pv
}

// consolePreview renders the compose form's content per channel (an htmx-
// style fragment the compose page fetches after each check). The content
// goes through the same validation and sanitizing as a save.
func (s *Server) consolePreview(w http.ResponseWriter, r *http.Request, v *view) error {
	var in items.Input
	var d previewsView
	err := s.decode(w, r, &in)
	var c tongfa.Content
	if err == nil {
		c, err = s.Items.Content(&in)
	}
	if err != nil {
		d.Error = tongfa.ErrorMessage(err) + "（错误代码：" + tongfa.ErrorCode(err) + "）"
		if e, ok := err.(*tongfa.Error); ok {
			d.Fields = e.Fields
		}
	} else {
		d.Previews = s.previews(r.Context(), principal(r), 0, c)
		d.Check = s.precheckOf(r.Context(), principal(r), in.UnitID, c)
	}
	return s.renderData(w, http.StatusOK, "compose", "previews", d)
}
