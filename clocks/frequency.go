package clocks

import (
	"context"
	"fmt"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/notify"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/workday"
)

// Update-frequency states.
const (
	FreqOK       = "ok"
	FreqWarning  = "warning"  // will fall short unless something is published soon
	FreqBreached = "breached" // below the requirement now
)

// Frequency is one account's (or website column's) update standing (R6).
type Frequency struct {
	AccountID   int64           `json:"account_id"`
	AccountName string          `json:"account_name"`
	UnitID      int64           `json:"unit_id"`
	Platform    tongfa.Platform `json:"platform"`
	Column      string          `json:"column,omitempty"` // website: news, policy or other
	Required    int             `json:"required,omitempty"`
	Posts       int             `json:"posts_last_7_days"`
	LastPost    *time.Time      `json:"last_post,omitempty"`
	Deadline    *time.Time      `json:"deadline,omitempty"` // website column: when the gap becomes too long
	// DeadlineEstimated: a column limit in working days counted over a
	// year without the State Council notice.
	DeadlineEstimated bool   `json:"deadline_estimated,omitempty"`
	State             string `json:"state"`
	Message           string `json:"message"`
}

// columnOf maps an item category to the website column type R6 sets a
// limit for.
func columnOf(category string) string {
	switch category {
	case tongfa.CategoryNews:
		return "news"
	case tongfa.CategoryPolicy, tongfa.CategoryInterpretation:
		return "policy"
	}
	return "other"
}

// Frequencies computes the standing at now of every active account of the
// units p may read.
func (s *Service) Frequencies(ctx context.Context, p *access.Principal, now time.Time) ([]Frequency, error) {
	return s.frequencies(ctx, p.Tree.Readable(p.User), now)
}

// frequencies is Frequencies over units (nil: every unit, for the sweep).
// The whole scope is read in a few set-based statements (accounts, the
// units' policies, posts in the last 7 days, posts staying in the window
// WarnAhead from now, and the website columns' last posts), whatever its
// number of accounts.
func (s *Service) frequencies(ctx context.Context, units []int64, now time.Time) ([]Frequency, error) {
	accounts, err := s.DB.ActiveAccounts(ctx, units)
	if err != nil {
		return nil, err
	}
	pols, err := s.policiesOf(ctx, units)
	if err != nil {
		return nil, err
	}
	week := 7 * 24 * time.Hour
	var media, sites []int64
	var staying []time.Time
	for _, a := range accounts {
		pol, err := pols.For(ctx, a.UnitID)
		if err != nil {
			return nil, err
		}
		if a.Platform == tongfa.PlatformWebsite {
			sites = append(sites, a.ID)
			continue
		}
		media = append(media, a.ID)
		staying = append(staying, now.Add(pol.WarnAhead-week))
	}
	counts, err := s.DB.PostCounts(ctx, media, now.Add(-week), now.Add(time.Second))
	if err != nil {
		return nil, err
	}
	stay, err := s.DB.PostCountsFrom(ctx, media, staying, now.Add(time.Second))
	if err != nil {
		return nil, err
	}
	last := map[int64]map[string]time.Time{}
	if len(sites) > 0 {
		posts, err := s.DB.LastColumnPosts(ctx, sites)
		if err != nil {
			return nil, err
		}
		for _, p := range posts {
			if last[p.AccountID] == nil {
				last[p.AccountID] = map[string]time.Time{}
			}
			col := columnOf(p.Category)
			if p.Last.After(last[p.AccountID][col]) {
				last[p.AccountID][col] = p.Last
			}
		}
	}
	var out []Frequency
	for _, a := range accounts {
		pol, err := pols.For(ctx, a.UnitID)
		if err != nil {
			return nil, err
		}
		if a.Platform == tongfa.PlatformWebsite {
			out = append(out, s.columns(a, pol, last[a.ID], now)...)
			continue
		}
		out = append(out, weekly(a, pol, counts[a.ID], stay[a.ID]))
	}
	return out, nil
}

