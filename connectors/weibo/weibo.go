// Package weibo publishes to Weibo through its open API: statuses/share
// (the text must carry a link under the app's safe domain — the item's
// website URL), statuses/destroy, user_timeline for verification, token
// info and refresh. Errors come as {"error":…,"error_code":…}.
package weibo

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
)

// DefaultAPI is Weibo's real API.
const DefaultAPI = "https://api.weibo.com"

// Client is the Weibo connector. Refreshed access tokens are kept in
// Redis, shared by every worker, until the account's stored one is updated.
type Client struct {
	HTTP  *http.Client
	Redis redis.UniversalClient // optional
	// Library, when set, gives a library cover (/media/<hash>), posted as
	// the status's picture in Weibo's copy.
	Library connectors.MediaSource
}

var _ connectors.Publisher = (*Client)(nil)

// New returns a Weibo connector.
func New(hc *http.Client, rdb redis.UniversalClient) *Client { return &Client{HTTP: hc, Redis: rdb} }

type status struct {
	ID        int64  `json:"id"`
	IDStr     string `json:"idstr"`
	Text      string `json:"text"`
	CreatedAt string `json:"created_at"`
}

// Steps this connector saves.
const (
	StepSent     = "sent"      // RFC 3339 time of the first share request: from then on, verify before sharing
	StepStatusID = "status_id" // the status, once Weibo confirmed it
	stepRepeated = "repeated"  // Weibo answered 20019 once already
)

// Publish shares the status once. The step "sent" is saved before the
// first request so a worker taking over knows the platform may have it.
func (c *Client) Publish(ctx context.Context, p *connectors.Post, s connectors.Steps) (connectors.Receipt, error) {
	if id, ok := s.Get(StepStatusID); ok {
		return receipt(p.Account, id), nil
	}
	if err := checkLink(p); err != nil {
		return connectors.Receipt{}, err
	}
	pic, err := c.picture(ctx, p.Payload.Cover)
	if err != nil {
		return connectors.Receipt{}, err
	}
	_, resent := s.Get(StepSent)
	if !resent {
		if err := s.Save(ctx, StepSent, time.Now().UTC().Format(time.RFC3339)); err != nil {
			return connectors.Receipt{}, err
		}
	}
	form := url.Values{"status": {p.Payload.Text}}
	if ip := p.Account.Settings["rip"]; ip != "" {
		form.Set("rip", ip) // the real client IP Weibo asks for
	}
	var st status
	err = connectors.Ambiguous(c.callWith(ctx, p.Account, http.MethodPost, "/2/statuses/share.json", form, pic, &st))
	if err != nil {
		return connectors.Receipt{}, c.repeated(ctx, s, resent, err)
	}
	return saved(ctx, p.Account, s, st)
}

// picture reads a library cover as Weibo's copy; anything else posts no
// picture (Weibo is never asked to fetch a URL).
func (c *Client) picture(ctx context.Context, cover string) (*connectors.MediaFile, error) {
	h, ok := tongfa.ParseMediaRef(cover)
	if !ok || c.Library == nil {
		return nil, nil
	}
	f, err := c.Library.Picture(ctx, h, "weibo")
	if err != nil {
		return nil, connectors.MediaError("weibo", h, err)
	}
	return &f, nil
}

// repeated handles 20019 "repeated text": after an earlier attempt of
// ours it probably means the status is there, so verify (once); on a
// first attempt the office really did post this text already.
func (c *Client) repeated(ctx context.Context, s connectors.Steps, resent bool, err error) error {
	ce, ok := err.(*connectors.Error)
	if !ok || ce.Code != "20019" {
		return err
	}
	if _, again := s.Get(stepRepeated); again || !resent {
		return err
	}
	if err := s.Save(ctx, stepRepeated, "1"); err != nil {
		return err
	}
	return &connectors.Error{Class: connectors.Unconfirmed, Platform: "weibo", Code: ce.Code, Message: "微博提示内容重复，需核实是否已由此前的尝试发布"}
}

// checkLink refuses, before any request, a status Weibo would refuse: it
// must link to the item's page under the account's safe domain.
func checkLink(p *connectors.Post) error {
	link := p.Payload.Link
	if link == "" || !strings.Contains(p.Payload.Text, link) {
		return &connectors.Error{Class: connectors.Permanent, Platform: "weibo", Message: "微博内容须包含稿件在政府网站上的链接"}
	}
	domain := p.Account.Settings["safe_domain"]
	u, err := url.Parse(link)
	if domain != "" && (err != nil || !(u.Hostname() == domain || strings.HasSuffix(u.Hostname(), "."+domain))) {
		return &connectors.Error{Class: connectors.Permanent, Platform: "weibo",
			Message: fmt.Sprintf("链接 %s 不在微博应用的安全域名 %s 下", link, domain)}
	}
	return nil
}

func saved(ctx context.Context, acc connectors.Account, s connectors.Steps, st status) (connectors.Receipt, error) {
	id := st.IDStr
	if id == "" {
		id = fmt.Sprint(st.ID)
	}
	if id == "" || id == "0" {
		return connectors.Receipt{}, &connectors.Error{Class: connectors.Unconfirmed, Platform: "weibo", Message: "微博应答缺少微博编号，需核实"}
	}
	if err := connectors.NoteSteps(ctx, s, StepStatusID, id); err != nil {
		return connectors.Receipt{}, err
	}
	return receipt(acc, id), nil
}

// DefaultStatusPage is where readers see a status: the page URL is this
// followed by the status id. The account setting status_page replaces it
// (the demo points it at the simulator's pages).
const DefaultStatusPage = "https://m.weibo.cn/status/"

func receipt(acc connectors.Account, id string) connectors.Receipt {
	page := cmp.Or(acc.Settings["status_page"], DefaultStatusPage)
	return connectors.Receipt{PlatformPostID: id, URL: page + id, DeliveredAt: time.Now()}
}

// Withdraw deletes the status; one already gone counts as withdrawn.
func (c *Client) Withdraw(ctx context.Context, p *connectors.Post, r connectors.Receipt) error {
	err := c.call(ctx, p.Account, http.MethodPost, "/2/statuses/destroy.json", url.Values{"id": {r.PlatformPostID}}, nil)
	if ce, ok := err.(*connectors.Error); ok && ce.Code == "20101" {
		return nil
	}
	return err
}

// TokenWarning is how long before expiry an account's token should be
// renewed by an administrator (Weibo tokens cannot always be refreshed).
const TokenWarning = 7 * 24 * time.Hour

// TokenExpiry asks Weibo (oauth2/get_token_info) when the account's token
// expires, for the 7-day warning.
func (c *Client) TokenExpiry(ctx context.Context, acc connectors.Account) (time.Time, error) {
	var info struct {
		ExpireIn int64 `json:"expire_in"`
	}
	if err := c.call(ctx, acc, http.MethodPost, "/oauth2/get_token_info", url.Values{}, &info); err != nil {
		return time.Time{}, err
	}
	return time.Now().Add(time.Duration(info.ExpireIn) * time.Second), nil
}
