package clocks

import (
	"context"
	"fmt"
	"time"

	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/notify"
	"github.com/tongfa/tongfa/store"
)

// Interpretation is the R8 clock of one published policy document.
type Interpretation struct {
	DocID       int64     `json:"document_id"`
	Title       string    `json:"title"`
	UnitID      int64     `json:"unit_id"`
	PublishedAt time.Time `json:"published_at"`
	Deadline    time.Time `json:"deadline"`
	// DeadlineEstimated: counted over a year without the State Council
	// notice; the console marks it 按法定节日估算.
	DeadlineEstimated bool       `json:"deadline_estimated"`
	InterpretedAt     *time.Time `json:"interpreted_at,omitempty"`
	Interpretations   []int64    `json:"interpretations"`
	State             string     `json:"state"`
	Elapsed           float64    `json:"elapsed"`
}

// Interpretations lists the policy documents of the units p may read
// published in the last 90 days with their interpretation deadline (3
// working days).
func (s *Service) Interpretations(ctx context.Context, p *access.Principal, now time.Time) ([]Interpretation, error) {
	return s.interpretations(ctx, p.Tree.Readable(p.User), now)
}

// interpretations is Interpretations over units (nil: every unit, for the sweep).
func (s *Service) interpretations(ctx context.Context, units []int64, now time.Time) ([]Interpretation, error) {
	docs, err := s.DB.PolicyDocs(ctx, units, now.AddDate(0, 0, -90))
	if err != nil {
		return nil, err
	}
	cal := s.Calendar()
	out := []Interpretation{}
	for _, d := range docs {
		pol, err := s.PolicyFor(ctx, d.UnitID)
		if err != nil {
			return nil, err
		}
		span := pol.Interpretation
		in := Interpretation{DocID: d.ItemID, Title: d.Title, UnitID: d.UnitID, PublishedAt: d.PublishedAt,
			Deadline: span.End(cal, d.PublishedAt), InterpretedAt: d.Interpreted, Interpretations: d.Interpretations}
		in.DeadlineEstimated = span.Estimated(cal, d.PublishedAt, in.Deadline)
		at := now
		if d.Interpreted != nil {
			at = *d.Interpreted
		}
		in.Elapsed = span.Elapsed(cal, d.PublishedAt, in.Deadline, at)
		switch {
		case d.Interpreted != nil && !d.Interpreted.After(in.Deadline):
			in.State = Met
		case d.Interpreted != nil:
			in.State = Missed
		case in.Elapsed >= 1:
			in.State = Breached
		case len(pol.AtRisk) > 0 && in.Elapsed >= pol.AtRisk[0]:
			in.State = AtRisk
		default:
			in.State = OnTrack
		}
		out = append(out, in)
	}
	return out, nil
}

// InterpretationSweep alerts the document's unit at each threshold, once.
func (s *Service) InterpretationSweep(ctx context.Context, now time.Time) (int, error) {
	list, err := s.interpretations(ctx, nil, now)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, in := range list {
		if in.InterpretedAt != nil {
			continue
		}
		pol, err := s.PolicyFor(ctx, in.UnitID)
		if err != nil {
			return n, err
		}
		for _, f := range pol.thresholds() {
			if in.Elapsed < f {
				break
			}
			ok, err := s.interpretationAlert(ctx, in, f)
			if err != nil {
				return n, err
			}
			if ok {
				n++
			}
		}
	}
	return n, nil
}

func (s *Service) interpretationAlert(ctx context.Context, in Interpretation, f float64) (bool, error) {
	msg := fmt.Sprintf("【政策解读%s】「%s」已于 %s 发布，解读须在 %s 前发布", map[bool]string{true: "已超时", false: "即将到期"}[f >= 1],
		in.Title, in.PublishedAt.Format("01-02 15:04"), in.Deadline.Format("01-02 15:04"))
	var fired bool
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if fired, err = tx.FireAlert(ctx, fmt.Sprintf("item:%d", in.DocID), "interpretation", levelName(f), &in.UnitID, msg); err != nil || !fired {
			return err
		}
		to, err := tx.UsersWithRole(ctx, []int64{in.UnitID}, "editor")
		if err != nil {
			return err
		}
		return tx.Notify(ctx, to, &in.DocID, "interpretation."+levelName(f), f >= 1, msg)
	})
	if fired && err == nil {
		s.Notify.Unit(ctx, in.UnitID, notify.Message{Title: "政策解读时限提醒", Text: msg})
	}
	return fired, err
}
