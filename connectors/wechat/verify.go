package wechat

import (
	"context"
	"strconv"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/freepublish"

	"github.com/tongfa/tongfa/connectors"
)

// Verify finds out whether an earlier attempt published the article: by
// its publish id when that was saved. Otherwise, if a submit may have gone
// out, the draft box tells first — a draft still there was never taken, so
// publishing again is safe — and a vanished draft is looked for among the
// articles published since the first submit (same title and 阅读原文 link).
// Reads are retried in place (connectors.Reread).
func (c *Client) Verify(ctx context.Context, p *connectors.Post, s connectors.Steps) (connectors.Receipt, bool, error) {
	if id, ok := s.Get(StepArticleID); ok {
		u, _ := s.Get(StepURL)
		return connectors.Receipt{PlatformPostID: id, URL: u, DeliveredAt: time.Now()}, true, nil
	}
	sent, submitted := s.Get(StepSubmitSent)
	if !submitted {
		return connectors.Receipt{}, false, nil
	}
	a, err := c.account(p.Account)
	if err != nil {
		return connectors.Receipt{}, false, err
	}
	if _, ok := s.Get(StepPublishID); ok {
		return c.verifyStatus(ctx, a, s)
	}
	if taken, err := c.draftTaken(ctx, a, s); err != nil || !taken {
		return connectors.Receipt{}, false, err
	}
	since, _ := time.Parse(time.RFC3339, sent)
	if r, ok, err := c.search(ctx, a, p, s, since); ok || err != nil {
		return r, ok, err
	}
	return connectors.Receipt{}, false, c.notListed(since)
}

// verifyStatus asks freepublish/get once.
func (c *Client) verifyStatus(ctx context.Context, a *account, s connectors.Steps) (connectors.Receipt, bool, error) {
	pidStr, _ := s.Get(StepPublishID)
	pid, _ := strconv.ParseInt(pidStr, 10, 64)
	var st freepublish.PublishStatusList
	err := connectors.Reread(ctx, func() error {
		return a.retryToken("status", func() (e error) { st, e = a.oa.GetFreePublish().SelectStatus(pid); return })
	})
	if err != nil {
		return connectors.Receipt{}, false, err
	}
	r, done, err := c.settle(ctx, st, s)
	if !done && err == nil {
		return connectors.Receipt{}, false, stillPublishing()
	}
	return r, err == nil, err
}

func stillPublishing() error {
	return &connectors.Error{Class: connectors.RateLimited, Platform: "wechat", Code: "publishing",
		Message: "微信仍在处理发布，稍后再查", RetryAfter: 3 * time.Second}
}

// search looks for the article among those published since the first
// submit, newest first, a page of 20 at a time: on a busy account it may
// already be pages down.
func (c *Client) search(ctx context.Context, a *account, p *connectors.Post, s connectors.Steps, since time.Time) (connectors.Receipt, bool, error) {
	for offset := int64(0); offset < maxSearch; offset += 20 {
		var list freepublish.ArticleList
		err := connectors.Reread(ctx, func() error {
			return a.retryToken("list", func() (e error) { list, e = a.oa.GetFreePublish().Paginate(offset, 20, true); return })
		})
		if err != nil {
			return connectors.Receipt{}, false, err
		}
		id, url, older := match(list, p, since.Add(-time.Minute))
		if id != "" {
			r, err := found(ctx, s, id, url)
			return r, err == nil, err
		}
		if older || len(list.Item) < 20 {
			break
		}
	}
	return connectors.Receipt{}, false, nil
}

// maxSearch bounds how far back search pages.
const maxSearch = 2000

// match finds the post on one page; older reports that the page reached
// articles from before since, so later pages cannot hold it.
func match(list freepublish.ArticleList, p *connectors.Post, since time.Time) (id, url string, older bool) {
	for _, item := range list.Item {
		if time.Unix(item.UpdateTime, 0).Before(since) {
			older = true
			continue
		}
		for _, n := range item.Content.NewsItem {
			if n.Title == p.Payload.Title && n.ContentSourceURL == p.Payload.Link && !n.IsDeleted {
				return item.ArticleID, n.URL, older
			}
		}
	}
	return "", "", older
}

// draftTaken reports whether the draft left the draft box, which WeChat
// does when a submit is accepted.
func (c *Client) draftTaken(ctx context.Context, a *account, s connectors.Steps) (bool, error) {
	mediaID, _ := s.Get(StepDraft)
	err := connectors.Reread(ctx, func() error {
		return a.retryToken("draft_get", func() error { _, e := a.oa.GetDraft().GetDraft(mediaID); return e })
	})
	if ce, ok := err.(*connectors.Error); ok && ce.Code == "40007" {
		return true, nil
	}
	return false, err
}

// notListed is the answer for a taken draft that is not (yet) published:
// WeChat may still be processing it, or it failed, which WeChat does not
// list. Wait for it, and after VerifyFor ask a person rather than risk a
// second article.
func (c *Client) notListed(since time.Time) error {
	if time.Since(since) > c.VerifyFor {
		return &connectors.Error{Class: connectors.Permanent, Platform: "wechat", Code: "unverifiable",
			Message: "草稿已提交发布，但已发表列表中找不到该文章，请到公众平台核对后决定是否重发"}
	}
	return &connectors.Error{Class: connectors.RateLimited, Platform: "wechat", Code: "publishing",
		Message: "草稿已提交，等待微信处理完成后再核实", RetryAfter: 30 * time.Second}
}

// found saves and returns the receipt of a published article.
func found(ctx context.Context, s connectors.Steps, articleID, url string) (connectors.Receipt, error) {
	if err := connectors.NoteSteps(ctx, s, StepArticleID, articleID, StepURL, url); err != nil {
		return connectors.Receipt{}, err
	}
	return connectors.Receipt{PlatformPostID: articleID, URL: url, DeliveredAt: time.Now()}, nil
}
