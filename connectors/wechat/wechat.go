// Package wechat publishes to WeChat Official Accounts through
// github.com/silenceper/wechat/v2: cover and inline images uploaded, a draft
// added, the draft published with freepublish, and the result polled —
// each step checkpointed so a retry resumes where the last attempt stopped.
// Editions of up to eight articles are mass-sent to the followers
// (SendEdition, mass.go), the only way WeChat notifies them.
package wechat

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/silenceper/wechat/v2/officialaccount"
	oaconfig "github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/draft"
	"github.com/silenceper/wechat/v2/officialaccount/freepublish"
	"github.com/silenceper/wechat/v2/util"

	"github.com/tongfa/tongfa/connectors"
)

// Client is the WeChat connector, shared by every account of a process.
type Client struct {
	rdb    redis.UniversalClient
	cache  *RedisCache
	routes *routes
	images ImageSource // the images an article shows, to re-host on WeChat
	// Library, when set, gives the media library's files (/media/<hash>):
	// read from the store, fitted to WeChat's limits, never fetched by URL;
	// what each account received is remembered per account and hash.
	Library connectors.MediaSource
	// PollEvery and PollFor bound how long one attempt waits for WeChat to
	// finish publishing before handing back to the queue.
	PollEvery, PollFor time.Duration
	// VerifyFor is how long Verify keeps waiting for a submit whose answer
	// was lost to show up before it gives up and asks for a manual check.
	VerifyFor time.Duration
	// ConfirmWithin is how long a protected mass send waits for the
	// administrator (WeChat: 30 minutes); tests shorten it with the
	// simulator's.
	ConfirmWithin time.Duration
}

// Steps this connector saves, in order. Inline images are saved as
// "img:<digest of the source URL>" → the uploadimg URL.
const (
	StepThumb      = "thumb_media_id"
	StepDraft      = "draft_media_id"
	StepSubmitSent = "submit_sent" // RFC 3339 time of the first submit: from then on, verify before submitting
	StepPublishID  = "publish_id"
	StepArticleID  = "article_id"
	StepURL        = "url"
)

var _ connectors.Publisher = (*Client)(nil)

// New returns the connector. It installs the process-wide URI modifier and
// gives silenceper's HTTP client a timeout and failure tracing (its publish
// calls take no context). images reads the cover and inline images, which
// come from content: never a plain HTTP client (see connectors/media).
func New(rdb redis.UniversalClient, hc *http.Client, images ImageSource) *Client {
	install()
	util.DefaultHTTPClient = hc
	return &Client{rdb: rdb, cache: NewRedisCache(rdb, "tongfa:wechat:"), routes: globalRoutes, images: images,
		PollEvery: 300 * time.Millisecond, PollFor: 5 * time.Second, VerifyFor: 30 * time.Minute,
		ConfirmWithin: DefaultConfirmWithin}
}

// account is one Official Account as the library sees it.
type account struct {
	oa    *officialaccount.OfficialAccount
	token *tokenHandle
}

func (c *Client) account(acc connectors.Account) (*account, error) {
	appID, secret := acc.Credentials["app_id"], acc.Credentials["app_secret"]
	if appID == "" || secret == "" {
		return nil, &connectors.Error{Class: connectors.Permanent, Platform: "wechat", Message: "账号未配置 AppID 或 AppSecret"}
	}
	oa := officialaccount.NewOfficialAccount(&oaconfig.Config{AppID: appID, AppSecret: secret, Cache: c.cache})
	h := &tokenHandle{c: c, appID: appID, secret: secret, apiBase: acc.APIBase}
	oa.SetAccessTokenHandle(h)
	return &account{oa: oa, token: h}, nil
}

// retryToken runs fn, and once more after refreshing the token if WeChat
// refused it.
func (a *account) retryToken(step string, fn func() error) error {
	err := classify(step, fn())
	if connectors.ClassOf(err) == connectors.Token {
		a.token.invalidate()
		err = classify(step, fn())
	}
	return err
}

// Publish runs the steps that are not checkpointed yet.
func (c *Client) Publish(ctx context.Context, p *connectors.Post, s connectors.Steps) (connectors.Receipt, error) {
	if id, ok := s.Get(StepArticleID); ok {
		u, _ := s.Get(StepURL)
		return connectors.Receipt{PlatformPostID: id, URL: u, DeliveredAt: time.Now()}, nil
	}
	a, err := c.account(p.Account)
	if err != nil {
		return connectors.Receipt{}, err
	}
	if _, ok := s.Get(StepPublishID); !ok {
		if err := c.submit(ctx, a, p, s); err != nil {
			return connectors.Receipt{}, err
		}
	}
	return c.poll(ctx, a, s)
}

// submit uploads what is missing, adds the draft and publishes it.
func (c *Client) submit(ctx context.Context, a *account, p *connectors.Post, s connectors.Steps) error {
	mediaID, err := c.draft(ctx, a, p, s)
	if err != nil {
		return err
	}
	// From here on WeChat may publish: a worker taking over must look
	// before it submits again.
	_, resent := s.Get(StepSubmitSent)
	if !resent {
		if err := s.Save(ctx, StepSubmitSent, time.Now().UTC().Format(time.RFC3339)); err != nil {
			return err
		}
	}
	var pid int64
	err = a.retryToken("submit", func() (e error) { pid, e = a.oa.GetFreePublish().Publish(mediaID); return })
	if ce, ok := err.(*connectors.Error); ok && resent && ce.Code == "40007" {
		// A published draft leaves the draft box: an earlier submit of
		// ours may have taken it.
		return &connectors.Error{Class: connectors.Unconfirmed, Platform: "wechat", Code: ce.Code, Message: "草稿已不在草稿箱，可能已由此前的尝试发布，需核实"}
	}
	if err != nil {
		return err
	}
	// The publish id spares a search on takeover; losing it in a crash
	// costs only that search (see Verify), so it waits for the outcome.
	return connectors.NoteSteps(ctx, s, StepPublishID, strconv.FormatInt(pid, 10))
}

