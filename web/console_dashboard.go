package web

import (
	"context"
	"net/http"
	"time"

	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/store"
)

type dashboardView struct {
	Pending []store.ItemSummary
	Urgent  []clocks.Clock
	Failed  []failedDelivery
	Alerts  []store.Alert
	Mine    []store.ItemSummary
	Missing []int
	// Frequency lists accounts behind their update requirement (R6);
	// Weeks charts each account's posts over the last four weeks.
	Frequency []clocks.Frequency
	Weeks     []weekChart
	// Inbox lists open messages from the public that are overdue or due
	// within 24 hours (R7).
	Inbox []messageRow
	// AnswersToSign counts the answers to messages waiting for my sign-off.
	AnswersToSign int
}

type failedDelivery struct {
	ItemID int64
	Title  string
	deliveryView
}

// failedShown bounds the failed deliveries the dashboard lists.
const failedShown = 50

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
	now := s.DB.Now()
	if d.Urgent, err = s.Clocks.Open(ctx, readable(p), now); err != nil {
		return err
	}
	if d.Failed, err = s.failedDeliveries(ctx, p); err != nil {
		return err
	}
	if d.Alerts, err = s.DB.Alerts(ctx, readable(p), 20); err != nil {
		return err
	}
	if v.Can.Compose {
		if d.Mine, _, err = s.Items.List(ctx, p, store.ItemFilter{AuthorID: p.User.ID, Page: 1, PerPage: 10}); err != nil {
			return err
		}
	}
	if d.Inbox, err = s.dueMessages(ctx, p, now); err != nil {
		return err
	}
	if err := s.publishing(ctx, readable(p), now, &d); err != nil {
		return err
	}
	d.Missing = s.Calendar.Missing(now)
	v.Title, v.Nav, v.Data = "工作台", "dashboard", d
	return s.render(w, http.StatusOK, "dashboard", "layout", v)
}

// publishing fills the update-frequency warnings and the weekly chart.
func (s *Server) publishing(ctx context.Context, units []int64, now time.Time, d *dashboardView) error {
	freq, err := s.Clocks.Frequencies(ctx, units, now)
	if err != nil {
		return err
	}
	for _, f := range freq {
		if f.State != clocks.FreqOK {
			d.Frequency = append(d.Frequency, f)
		}
	}
	rows, err := s.Clocks.Weekly(ctx, units, now.AddDate(0, 0, -28), now)
	if err != nil {
		return err
	}
	d.Weeks = weekCharts(rows)
	return nil
}

// failedDeliveries lists the failed deliveries of the current versions
// of items in the units p may read.
func (s *Server) failedDeliveries(ctx context.Context, p *access.Principal) ([]failedDelivery, error) {
	list, err := s.DB.FailedDeliveries(ctx, readable(p), failedShown)
	if err != nil {
		return nil, err
	}
	out := make([]failedDelivery, 0, len(list))
	for _, f := range list {
		out = append(out, failedDelivery{ItemID: f.ItemID, Title: f.Title,
			deliveryView: deliveryView{Delivery: f.Delivery, AccountName: f.AccountName, PlatformLabel: f.Platform.Label()}})
	}
	return out, nil
}

// deliveryRows is the console's GET /items/{id}/deliveries, with account
// names and platform labels.
func (s *Server) deliveryRows(ctx context.Context, itemID int64) ([]deliveryView, error) {
	ds, err := s.DB.ItemDeliveries(ctx, itemID)
	if err != nil {
		return nil, err
	}
	out := make([]deliveryView, 0, len(ds))
	for _, d := range ds {
		v := deliveryView{Delivery: d, PlatformLabel: d.Platform.Label()}
		if a, err := s.DB.Account(ctx, d.AccountID); err == nil {
			v.AccountName = a.Name
		}
		out = append(out, v)
	}
	return out, nil
}
