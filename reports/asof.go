package reports

import (
	"fmt"
	"time"

	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/workday"
)

// Report statuses: how much of its period had happened when the report
// was made. Nothing after GeneratedAt is judged.
const (
	StatusComplete   = "complete"    // the period had ended
	StatusInProgress = "in_progress" // figures up to GeneratedAt
	StatusNotStarted = "not_started" // nothing to judge yet
)

// CurrentWeek is the whole week of the period running at the report's
// time. It is judged so far: an account that already reached its weekly
// requirement counts as met; one that has not is not judged, because the
// week is not over.
type CurrentWeek struct {
	From       string `json:"from"` // its Monday, YYYY-MM-DD
	To         string `json:"to"`   // the next Monday, exclusive
	Met        int    `json:"accounts_met"`
	InProgress int    `json:"accounts_in_progress"`
}

// WeekSoFar is one account's current week so far.
type WeekSoFar struct {
	Posts int    `json:"posts"`
	State string `json:"state"` // clocks.WeekMet or clocks.WeekInProgress
}

// asOf sets the report's status and returns the end of what it counts:
// the period's end, or now while the period runs (From when it has not
// begun), so that no record or week after now is judged.
func (b *builder) asOf() time.Time {
	r, p := b.r, b.p
	switch {
	case !b.now.Before(p.To):
		r.Status, r.Through = StatusComplete, p.To
	case !b.now.After(p.From):
		r.Status, r.Through = StatusNotStarted, p.From
	default:
		r.Status, r.Through = StatusInProgress, r.GeneratedAt
	}
	return maxTime(p.From, minTime(p.To, b.now))
}

// currentWeek is the Monday of the whole week of [from, to) running at
// now, if one runs, and starts the report's CurrentWeek for it.
func (b *builder) currentWeek(from, to time.Time) (time.Time, bool) {
	monday := containing(Week, dayOf(b.now)).From
	if monday.Before(from) || !monday.Before(to) || !b.now.After(monday) {
		return time.Time{}, false
	}
	b.r.CurrentWeek = &CurrentWeek{From: monday.Format(dateLayout), To: monday.AddDate(0, 0, 7).Format(dateLayout)}
	return monday, true
}

// weeksEnded counts the weeks of [from, to) over by now.
func weeksEnded(from, to, now time.Time) int {
	n := 0
	for w := from; w.Before(to) && !now.Before(w.AddDate(0, 0, 7)); w = w.AddDate(0, 0, 7) {
		n++
	}
	return n
}

// add records an account's current week.
func (cw *CurrentWeek) add(a *AccountRow, w clocks.WeekRow) {
	a.CurrentWeek = &WeekSoFar{Posts: w.Posts, State: w.State}
	if w.State == clocks.WeekMet {
		cw.Met++
	} else {
		cw.InProgress++
	}
}

// notice explains, in Chinese, what a report made before its period ended
// leaves out.
func (r *Report) notice() string {
	at := r.GeneratedAt.In(workday.Location()).Format("2006-01-02 15:04")
	switch r.Status {
	case StatusNotStarted:
		return fmt.Sprintf("本期（%s 至 %s）尚未开始（报表生成于 %s），暂无可考核的内容，各项指标均不作评判，也不排名。",
			r.From, r.dayBeforeTo(), at)
	case StatusInProgress:
		s := fmt.Sprintf("本期尚未结束：统计截至 %s，此后的日期不作考核。", at)
		if cw := r.CurrentWeek; cw != nil {
			s += fmt.Sprintf("本周（%s 起）尚未结束，按截至目前的发布情况计：已达到每周要求的账号计为达标，尚未达到的暂不判定。", cw.From)
		}
		return s
	}
	return ""
}

// statusLabel names a report status in Chinese.
func statusLabel(s string) string {
	switch s {
	case StatusInProgress:
		return "进行中（统计至生成时间）"
	case StatusNotStarted:
		return "尚未开始（不作考核）"
	}
	return "已结束"
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
