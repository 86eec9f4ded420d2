package reports

import (
	"context"
	"slices"

	"github.com/tongfa/tongfa/repost"
)

// RepostRow counts one unit's accounts in the repost tasks (转发任务)
// whose deadline falls in the period, judged at the report's end of
// counting: a reprint delivered after it has not happened yet.
type RepostRow struct {
	UnitID   int64  `json:"unit_id"` // 0 on the total row
	UnitName string `json:"unit_name"`
	Assigned int    `json:"assigned"` // accounts × tasks
	OnTime   int    `json:"on_time"`
	Late     int    `json:"late"`
	Missed   int    `json:"missed"`  // the deadline passed without the reprint
	Pending  int    `json:"pending"` // the deadline is after the end of counting
	// OnTimeRate is on time over the accounts whose deadline has passed.
	OnTimeRate Rate `json:"on_time_rate"`
}

func (r *RepostRow) add(status string) {
	r.Assigned++
	switch status {
	case repost.OnTime:
		r.OnTime++
	case repost.Late:
		r.Late++
	case repost.Overdue:
		r.Missed++
	case repost.Pending:
		r.Pending++
	}
	r.OnTimeRate = Rate{Num: r.OnTime, Den: r.Assigned - r.Pending}
}

// reposts adds the repost table: the scope's accounts in tasks due in the
// period, by unit, with a total row; none when there were no tasks.
func (b *builder) reposts(ctx context.Context) error {
	rows, err := b.s.DB.RepostRowsDue(ctx, b.sc, b.p.From, b.p.To)
	if err != nil || len(rows) == 0 {
		return err
	}
	byUnit := map[int64]*RepostRow{}
	var order []int64
	tot := RepostRow{UnitName: "合计"}
	for _, r := range rows {
		if _, ok := b.accounts[r.AccountID]; !ok {
			continue // outside the report's scope
		}
		if r.Done != nil && r.Done.After(b.until) {
			r.Done = nil
		}
		st := repost.StatusOf(r, b.until)
		u := byUnit[r.UnitID]
		if u == nil {
			u = &RepostRow{UnitID: r.UnitID, UnitName: r.UnitName}
			byUnit[r.UnitID], order = u, append(order, r.UnitID)
		}
		u.add(st)
		tot.add(st)
	}
	if len(order) == 0 {
		return nil
	}
	slices.Sort(order)
	for _, id := range order {
		b.r.Reposts = append(b.r.Reposts, *byUnit[id])
	}
	b.r.Reposts = append(b.r.Reposts, tot)
	return nil
}

func (r *Report) repostTable() Table {
	rows := make([][]any, len(r.Reposts))
	for i, x := range r.Reposts {
		rows[i] = []any{x.UnitName, x.Assigned, x.OnTime, x.Late, x.Missed, x.Pending, x.OnTimeRate}
	}
	return Table{Key: "reposts", Title: "转发任务", Header: []string{"单位", "任务账号数", "按时转发", "逾期转发", "未转发", "未到期", "按时转发率"},
		Rows: rows}
}