// weekly judges a new-media account against its posts per 7 days. It warns
// when the posts that will still be in the window WarnAhead from now
// (staying) fall short: "unless something is published within two days…".
func weekly(a tongfa.Account, pol *Policy, posts, staying int) Frequency {
	req, ok := pol.Weekly[a.Platform]
	if !ok {
		req = pol.Weekly[tongfa.PlatformOther]
	}
	f := Frequency{AccountID: a.ID, AccountName: a.Name, UnitID: a.UnitID, Platform: a.Platform, Required: req, Posts: posts, State: FreqOK}
	switch {
	case posts < req:
		f.State = FreqBreached
		f.Message = fmt.Sprintf("近 7 天更新 %d 条，低于每周 %d 条的要求", posts, req)
	case staying < req:
		f.State = FreqWarning
		f.Message = fmt.Sprintf("须在 %s 内再发布 %d 条，否则将低于每周 %d 条的要求", durationText(pol.WarnAhead), req-staying, req)
	default:
		f.Message = fmt.Sprintf("近 7 天更新 %d 条，达到每周 %d 条的要求", posts, req)
	}
	return f
}

// columns judges each website column type by its longest gap; last is
// the account's latest post per column type.
func (s *Service) columns(a tongfa.Account, pol *Policy, last map[string]time.Time, now time.Time) []Frequency {
	var out []Frequency
	for _, col := range []string{"news", "policy", "other"} {
		span, ok := pol.Columns[col]
		if !ok {
			continue
		}
		start := a.CreatedAt
		f := Frequency{AccountID: a.ID, AccountName: a.Name, UnitID: a.UnitID, Platform: a.Platform, Column: col, State: FreqOK}
		if t, ok := last[col]; ok {
			start, f.LastPost = t, &t
		}
		deadline := span.End(s.Calendar(), start)
		f.Deadline, f.DeadlineEstimated = &deadline, span.Estimated(s.Calendar(), start, deadline)
		switch {
		case now.After(deadline):
			f.State, f.Message = FreqBreached, fmt.Sprintf("「%s」栏目已超过 %s 未更新", columnNames[col], span)
		case now.Add(pol.WarnAhead).After(deadline):
			f.State, f.Message = FreqWarning, fmt.Sprintf("「%s」栏目须在 %s 前更新", columnNames[col], deadline.In(workday.Location()).Format("01-02 15:04"))
		default:
			f.Message = fmt.Sprintf("「%s」栏目更新正常", columnNames[col])
		}
		out = append(out, f)
	}
	return out
}

var columnNames = map[string]string{"news": "新闻动态", "policy": "政策文件", "other": "其他"}

func durationText(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d 天", d/(24*time.Hour))
	}
	return fmt.Sprintf("%d 小时", d/time.Hour)
}

// FrequencySweep raises update-frequency alerts, once per account (and
// column) per week: a warning to the unit's editors, a breach escalated to
// its deputy leaders — the operator first, the leader later.
func (s *Service) FrequencySweep(ctx context.Context, now time.Time) (int, error) {
	fs, err := s.frequencies(ctx, nil, now)
	if err != nil {
		return 0, err
	}
	year, wk := now.In(workday.Location()).ISOWeek()
	n := 0
	for _, f := range fs {
		if f.State == FreqOK {
			continue
		}
		ok, err := s.frequencyAlert(ctx, f, fmt.Sprintf("%d-W%02d", year, wk))
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

func (s *Service) frequencyAlert(ctx context.Context, f Frequency, week string) (bool, error) {
	role := tongfa.RoleEditor
	if f.State == FreqBreached {
		role = tongfa.RoleDeputy
	}
	msg := fmt.Sprintf("【更新频率%s】%s（%s）：%s", map[string]string{FreqWarning: "预警", FreqBreached: "不达标"}[f.State],
		f.AccountName, f.Platform.Label(), f.Message)
	var fired bool
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		subject := fmt.Sprintf("account:%d/%s/%s", f.AccountID, f.Column, week)
		if fired, err = tx.FireAlert(ctx, subject, "frequency", f.State, &f.UnitID, msg); err != nil || !fired {
			return err
		}
		to, err := tx.UsersWithRole(ctx, []int64{f.UnitID}, role)
		if err != nil {
			return err
		}
		tx.Audit(store.SystemActor, "clock.frequency", fmt.Sprintf("account:%d", f.AccountID), &f.UnitID,
			map[string]any{"state": f.State, "posts": f.Posts, "required": f.Required, "column": f.Column})
		return tx.Notify(ctx, to, nil, "frequency."+f.State, false, msg)
	})
	if fired && err == nil {
		s.Notify.Unit(ctx, f.UnitID, notify.Message{Title: "更新频率提醒", Text: msg})
	}
	return fired, err
}

