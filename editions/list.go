package editions

import (
	"context"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
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
