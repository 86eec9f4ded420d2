package reports

import (
	"context"
	"slices"
	"time"

	"github.com/tongfa/tongfa/store"
)

// MessageRow is how one class of messages from the public was answered (R7).
type MessageRow struct {
	Key      string `json:"key"` // the class name, or "total"
	Label    string `json:"label"`
	Received int    `json:"received"`
	Answered int    `json:"answered"`
	OnTime   int    `json:"answered_on_time"` // answer reached the platform by the deadline
	// Overdue is answered after the deadline plus OverdueOpen: not
	// answered, not closed, deadline passed at the report's time.
	Overdue     int `json:"overdue"`
	OverdueOpen int `json:"overdue_unanswered"`
	Extended    int `json:"extended"`
	Open        int `json:"open"`   // not answered, not closed, deadline ahead
	Closed      int `json:"closed"` // closed without an answer
	// OnTimeRate is OnTime of OnTime + Overdue.
	OnTimeRate Rate `json:"on_time_rate"`
	// MedianDays is the median of the answered messages' working time from
	// receipt to answer, in working days of 24 hours.
	MedianDays *float64 `json:"median_answer_working_days"`
}

// classOrder is the statutory classes in the order the tables list them;
// classes a unit added follow in name order.
var classOrder = []string{"表扬感谢", "谏言咨询", "申诉求助", "网站找错", "其他"}

// messageTally accumulates one MessageRow.
type messageTally struct {
	row   MessageRow
	times durations
}

// verdict is how one message stands at the report's time.
type verdict struct{ answered, onTime, late, overdueOpen, open, closed bool }

// judgeMessage judges m at now: closed only counts when it has no answer.
func judgeMessage(m store.ReportMessage, now time.Time) verdict {
	if m.AnsweredAt != nil {
		late := m.AnsweredAt.After(m.Deadline)
		return verdict{answered: true, onTime: !late, late: late}
	}
	if m.State == "closed" {
		return verdict{closed: true}
	}
	if now.After(m.Deadline) {
		return verdict{overdueOpen: true}
	}
	return verdict{open: true}
}

// add counts m; took is its working time to the answer, when answered.
func (t *messageTally) add(m store.ReportMessage, v verdict, took time.Duration) {
	r := &t.row
	r.Received++
	r.Answered += b2i(v.answered)
	r.OnTime += b2i(v.onTime)
	r.Overdue += b2i(v.late || v.overdueOpen)
	r.OverdueOpen += b2i(v.overdueOpen)
	r.Extended += b2i(m.Extended)
	r.Open += b2i(v.open)
	r.Closed += b2i(v.closed)
	if v.answered {
		t.times = append(t.times, took)
	}
}

func (t *messageTally) done() MessageRow {
	r := t.row
	r.OnTimeRate = Rate{Num: r.OnTime, Den: r.OnTime + r.Overdue}
	r.MedianDays, _ = t.times.stat(24*time.Hour, 2)
	return r
}

// messages judges the messages received in the period, as of now.
func (b *builder) messages(ctx context.Context) error {
	list, err := b.db.ReportMessages(ctx, b.sc, b.p.From, b.until)
	if err != nil {
		return err
	}
	cal := b.s.calendar()
	byClass := map[string]*messageTally{}
	var all messageTally
	for _, m := range list {
		v := judgeMessage(m, b.now)
		var took time.Duration
		if v.answered {
			took = max(cal.WorkingTimeBetween(m.ReceivedAt, *m.AnsweredAt), 0)
		}
		t := byClass[m.Class]
		if t == nil {
			t = &messageTally{}
			byClass[m.Class] = t
		}
		t.add(m, v, took)
		all.add(m, v, took)
		if a := b.accounts[m.AccountID]; a != nil {
			a.Replies = a.Replies.Add(onTime(v.onTime, v.onTime || v.late || v.overdueOpen))
			a.messages++
		}
	}
	for _, class := range classesOf(byClass) {
		row := MessageRow{}
		if t := byClass[class]; t != nil {
			row = t.done()
		}
		row.Key, row.Label = class, class
		b.r.Messages = append(b.r.Messages, row)
	}
	row := all.done()
	row.Key, row.Label = total, "合计"
	b.r.Messages = append(b.r.Messages, row)
	return nil
}

// classesOf is the statutory classes, then any other class seen, by name.
func classesOf(seen map[string]*messageTally) []string {
	var extra []string
	for c := range seen {
		if !slices.Contains(classOrder, c) {
			extra = append(extra, c)
		}
	}
	slices.Sort(extra)
	return append(slices.Clone(classOrder), extra...)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