// WeekRow is one account's compliance in one week.
type WeekRow struct {
	AccountID   int64     `json:"account_id"`
	AccountName string    `json:"account_name"`
	Platform    string    `json:"platform"`
	Week        time.Time `json:"week"`
	Posts       int       `json:"posts"`
	Required    int       `json:"required"`
	Compliant   bool      `json:"compliant"` // posts >= required, whether or not the week is over
	// State is how the week stands at the time of the table; only met and
	// missed weeks are judged.
	State string `json:"state"`
}

// Week states. A week can be met before it ends, but missed only once it
// has ended: until then falling short is not a failure, as an urgent clock
// still running is not one.
const (
	WeekMet        = "met"         // the requirement is reached (judged)
	WeekMissed     = "missed"      // the week ended short (judged)
	WeekInProgress = "in_progress" // the week runs and is short so far (not judged)
	WeekNotStarted = "not_started" // the week begins after the table's time (not judged)
	WeekNotOpened  = "not_opened"  // short, and the account opened after the week began (not judged)
)

// Judged reports whether the week counts in a compliance rate.
func (w WeekRow) Judged() bool { return w.State == WeekMet || w.State == WeekMissed }

// weekState judges a week starting at monday for an account opened at
// opened, at now. An account opened during a week has had less than a
// week: the week counts only if it was met anyway.
func weekState(monday time.Time, posts, required int, opened, now time.Time) string {
	switch {
	case !monday.Before(now):
		return WeekNotStarted
	case posts >= required:
		return WeekMet
	case now.Before(monday.AddDate(0, 0, 7)):
		return WeekInProgress
	case opened.After(monday):
		return WeekNotOpened
	}
	return WeekMissed
}

// Weekly is WeeklyAt the store's current time over the units p may read.
func (s *Service) Weekly(ctx context.Context, p *access.Principal, from, to time.Time) ([]WeekRow, error) {
	return s.WeeklyAt(ctx, p.Tree.Readable(p.User), from, to, s.DB.Now())
}

// WeeklyAt is the weekly compliance table of the new-media accounts in
// service of units for the weeks (Monday to Sunday, China time) starting
// in [from, to), as it stands at now: posts after now are not counted
// and weeks are judged by weekState. units is a scope the caller has
// authorized (reports.For); nil means every unit.
func (s *Service) WeeklyAt(ctx context.Context, units []int64, from, to, now time.Time) ([]WeekRow, error) {
	accounts, err := s.DB.ActiveAccounts(ctx, units)
	if err != nil {
		return nil, err
	}
	ids := []int64{}
	for _, a := range accounts {
		if a.Platform != tongfa.PlatformWebsite { // no weekly requirement (columns instead)
			ids = append(ids, a.ID)
		}
	}
	until := to // posts after now are not counted (a report of a week to come sees none)
	if now.Before(until) {
		until = now
	}
	if until.Before(from) {
		until = from
	}
	counts, err := s.DB.WeeklyCounts(ctx, ids, from, until)
	if err != nil {
		return nil, err
	}
	type key struct {
		account int64
		week    int64
	}
	got := map[key]int{}
	for _, c := range counts {
		got[key{c.AccountID, c.Week.Unix()}] = c.Count
	}
	var rows []WeekRow
	pols, err := s.policiesOf(ctx, units)
	if err != nil {
		return nil, err
	}
	for _, a := range accounts {
		if a.Platform == tongfa.PlatformWebsite {
			continue
		}
		pol, err := pols.For(ctx, a.UnitID)
		if err != nil {
			return nil, err
		}
		req, ok := pol.Weekly[a.Platform]
		if !ok {
			req = pol.Weekly[tongfa.PlatformOther]
		}
		for w := mondayOf(from); w.Before(to); w = w.AddDate(0, 0, 7) {
			n := got[key{a.ID, w.Unix()}]
			rows = append(rows, WeekRow{AccountID: a.ID, AccountName: a.Name, Platform: string(a.Platform), Week: w, Posts: n,
				Required: req, Compliant: n >= req, State: weekState(w, n, req, a.CreatedAt, now)})
		}
	}
	return rows, nil
}

// mondayOf is 00:00 China time of the Monday of t's week.
func mondayOf(t time.Time) time.Time {
	t = t.In(workday.Location())
	d := (int(t.Weekday()) + 6) % 7
	y, m, day := t.Date()
	return time.Date(y, m, day-d, 0, 0, 0, 0, workday.Location())
}
