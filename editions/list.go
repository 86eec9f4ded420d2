package editions

import (
	"context"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/connectors/wechat"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/validate"
)

// Filter selects what a list or the calendar shows: one unit p reads (0:
// every unit p reads), one account (0: all), planned in [From, To).
type Filter struct {
	UnitID    int64
	AccountID int64
	From, To  time.Time
}

// scope turns f into the store's filter within what p reads; a unit or
// an account p may not read answers not found.
func (s *Service) scope(ctx context.Context, p *access.Principal, f Filter) (store.EditionFilter, error) {
	if f.To.IsZero() || !f.To.After(f.From) {
		return store.EditionFilter{}, validate.Invalid("to", "结束时间应晚于开始时间")
	}
	if f.To.Sub(f.From) > 100*24*time.Hour {
		return store.EditionFilter{}, validate.Invalid("to", "一次最多查看 100 天")
	}
	out := store.EditionFilter{AccountID: f.AccountID, From: f.From, To: f.To}
	switch {
	case f.UnitID != 0 && !p.Tree.CanRead(p.User, f.UnitID):
		return out, notFound("unit", f.UnitID, nil)
	case f.UnitID != 0:
		out.Units = []int64{}
		for _, u := range p.Tree.Subtree(f.UnitID) {
			if p.Tree.CanRead(p.User, u) {
				out.Units = append(out.Units, u)
			}
		}
	default:
		out.Units = p.Tree.Readable(p.User)
	}
	if f.AccountID != 0 {
		acc, err := s.DB.Account(ctx, f.AccountID)
		if err != nil || !p.Tree.CanRead(p.User, acc.UnitID) {
			return out, notFound("account", f.AccountID, err)
		}
	}
	return out, nil
}

// List returns the editions planned in the filter's span, by time.
func (s *Service) List(ctx context.Context, p *access.Principal, f Filter) ([]store.EditionSummary, error) {
	sf, err := s.scope(ctx, p, f)
	if err != nil {
		return nil, err
	}
	return s.DB.Editions(ctx, sf)
}

// Entries returns the items' deliveries due, delivered or failed in the
// filter's span (the calendar).
func (s *Service) Entries(ctx context.Context, p *access.Principal, f Filter) ([]store.CalendarEntry, error) {
	sf, err := s.scope(ctx, p, f)
	if err != nil {
		return nil, err
	}
	return s.DB.CalendarEntries(ctx, sf)
}

// MayAssemble reports whether p may assemble editions for acc's unit.
func MayAssemble(p *access.Principal, acc *tongfa.Account) bool {
	return p.Tree.Has(p.User, acc.UnitID, tongfa.RoleEditor)
}

// Rights are what p may do with an edition (the console's buttons; the
// actions decide again).
type Rights struct{ Confirm, Cancel, Preview bool }

// RightsOn returns p's rights on e.
func RightsOn(p *access.Principal, e *store.Edition) Rights {
	return Rights{
		Confirm: e.State == "draft" && signer(p, e.UnitID),
		Cancel:  mayCancel(p, e) == nil,
		Preview: worksOn(p, e.UnitID) && e.State != "cancelled",
	}
}

// Calendar is what the content calendar shows of a span: the accounts in
// scope, their items' deliveries (from 7 days before the span, for the
// update-frequency windows), the editions, and each mass-mode account's
// quota left at now.
type Calendar struct {
	Accounts []tongfa.Account
	Entries  []store.CalendarEntry
	Editions []store.EditionSummary
	Quotas   map[int64]wechat.Quota
}

// CalendarOf reads the calendar of f for p.
func (s *Service) CalendarOf(ctx context.Context, p *access.Principal, f Filter, now time.Time) (*Calendar, error) {
	sf, err := s.scope(ctx, p, f)
	if err != nil {
		return nil, err
	}
	c := &Calendar{Quotas: map[int64]wechat.Quota{}}
	accounts, err := s.DB.ActiveAccounts(ctx, sf.Units)
	if err != nil {
		return nil, err
	}
	for _, a := range accounts {
		if f.AccountID != 0 && a.ID != f.AccountID {
			continue
		}
		c.Accounts = append(c.Accounts, a)
		if a.MassMode() {
			if q, err := s.Quotas.Left(ctx, &a, now); err == nil {
				c.Quotas[a.ID] = q
			}
		}
	}
	if c.Editions, err = s.DB.Editions(ctx, sf); err != nil {
		return nil, err
	}
	sf.From = sf.From.AddDate(0, 0, -7)
	if c.Entries, err = s.DB.CalendarEntries(ctx, sf); err != nil {
		return nil, err
	}
	return c, nil
}

// Candidate is an approved item that may join an edition of an account.
type Candidate = store.EditionCandidate

// Candidates lists the items whose delivery to acc waits, outside any
// edition: what an editor may assemble.
func (s *Service) Candidates(ctx context.Context, p *access.Principal, accountID int64) ([]Candidate, error) {
	acc, err := s.DB.Account(ctx, accountID)
	if err != nil || !p.Tree.CanRead(p.User, acc.UnitID) {
		return nil, notFound("account", accountID, err)
	}
	all, err := s.DB.EditionCandidates(ctx, accountID)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, c := range all {
		if p.Tree.CanRead(p.User, c.UnitID) {
			out = append(out, c)
		}
	}
	return out, nil
}
