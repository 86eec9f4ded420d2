package clocks_test

import (
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/workday"
)

// TestDeadlinesMarkedEstimated (issue 22): with no 2027 notice imported, a
// working-day deadline that runs into 2027 skips 元旦 by the law and is
// marked estimated; the Weibo clock of one hour and a deadline within 2026
// are not.
func TestDeadlinesMarkedEstimated(t *testing.T) {
	f := setup(t)
	cst := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, workday.Location()) }
	event := cst(12, 31, 16) // Thursday
	cl, err := f.svc.Status(f.ctx, f.urgent(t, event).ID, event.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if ch := f.channel(t, cl, tongfa.PlatformWeChat); !ch.DeadlineEstimated ||
		!ch.Deadline.Equal(time.Date(2027, 1, 4, 16, 0, 0, 0, workday.Location())) {
		t.Errorf("WeChat: deadline %s, estimated %v; want Monday 2027-01-04 16:00, estimated", ch.Deadline, ch.DeadlineEstimated)
	}
	if ch := f.channel(t, cl, tongfa.PlatformWeibo); ch.DeadlineEstimated {
		t.Error("a one-hour clock is marked estimated")
	}

	doc := f.itemIn(t, "关于印发《示范市冬季供暖保障办法》的通知", tongfa.CategoryPolicy)
	f.deliver(t, doc, tongfa.PlatformWebsite, cst(12, 30, 9))
	list, err := f.svc.Interpretations(f.ctx, f.reader(t), cst(12, 30, 10))
	if err != nil || len(list) != 1 {
		t.Fatalf("documents %v %v", list, err)
	}
	if in := list[0]; !in.DeadlineEstimated || !in.Deadline.Equal(time.Date(2027, 1, 5, 9, 0, 0, 0, workday.Location())) {
		t.Errorf("interpretation: deadline %s, estimated %v; want 2027-01-05 09:00, estimated", in.Deadline, in.DeadlineEstimated)
	}

	early := f.itemIn(t, "关于印发《示范市秋季防火办法》的通知", tongfa.CategoryPolicy)
	f.deliver(t, early, tongfa.PlatformWebsite, cst(11, 2, 9))
	list, _ = f.svc.Interpretations(f.ctx, f.reader(t), cst(12, 30, 10))
	for _, in := range list {
		if in.DocID == early.ID && in.DeadlineEstimated {
			t.Error("a deadline within 2026 is marked estimated")
		}
	}
}