// draft returns the draft's media id, adding the draft (and uploading its
// images) unless an earlier attempt did.
func (c *Client) draft(ctx context.Context, a *account, p *connectors.Post, s connectors.Steps) (string, error) {
	return c.addDraft(ctx, a, StepDraft, s, []connectors.Payload{p.Payload}, func(connectors.Payload) string { return StepThumb })
}

// addDraft returns the media id saved under key, or adds a draft of the
// articles ps in order, each cover saved under thumbKey(article). A lost
// draft id costs only a new draft, so it is noted, not saved.
func (c *Client) addDraft(ctx context.Context, a *account, key string, s connectors.Steps, ps []connectors.Payload,
	thumbKey func(connectors.Payload) string) (string, error) {
	if id, ok := s.Get(key); ok {
		return id, nil
	}
	arts := make([]*draft.Article, 0, len(ps))
	for _, p := range ps {
		art, err := c.article(ctx, a, p, thumbKey(p), s)
		if err != nil {
			return "", err
		}
		arts = append(arts, art)
	}
	var id string
	err := a.retryToken("draft", func() (e error) { id, e = a.oa.GetDraft().AddDraft(arts); return })
	if err != nil {
		return "", err
	}
	return id, connectors.NoteSteps(ctx, s, key, id)
}

// firstPoll is the first wait between publish status polls.
const firstPoll = 40 * time.Millisecond

// poll asks WeChat how the publish went until it finishes or PollFor runs
// out; an unfinished publish goes back to the queue without counting as a
// failure.
func (c *Client) poll(ctx context.Context, a *account, s connectors.Steps) (connectors.Receipt, error) {
	pidStr, _ := s.Get(StepPublishID)
	pid, _ := strconv.ParseInt(pidStr, 10, 64)
	deadline := time.Now().Add(c.PollFor)
	// Ask again soon at first — most publishes finish quickly — then back
	// off to PollEvery.
	wait := min(firstPoll, c.PollEvery)
	for {
		// A status read changes nothing: a failed one is asked again in
		// place rather than costing the delivery a retry.
		var st freepublish.PublishStatusList
		err := connectors.Reread(ctx, func() error {
			return a.retryToken("status", func() (e error) { st, e = a.oa.GetFreePublish().SelectStatus(pid); return })
		})
		if err != nil {
			return connectors.Receipt{}, err
		}
		r, done, err := c.settle(ctx, st, s)
		if done || err != nil {
			return r, err
		}
		if time.Now().After(deadline) {
			return connectors.Receipt{}, stillPublishing()
		}
		select {
		case <-ctx.Done():
			return connectors.Receipt{}, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, c.PollEvery)
	}
}

// settle turns a publish status into a receipt, a permanent failure, or
// "not yet" (done=false).
func (c *Client) settle(ctx context.Context, st freepublish.PublishStatusList, s connectors.Steps) (connectors.Receipt, bool, error) {
	switch st.PublishStatus {
	case freepublish.PublishStatusSuccess:
		url := ""
		if len(st.ArticleDetail.Items) > 0 {
			url = st.ArticleDetail.Items[0].ArticleURL
		}
		r, err := found(ctx, s, st.ArticleID, url)
		return r, true, err
	case freepublish.PublishStatusPublishing:
		return connectors.Receipt{}, false, nil
	}
	msg, ok := publishFailures[st.PublishStatus]
	if !ok {
		msg = fmt.Sprintf("微信发布失败（状态 %d）", st.PublishStatus)
	}
	return connectors.Receipt{}, true, &connectors.Error{Class: connectors.Permanent, Platform: "wechat",
		Code: fmt.Sprintf("publish_status_%d", st.PublishStatus), Message: msg}
}

var publishFailures = map[freepublish.PublishStatus]string{
	freepublish.PublishStatusOriginalFail: "微信发布失败：原创声明未通过",
	freepublish.PublishStatusFail:         "微信发布失败（常规失败），请在公众平台查看原因",
	freepublish.PublishStatusAuditRefused: "微信平台审核不通过",
	freepublish.PublishStatusUserDeleted:  "文章发布成功后已被删除",
	freepublish.PublishStatusSystemBanned: "文章发布成功后被系统封禁",
}

// Withdraw deletes the published article (all its parts).
func (c *Client) Withdraw(ctx context.Context, p *connectors.Post, r connectors.Receipt) error {
	a, err := c.account(p.Account)
	if err != nil {
		return err
	}
	err = a.retryToken("delete", func() error { return a.oa.GetFreePublish().Delete(r.PlatformPostID, 0) })
	if ce, ok := err.(*connectors.Error); ok && ce.Code == "53600" {
		return nil // already gone (deleted before, here or on the platform)
	}
	return err
}
