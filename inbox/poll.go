package inbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/weibo"
	"github.com/tongfa/tongfa/secret"
)

// Lister lists what the public wrote to an app or website account.
type Lister interface {
	Comments(ctx context.Context, acc connectors.Account, since string, limit int) ([]connectors.Comment, string, error)
}

// ArticleComments lists the comments of one published WeChat article.
type ArticleComments interface {
	Comments(ctx context.Context, acc connectors.Account, msgDataID string, begin int) ([]connectors.Comment, int, error)
}

// CommentWindow is how long after publication a WeChat article's
// comments are polled.
const CommentWindow = 30 * 24 * time.Hour

// Poller reads comments from the platforms that are polled (Weibo's
// comments/to_me, the app's and website's lists, the comments of WeChat
// articles; WeChat messages are pushed and come through Intake). Each account's cursor is stored with the page it read, in one
// transaction, so a restart neither skips nor re-reads.
type Poller struct {
	Inbox   *Service
	Box     *secret.Box
	Weibo   *weibo.Client
	WeChat  ArticleComments
	Douyin  ArticleComments // a Douyin post's comments, listed per post like an article's
	App     Lister
	Website Lister
	Log     *slog.Logger
}

// polled are the platforms whose comments are polled.
var polled = map[tongfa.Platform]bool{tongfa.PlatformWeibo: true, tongfa.PlatformApp: true, tongfa.PlatformWebsite: true,
	tongfa.PlatformWeChat: true, tongfa.PlatformDouyin: true}

// pageSize is how many items one app or website poll asks for.
const pageSize = 200

// Poll polls every active account of the polled platforms and returns how
// many new messages arrived. One account's failure does not stop the
// others; the errors are returned together.
func (p *Poller) Poll(ctx context.Context) (int, error) {
	accounts, err := p.Inbox.DB.ActiveAccounts(ctx, nil)
	if err != nil {
		return 0, err
	}
	total := 0
	var errs []error
	for i := range accounts {
		if !polled[accounts[i].Platform] {
			continue
		}
		n, err := p.PollAccount(ctx, &accounts[i])
		total += n
		if err != nil {
			errs = append(errs, fmt.Errorf("account %d: %w", accounts[i].ID, err))
		}
	}
	return total, errors.Join(errs...)
}

// PollAccount reads one account until it is up to date.
func (p *Poller) PollAccount(ctx context.Context, acc *tongfa.Account) (int, error) {
	cacc, err := connectors.Connect(p.Box, acc)
	if err != nil {
		return 0, err
	}
	if acc.Platform == tongfa.PlatformWeChat || acc.Platform == tongfa.PlatformDouyin {
		return p.pollArticles(ctx, acc, cacc)
	}
	source := string(acc.Platform) + ":comments"
	cursor, err := p.Inbox.DB.Cursor(ctx, acc.ID, source)
	if err != nil {
		return 0, err
	}
	total := 0
	for {
		list, next, err := p.list(ctx, cacc, cursor)
		if err != nil {
			return total, err
		}
		if len(list) == 0 && next == cursor {
			return total, nil
		}
		fresh, err := p.Inbox.IngestPolled(ctx, acc, source, next, incoming(acc, list))
		if err != nil {
			return total, err
		}
		total += len(fresh)
		cursor = next
		if acc.Platform == tongfa.PlatformWeibo || len(list) < pageSize {
			return total, nil // Weibo's list is read whole; a short page is the end
		}
	}
}

func (p *Poller) list(ctx context.Context, acc connectors.Account, cursor string) ([]connectors.Comment, string, error) {
	switch acc.Platform {
	case tongfa.PlatformWeibo:
		since, _ := strconv.ParseInt(cursor, 10, 64)
		list, next, err := p.Weibo.CommentsToMe(ctx, acc, since)
		return list, strconv.FormatInt(next, 10), err
	case tongfa.PlatformApp:
		return p.App.Comments(ctx, acc, cursor, pageSize)
	case tongfa.PlatformWebsite:
		return p.Website.Comments(ctx, acc, cursor, pageSize)
	}
	return nil, cursor, nil
}

// pollArticles reads the new comments of every article (WeChat) or post
// (Douyin) the account published in the last CommentWindow; each has its
// own cursor (the position in its comment list).
func (p *Poller) pollArticles(ctx context.Context, acc *tongfa.Account, cacc connectors.Account) (int, error) {
	lister, published := p.WeChat, p.Inbox.DB.PublishedArticles
	if acc.Platform == tongfa.PlatformDouyin {
		lister, published = p.Douyin, p.Inbox.DB.PublishedPosts
	}
	if lister == nil {
		return 0, nil
	}
	ids, err := published(ctx, acc.ID, p.Inbox.DB.Now().Add(-CommentWindow))
	if err != nil {
		return 0, err
	}
	total := 0
	for _, id := range ids {
		source := string(acc.Platform) + ":comments:" + id
		cursor, err := p.Inbox.DB.Cursor(ctx, acc.ID, source)
		if err != nil {
			return total, err
		}
		begin, _ := strconv.Atoi(cursor)
		list, next, err := lister.Comments(ctx, cacc, id, begin)
		if err != nil {
			return total, err
		}
		if next == begin && cursor != "" {
			continue
		}
		fresh, err := p.Inbox.IngestPolled(ctx, acc, source, strconv.Itoa(next), incoming(acc, list))
		if err != nil {
			return total, err
		}
		total += len(fresh)
	}
	return total, nil
}

// incoming turns a polled page into messages of acc.
func incoming(acc *tongfa.Account, list []connectors.Comment) []Incoming {
	ins := make([]Incoming, 0, len(list))
	for _, c := range list {
		ins = append(ins, Incoming{Account: acc, Kind: c.Kind, PlatformMsgID: c.ID, PostID: c.PostID, Author: c.User, Body: c.Text, At: c.CreatedAt})
	}
	return ins
}
