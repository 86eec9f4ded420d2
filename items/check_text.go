package items

import (
	"context"
	"fmt"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/validate"
)

// TextCheck is a text to check as part of an item of a unit (POST
// /api/v1/check: the console checks each field as the editor types).
type TextCheck struct {
	Text      string
	Exemption *tongfa.Exemption
	// UnitID chooses the leaders table (0: the caller's own unit); Date is
	// the day leaders are judged on, YYYY-MM-DD ("": today, China time).
	UnitID int64
	Date   string
}

// CheckText checks a text as an item of a unit p may read is checked; a
// unit p may not read is not found.
func (s *Service) CheckText(ctx context.Context, p *Principal, in TextCheck) (*sensitive.Report, error) {
	unit, err := checkUnit(p, in.UnitID)
	if err != nil {
		return nil, err
	}
	on := sensitive.DateOf(s.Checker.now())
	if in.Date != "" {
		if on, err = sensitive.ParseDate(in.Date); err != nil {
			return nil, validate.Invalid("date", "日期应为 YYYY-MM-DD 格式的真实日期")
		}
	}
	opts, err := s.Checker.unitOptions(ctx, unit)
	var reasons []string
	if err != nil {
		reasons = append(reasons, leadersUnavailable)
	}
	opts.Exemption, opts.On = in.Exemption, on
	rep := s.Checker.C.Check(ctx, in.Text, opts)
	rep.Reasons = append(rep.Reasons, reasons...)
	return &rep, nil
}

// CheckDraft checks content not yet saved (the compose preview) as a
// version of an item of unit (0: p's own unit) is checked.
func (s *Service) CheckDraft(ctx context.Context, p *Principal, unit int64, c tongfa.Content) (*Check, error) {
	unit, err := checkUnit(p, unit)
	if err != nil {
		return nil, err
	}
	return s.Check(ctx, unit, c), nil
}

// checkUnit is the unit whose leaders table checks p's text: the one
// asked for, which p must be able to read, else p's own.
func checkUnit(p *Principal, asked int64) (int64, error) {
	switch {
	case asked == 0:
		return p.User.UnitID, nil
	case !p.Tree.CanRead(p.User, asked):
		return 0, fmt.Errorf("items: check for unit %d: %w", asked, tongfa.ErrNotFound)
	}
	return asked, nil
}
