package web

import (
	"context"
	"net/http"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/deliveries"
	"github.com/tongfa/tongfa/manual"
	"github.com/tongfa/tongfa/store"
)

type dashboardView struct {
	Pending []store.ItemSummary
	Urgent  []clocks.Clock
	Failed  []deliveries.Failed
	// FailedItems are the settled items that missed channels; FailedCount
	// and PartialCount count 发布失败 and 部分发布失败 among them.
	FailedItems               []store.FailedItem
	FailedCount, PartialCount int
	// Tasks are the manual channels' publishing tasks the viewer does.
	Tasks   []manual.Task
	Alerts  []store.Alert
	Mine    []store.ItemSummary
	Missing []int
	// Frequency lists accounts behind their update requirement (R6);
	// Weeks charts each account's posts over the last four weeks.
	Frequency []clocks.Frequency
	Weeks     []weekChart
	// FrequencyTotal and WeeksTotal count the accounts before the lists
	// were cut to frequencyShown and weeksShown.
	FrequencyTotal, WeeksTotal int
	// Inbox lists open messages from the public that are overdue or due
	// within 24 hours (R7).
	Inbox []messageRow
	// InboxTotal counts them before the list was cut to dashboardInboxShown.
	InboxTotal int
	// AnswersToSign counts the answers to messages waiting for my sign-off.
	AnswersToSign int
	// Reach compares this week's posts with last week's and lists the best.
	Reach *reachView
}

// failedShown bounds the failed deliveries the dashboard lists.
const failedShown = 50

// frequencyShown and weeksShown bound the update-frequency warnings and
// the weekly charts: a province's office sees 2,000 accounts, whose charts
// made a 2.6 MB page that took seconds to build (docs/benchmarks.md). The
// reports page has every account.
const (
	frequencyShown = 50
	weeksShown     = 30
)

func (s *Server) consoleDashboard(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p := r.Context(), principal(r)
	var d dashboardView
	var err error
	if v.Can.Sign {
		if d.Pending, err = s.Review.Queue(ctx, p); err != nil {
			return err
		}
		answers, err := s.Inbox.ToSign(ctx, p)
		if err != nil {
			return err
		}
		d.AnswersToSign = len(answers)
	}
	now := s.Now()
	if d.Urgent, err = s.Clocks.Open(ctx, p, now); err != nil {
		return err
	}
	if d.Failed, err = s.Deliveries.Failed(ctx, p, failedShown); err != nil {
		return err
	}
	if d.FailedItems, err = s.Deliveries.FailedItems(ctx, p, failedShown); err != nil {
		return err
	}
	for _, f := range d.FailedItems {
		if f.State == tongfa.StateFailed {
			d.FailedCount++
		} else {
			d.PartialCount++
		}
	}
	if d.Tasks, err = s.Manual.List(ctx, p, tasksShown); err != nil {
		return err
	}
	if d.Alerts, err = s.Clocks.Alerts(ctx, p, 20); err != nil {
		return err
	}
	if v.Can.Compose {
		if d.Mine, _, err = s.Items.List(ctx, p, store.ItemFilter{AuthorID: p.User.ID, Page: 1, PerPage: 10}); err != nil {
			return err
		}
	}
	if d.Inbox, d.InboxTotal, err = s.dueMessages(ctx, p, now); err != nil {
		return err
	}
	if err := s.publishing(ctx, p, now, &d); err != nil {
		return err
	}
	if d.Reach, err = s.reach(ctx, p, now); err != nil {
		return err
	}
	d.Missing = s.Calendar.Missing(now)
	v.Title, v.Nav, v.Data = "工作台", "dashboard", d
	return s.render(w, http.StatusOK, "dashboard", "layout", v)
}

// publishing fills the update-frequency warnings and the weekly chart.
func (s *Server) publishing(ctx context.Context, p *access.Principal, now time.Time, d *dashboardView) error {
	freq, err := s.Clocks.Frequencies(ctx, p, now)
	if err != nil {
		return err
	}
	for _, f := range freq {
		if f.State != clocks.FreqOK {
			d.Frequency = append(d.Frequency, f)
		}
	}
	d.FrequencyTotal = len(d.Frequency)
	d.Frequency = d.Frequency[:min(len(d.Frequency), frequencyShown)]
	rows, err := s.Clocks.Weekly(ctx, p, now.AddDate(0, 0, -28), now)
	if err != nil {
		return err
	}
	d.Weeks = shortFirst(weekCharts(rows))
	d.WeeksTotal = len(d.Weeks)
	d.Weeks = d.Weeks[:min(len(d.Weeks), weeksShown)]
	return nil
}
