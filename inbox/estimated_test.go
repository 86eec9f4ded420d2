package inbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/inbox"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/workday"
)

// TestDeadlineWithoutTheNotice (issue 22): with no 2027 notice imported, a
// complaint received Friday 4 December 2026 is due after 元旦 and the
// weekend, on Monday 4 January, and every view of it says the deadline is
// estimated; a message due within 2026 is not marked.
func TestDeadlineWithoutTheNotice(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	at := func(s string) time.Time {
		v, _ := time.ParseInLocation("2006-01-02 15:04", s, workday.Location())
		return v
	}
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
