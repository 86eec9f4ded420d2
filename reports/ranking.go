package reports

import (
	"cmp"
	"slices"

	"github.com/tongfa/tongfa"
)

// AccountRow is one account's assessment and its place in the ranking.
type AccountRow struct {
	Rank          int             `json:"rank"` // 0: nothing to judge, not ranked
	AccountID     int64           `json:"account_id"`
	Name          string          `json:"name"`
	Platform      tongfa.Platform `json:"platform"`
	PlatformLabel string          `json:"platform_label"`
	UnitID        int64           `json:"unit_id"`
	UnitName      string          `json:"unit_name"`
	Status        string          `json:"status"`
	Posts         int             `json:"posts"`
	Reprints      int             `json:"reprints"`
	OriginalRatio Rate            `json:"original_ratio"`
	Required      int             `json:"weekly_required"` // posts a week; 0 without a weekly requirement
	Weekly        Rate            `json:"weekly_compliance"`
	// CurrentWeek is the running week so far, when the report has one and
	// the account a weekly requirement.
	CurrentWeek *WeekSoFar `json:"current_week,omitempty"`
	Urgent      Rate       `json:"urgent_on_time"`
	Replies     Rate       `json:"replies_on_time"`
	Score       *float64   `json:"score"`

	messages int
}

// UnitRow is one unit's accounts taken together.
type UnitRow struct {
	UnitID        int64    `json:"unit_id"`
	Name          string   `json:"name"`
	Accounts      int      `json:"accounts"`
	Posts         int      `json:"posts"`
	OriginalRatio Rate     `json:"original_ratio"`
	Weekly        Rate     `json:"weekly_compliance"`
	Urgent        Rate     `json:"urgent_on_time"`
	Replies       Rate     `json:"replies_on_time"`
	Score         *float64 `json:"score"`
}

// Score weights (docs/reports.md): update frequency counts for half, urgent
// first reports and replies on time for a quarter each. A part with
// nothing to judge is left out and the others' weights scale up.
const (
	weightWeekly  = 0.5
	weightUrgent  = 0.25
	weightReplies = 0.25
)

// The red list (红榜) takes accounts scoring at least RedMin, best first;
// the black list (黑榜) those below BlackBelow, worst first; each at most
// ListSize accounts.
const (
	RedMin     = 90.0
	BlackBelow = 60.0
	ListSize   = 10
)

// score is the weighted compliance, 0–100 to one decimal, or nil.
func score(weekly, urgent, replies Rate) *float64 {
	var sum, weights float64
	for _, part := range []struct {
		r Rate
		w float64
	}{{weekly, weightWeekly}, {urgent, weightUrgent}, {replies, weightReplies}} {
		if v, ok := part.r.Value(); ok {
			sum += part.w * v
			weights += part.w
		}
	}
	if weights == 0 {
		return nil
	}
	s := round(100*sum/weights, 1)
	return &s
}

// finish drops accounts out of service with nothing in the period, then
// builds the tables made of account rows.
func (b *builder) finish() {
	b.order = slices.DeleteFunc(b.order, func(id int64) bool {
		a := b.accounts[id]
		return a.Status != "active" && a.Posts == 0 && a.Urgent.Den == 0 && a.messages == 0
	})
	b.channelRows()
	b.rank()
	b.unitRows()
}

// rank orders the accounts by score (ties by posts, then unit and name),
// gives equal scores equal ranks, and draws the red and black lists.
func (b *builder) rank() {
	rows := make([]AccountRow, 0, len(b.order))
	for _, id := range b.order {
		a := b.accounts[id]
		a.Score = score(a.Weekly, a.Urgent, a.Replies)
		rows = append(rows, *a)
	}
	slices.SortStableFunc(rows, compareAccounts)
	for i := range rows {
		switch {
		case rows[i].Score == nil:
		case i > 0 && rows[i-1].Score != nil && *rows[i-1].Score == *rows[i].Score:
			rows[i].Rank = rows[i-1].Rank
		default:
			rows[i].Rank = i + 1
		}
	}
	b.r.Accounts = rows
	b.r.Red, b.r.Black = []AccountRow{}, []AccountRow{}
	for _, r := range rows {
		if r.Score != nil && *r.Score >= RedMin && len(b.r.Red) < ListSize {
			b.r.Red = append(b.r.Red, r)
		}
	}
	for i := len(rows) - 1; i >= 0; i-- {
		if r := rows[i]; r.Score != nil && *r.Score < BlackBelow && len(b.r.Black) < ListSize {
			b.r.Black = append(b.r.Black, r)
		}
	}
}

func compareAccounts(x, y AccountRow) int {
	if c := compareScores(x.Score, y.Score); c != 0 {
		return c
	}
	return cmp.Or(cmp.Compare(y.Posts, x.Posts), cmp.Compare(x.UnitName, y.UnitName), cmp.Compare(x.Name, y.Name),
		cmp.Compare(x.AccountID, y.AccountID))
}

// compareScores puts higher scores first and no score last.
func compareScores(x, y *float64) int {
	switch {
	case x == nil && y == nil:
		return 0
	case x == nil:
		return 1
	case y == nil:
		return -1
	}
	return cmp.Compare(*y, *x)
}

// unitRows sums the account rows per unit, best score first.
func (b *builder) unitRows() {
	byUnit := map[int64]*UnitRow{}
	var order []int64
	for _, id := range b.order {
		a := b.accounts[id]
		u := byUnit[a.UnitID]
		if u == nil {
			u = &UnitRow{UnitID: a.UnitID, Name: a.UnitName}
			byUnit[a.UnitID] = u
			order = append(order, a.UnitID)
		}
		u.Accounts++
		u.Posts += a.Posts
		u.OriginalRatio = u.OriginalRatio.Add(a.OriginalRatio)
		u.Weekly, u.Urgent, u.Replies = u.Weekly.Add(a.Weekly), u.Urgent.Add(a.Urgent), u.Replies.Add(a.Replies)
	}
	rows := make([]UnitRow, 0, len(order))
	for _, id := range order {
		u := byUnit[id]
		u.Score = score(u.Weekly, u.Urgent, u.Replies)
		rows = append(rows, *u)
	}
	slices.SortStableFunc(rows, func(x, y UnitRow) int {
		return cmp.Or(compareScores(x.Score, y.Score), cmp.Compare(x.Name, y.Name))
	})
	b.r.Units = rows
}
