package weibo

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tongfa/tongfa/connectors"
)

// Verify finds out whether an earlier attempt shared the status. Weibo has
// no idempotency key and rewrites links to t.cn short links, so it pages
// through the account's statuses, newest first, back to the first attempt,
// for one whose text equals ours once links are set aside. (An invisible
// marker in the text would cost characters and survive copy-paste.)
func (c *Client) Verify(ctx context.Context, p *connectors.Post, s connectors.Steps) (connectors.Receipt, bool, error) {
	if id, ok := s.Get(StepStatusID); ok {
		return receipt(p.Account, id), true, nil
	}
	sent, ok := s.Get(StepSent)
	if !ok {
		return connectors.Receipt{}, false, nil // never sent
	}
	since, _ := time.Parse(time.RFC3339, sent)
	want := withoutLinks(p.Payload.Text)
	for page := 1; page <= maxPages; page++ {
		var tl struct {
			Statuses []status `json:"statuses"`
		}
		q := url.Values{"count": {"100"}, "page": {strconv.Itoa(page)}, "trim_user": {"1"}}
		// A read changes nothing: a failed page is asked again in place,
		// or a busy account's verification would rarely get through.
		err := connectors.Reread(ctx, func() error {
			return c.call(ctx, p.Account, http.MethodGet, "/2/statuses/user_timeline.json", q, &tl)
		})
		if err != nil {
			return connectors.Receipt{}, false, err
		}
		st, older := match(tl.Statuses, want, since.Add(-time.Minute))
		if st != nil {
			r, err := saved(ctx, p.Account, s, *st)
			return r, err == nil, err
		}
		if older || len(tl.Statuses) < 100 {
			break
		}
	}
	return connectors.Receipt{}, false, nil
}

// maxPages bounds how far back Verify pages (Weibo serves about 2,000).
const maxPages = 20

// match finds the status on one page; older reports that the page reached
// statuses from before since.
func match(statuses []status, want string, since time.Time) (*status, bool) {
	older := false
	for i, st := range statuses {
		at, err := time.Parse(time.RubyDate, st.CreatedAt)
		if err == nil && at.Before(since) {
			older = true
			continue
		}
		if withoutLinks(st.Text) == want {
			return &statuses[i], older
		}
	}
	return nil, older
}

var linkRe = regexp.MustCompile(`https?://[^\s，。）)]+`)

func withoutLinks(s string) string {
	return strings.Join(strings.Fields(linkRe.ReplaceAllString(s, "\x00")), " ")
}
