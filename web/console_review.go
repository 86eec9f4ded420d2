package web

import (
	"context"
	"html/template"
	"net/http"
	"slices"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/items"
	"github.com/tongfa/tongfa/review"
	"github.com/tongfa/tongfa/sanitize"
)

// reviewCard is one item in the signer's queue: exactly the version they
// sign (its hash goes back with the signature), why it needs this tier,
// what the checker found and what changed since the previous version.
type reviewCard struct {
	Item        *tongfa.Item
	UnitName    string
	Author      *tongfa.User
	Role        tongfa.Role
	Leader      bool
	Reasons     []review.Reason
	Findings    []items.FieldFinding
	Body        template.HTML
	Diff        []diffOp
	PrevVersion int
	Urgent      bool
	Deadline    time.Time
	Remaining   int64
	ClockState  string
	// DeadlineEstimated marks a deadline counted without the year's
	// holiday notice (按法定节日估算).
	DeadlineEstimated bool
}

// reviewsView is the signer's queue: items, then answers to messages
// from the public (signed through POST /api/v1/answers/{id}/signoff).
type reviewsView struct {
	Cards   []reviewCard
	Answers []answerCard
}

// consoleReviews renders the queue of GET /api/v1/reviews, urgent items on
// top by the time they have left. Signing posts to /api/v1/items/{id}/signoffs.
func (s *Server) consoleReviews(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p := r.Context(), principal(r)
	queue, err := s.Review.Queue(ctx, p)
	if err != nil {
		return err
	}
	var d reviewsView
	for _, q := range queue {
		c, err := s.reviewCard(ctx, p, q.ID)
		if err != nil {
			return err
		}
		d.Cards = append(d.Cards, c)
	}
	slices.SortStableFunc(d.Cards, urgentFirst)
	if v.Can.Sign {
		if d.Answers, err = s.answerCards(ctx, p, s.Now()); err != nil {
			return err
		}
	}
	v.Title, v.Nav, v.Data = "待我审签", "reviews", d
	return s.render(w, http.StatusOK, "reviews", "layout", v)
}

func urgentFirst(a, b reviewCard) int {
	switch {
	case a.Urgent != b.Urgent && a.Urgent:
		return -1
	case a.Urgent != b.Urgent:
		return 1
	case a.Urgent && !a.Deadline.Equal(b.Deadline):
		return a.Deadline.Compare(b.Deadline)
	}
	return 0
}

func (s *Server) reviewCard(ctx context.Context, p *access.Principal, id int64) (reviewCard, error) {
	it, err := s.Items.Get(ctx, p, id)
	if err != nil {
		return reviewCard{}, err
	}
	c := reviewCard{Item: it, UnitName: p.Tree.Name(it.UnitID), Author: s.person(ctx, it.AuthorID),
		Body: s.safeBody(it.Version.Content.Body), Findings: s.Items.Check(ctx, it.UnitID, it.Version.Content).Findings,
		Urgent: it.Version.Content.Urgency == tongfa.UrgencyUrgent}
	sub, err := s.Review.Active(ctx, p, id)
	if err != nil {
		return c, err
	}
	c.Reasons = reasonsOf(sub.Reasons)
	if it.Level >= 1 && it.Level <= len(sub.Chain) {
		c.Role = sub.Chain[it.Level-1]
		c.Leader = c.Role == tongfa.RoleDeputy || c.Role == tongfa.RolePrincipal
	}
	if it.VersionNumber > 1 {
		prev, err := s.Items.Version(ctx, p, id, it.VersionNumber-1)
		if err != nil {
			return c, err
		}
		if ops := textDiff(reviewText(prev.Content), reviewText(it.Version.Content)); changed(ops) {
			c.Diff, c.PrevVersion = ops, prev.Number
		}
	}
	if c.Urgent {
		s.clockOf(ctx, &c)
	}
	return c, nil
}

// clockOf sets the card's countdown: the earliest first-report deadline of
// a channel that has not published yet.
func (s *Server) clockOf(ctx context.Context, c *reviewCard) {
	cl, err := s.Clocks.Status(ctx, c.Item.ID, s.Now())
	if err != nil {
		return
	}
	for _, ch := range cl.Channels {
		if ch.DeliveredAt == nil && (c.Deadline.IsZero() || ch.Deadline.Before(c.Deadline)) {
			c.Deadline, c.Remaining, c.ClockState = ch.Deadline, ch.Remaining, ch.State
			c.DeadlineEstimated = ch.DeadlineEstimated
		}
	}
}

// reviewText is what a signer compares between versions.
func reviewText(c tongfa.Content) string {
	out := "标题：" + c.Title + "\n"
	if c.Summary != "" {
		out += "摘要：" + c.Summary + "\n"
	}
	if src := c.Source; src != nil {
		out += "来源：" + src.Unit + " " + src.Author + "《" + src.Title + "》\n"
	}
	return out + "正文：\n" + sanitize.PlainText(c.Body)
}
