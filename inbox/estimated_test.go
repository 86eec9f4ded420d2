package inbox_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/inbox"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/workday"
)

// at is a wall-clock time in China.
func at(s string) time.Time {
	v, err := time.ParseInLocation("2006-01-02 15:04", s, workday.Location())
	if err != nil {
		panic(err)
	}
	return v
}

// TestDeadlineWithoutTheNotice (issue 22): with no 2027 notice imported, a
// complaint received Friday 4 December 2026 is due after 元旦 and the
// weekend, on Monday 4 January, and every view of it says the deadline is
// estimated; a message due within 2026 is not marked.
func TestDeadlineWithoutTheNotice(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acc := e.accounts[tongfa.PlatformWeChat]
	ms, err := e.svc.Ingest(ctx, []inbox.Incoming{
		{Account: acc, Kind: "message", PlatformMsgID: "ny", Body: "我要投诉小区物业乱收费", At: at("2026-12-04 10:00")},
		{Account: acc, Kind: "message", PlatformMsgID: "dec", Body: "感谢你们的及时回复", At: at("2026-12-01 10:00")},
	})
	if err != nil || len(ms) != 2 {
		t.Fatalf("ingest: %v %v", ms, err)
	}
	want := map[string]struct {
		due       string
		estimated bool
	}{"ny": {"2027-01-04 10:00", true}, "dec": {"2026-12-08 10:00", false}}
	list, err := e.svc.List(ctx, e.as(t, "editor"), store.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range list {
		w := want[v.PlatformMsgID]
		if got := v.Deadline.In(workday.Location()).Format("2006-01-02 15:04"); got != w.due || v.DeadlineEstimated != w.estimated {
			t.Errorf("%s (%s): due %s, estimated %v; want %s, %v", v.PlatformMsgID, v.Class, got, v.DeadlineEstimated, w.due, w.estimated)
		}
	}
}

// TestRecount: a deadline stored before the estimate existed (Monday to
// Friday: due on 元旦) moves to the law's date, then to the notice's once
// it is imported; a closed message keeps its deadline, and a second
// recount changes nothing.
func TestRecount(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	acc := e.accounts[tongfa.PlatformWeChat]
	legacy := func(id string) tongfa.Message {
		return tongfa.Message{AccountID: acc.ID, UnitID: acc.UnitID, Platform: string(acc.Platform), Kind: "message", PlatformMsgID: id,
			Body: "我要投诉小区物业乱收费", ReceivedAt: at("2026-12-04 10:00"), Class: "申诉求助", ClassRule: "关键词「投诉」",
			Deadline: at("2027-01-01 10:00")}
	}
	ms, err := e.db.InsertMessages(ctx, []tongfa.Message{legacy("open"), legacy("closed")})
	if err != nil || len(ms) != 2 {
		t.Fatalf("insert: %v %v", ms, err)
	}
	if err := e.svc.Close(ctx, e.as(t, "editor"), ms[1].ID, "重复留言"); err != nil {
		t.Fatal(err)
	}
	check := func(step string, wantMoved int, wantDue string, wantEstimated bool) {
		t.Helper()
		moved, err := e.svc.Recount(ctx)
		v, gerr := e.svc.Get(ctx, e.as(t, "editor"), ms[0].ID)
		if err != nil || gerr != nil || moved != wantMoved || !v.Deadline.Equal(at(wantDue)) || v.DeadlineEstimated != wantEstimated {
			t.Fatalf("%s: moved %d (%v), due %s, estimated %v; want %d, %s, %v", step, moved, err, v.Deadline, v.DeadlineEstimated,
				wantMoved, wantDue, wantEstimated)
		}
	}
	check("by the law", 1, "2027-01-04 10:00", true)
	check("again", 0, "2027-01-04 10:00", true)
	notice, err := workday.Parse(strings.NewReader("year 2027 测试通知\n2027-01-01 holiday 元旦\n2027-01-04 holiday 元旦\n"))
	if err != nil {
		t.Fatal(err)
	}
	cal := workday.New(workday.Embedded(), notice)
	e.svc.Calendar = func() *workday.Calendar { return cal }
	check("by the notice", 1, "2027-01-05 10:00", false)
	if m, _ := e.db.Message(ctx, ms[1].ID); !m.Deadline.Equal(at("2027-01-01 10:00")) {
		t.Errorf("the closed message's deadline moved to %s", m.Deadline)
	}
}
