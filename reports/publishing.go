package reports

import (
	"context"
	"time"

	"github.com/tongfa/tongfa/clocks"
)

// ChannelRow is what one kind of channel published (R4, R6).
type ChannelRow struct {
	Key           string `json:"key"` // platform, or "total"
	Label         string `json:"label"`
	Accounts      int    `json:"accounts"`
	Posts         int    `json:"posts"` // distinct items per account, summed
	Original      int    `json:"original"`
	Reprints      int    `json:"reprints"`
	OriginalRatio Rate   `json:"original_ratio"`
	Weekly        Rate   `json:"weekly_compliance"` // account-weeks meeting the requirement
}

// loadAccounts starts one row per opened account in scope.
func (b *builder) loadAccounts(ctx context.Context) error {
	list, err := b.db.ReportAccounts(ctx, b.sc)
	if err != nil {
		return err
	}
	for _, a := range list {
		b.accounts[a.ID] = &AccountRow{AccountID: a.ID, Name: a.Name, Platform: a.Platform, PlatformLabel: a.Platform.Label(),
			UnitID: a.UnitID, UnitName: a.UnitName, Status: a.Status}
		b.order = append(b.order, a.ID)
	}
	return nil
}

// posts counts what each account published, and the distinct items.
func (b *builder) posts(ctx context.Context) error {
	counts, err := b.db.ReportPosts(ctx, b.sc, b.p.From, b.until)
	if err != nil {
		return err
	}
	for _, c := range counts {
		if c.AccountID == 0 {
			b.items = c.Posts
			continue
		}
		if a := b.accounts[c.AccountID]; a != nil {
			a.Posts, a.Reprints = c.Posts, c.Reprints
			a.OriginalRatio = Rate{Num: c.Posts - c.Reprints, Den: c.Posts}
		}
	}
	return nil
}

// weekly judges every active account's whole weeks in the period with the
// clocks' own weekly compliance (R6), as they stand at the report's time:
// weeks not yet begun, the running week while it falls short, and a week
// the account was opened in and did not meet are not judged.
func (b *builder) weekly(ctx context.Context) error {
	from, to := wholeWeeks(b.p)
	b.r.Weeks = int(to.Sub(from) / (7 * 24 * time.Hour))
	if b.r.Weeks == 0 {
		return nil
	}
	b.r.WeeksEnded = weeksEnded(from, to, b.now)
	monday, running := b.currentWeek(from, to)
	rows, err := b.clocks.WeeklyAt(ctx, b.sc.Units, from, to, b.now)
	if err != nil {
		return err
	}
	for _, w := range rows {
		a := b.accounts[w.AccountID]
		if a == nil {
			continue
		}
		a.Required = w.Required
		if w.Judged() {
			a.Weekly = a.Weekly.Add(onTime(w.State == clocks.WeekMet, true))
		}
		if running && w.Week.Equal(monday) {
			b.r.CurrentWeek.add(a, w)
		}
	}
	return nil
}

// wholeWeeks is the span of the Monday-to-Sunday weeks (Asia/Shanghai)
// lying wholly inside p; empty when there are none.
func wholeWeeks(p Period) (from, to time.Time) {
	from = containing(Week, p.From).From
	if from.Before(p.From) {
		from = from.AddDate(0, 0, 7)
	}
	to = containing(Week, p.To).From
	if to.Before(from) {
		to = from
	}
	return from, to
}

// channelRows sums the account rows per platform.
func (b *builder) channelRows() {
	rows := make([]ChannelRow, len(platforms)+1)
	for i := range rows {
		rows[i].Key, rows[i].Label = channelKey(i)
	}
	for _, id := range b.order {
		a := b.accounts[id]
		for _, row := range []*ChannelRow{&rows[platformIndex(a.Platform)], &rows[len(platforms)]} {
			row.Accounts++
			row.Posts += a.Posts
			row.Reprints += a.Reprints
			row.Weekly = row.Weekly.Add(a.Weekly)
		}
	}
	for i := range rows {
		rows[i].Original = rows[i].Posts - rows[i].Reprints
		rows[i].OriginalRatio = Rate{Num: rows[i].Original, Den: rows[i].Posts}
	}
	b.r.Channels = rows
}
