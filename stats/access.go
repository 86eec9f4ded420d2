package stats

import (
	"context"
	"fmt"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
)

// Items finds the items a principal may read (items.Service): an item's
// figures are shown to whoever may read the item.
type Items interface {
	Get(ctx context.Context, p *access.Principal, id int64) (*tongfa.Item, error)
}

// DefaultRange is the period of an account's figures when the caller
// names none: the 30 days up to yesterday.
const DefaultRange = 30

// ItemStatsFor is ItemStats for a principal: another unit's item, or one
// p may not read, is not found.
func (s *Service) ItemStatsFor(ctx context.Context, p *access.Principal, itemID int64) (*ItemStats, error) {
	if s.Items == nil {
		return nil, fmt.Errorf("stats: the service has no Items to decide who reads item %d", itemID)
	}
	if _, err := s.Items.Get(ctx, p, itemID); err != nil {
		return nil, err
	}
	return s.ItemStats(ctx, itemID)
}

// AccountStatsFor is AccountStats for a principal over the China dates
// from (inclusive) and to (exclusive), YYYY-MM-DD; either may be empty:
// to defaults to today, from to DefaultRange days before to. An account
// of a unit p may not read is not found.
func (s *Service) AccountStatsFor(ctx context.Context, p *access.Principal, accountID int64, from, to string) (*AccountStats, error) {
	a, err := s.DB.Account(ctx, accountID)
	if err != nil || !p.Tree.CanRead(p.User, a.UnitID) {
		return nil, fmt.Errorf("stats: account %d: %w", accountID, tongfa.ErrNotFound)
	}
	end, err := dateParam("to", to, DayOf(s.DB.Now()))
	if err != nil {
		return nil, err
	}
	begin, err := dateParam("from", from, end.AddDate(0, 0, -DefaultRange))
	if err != nil {
		return nil, err
	}
	return s.AccountStats(ctx, a.ID, begin, end)
}

// dateParam reads a query's date, def when it is empty.
func dateParam(name, v string, def time.Time) (time.Time, error) {
	if v == "" {
		return def, nil
	}
	d, err := ParseDate(v)
	if err != nil {
		return d, &tongfa.Error{Code: tongfa.EInvalid, Message: "查询参数不正确",
			Fields: map[string]string{name: "日期格式应为 2026-01-02"}}
	}
	return d, nil
}
