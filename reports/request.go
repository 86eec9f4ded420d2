package reports

import (
	"context"
	"strconv"
	"time"

	"github.com/tongfa/tongfa/access"
)

// Params is a report request as text, from the API's path and query or
// the command line's arguments; both read it with Parse, so they cannot
// disagree on what a request means.
type Params struct {
	Kind, From, To, Unit, Account, Format string
}

// Request is a checked report request. Unit and Account are 0 when not given.
type Request struct {
	Period  Period
	Unit    int64
	Account int64
	Format  string
}

// Parse checks every parameter; dates are read in Asia/Shanghai and a
// missing from means the period containing now.
func (p Params) Parse(now time.Time) (Request, error) {
	var req Request
	var err error
	if req.Format, err = ParseFormat(p.Format); err != nil {
		return req, err
	}
	if req.Period, err = ParsePeriod(p.Kind, p.From, p.To, now); err != nil {
		return req, err
	}
	if req.Unit, err = parseID("unit", p.Unit); err != nil {
		return req, err
	}
	req.Account, err = parseID("account", p.Account)
	return req, err
}

// parseID reads an optional positive id.
func parseID(field, s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, badParam(field, "应为正整数编号")
	}
	return id, nil
}

// For is Make for a person: over the units p may read.
func (s *Service) For(ctx context.Context, p *access.Principal, req Request) (*Report, error) {
	allowed := p.Tree.Readable(p.User)
	if allowed == nil {
		allowed = []int64{} // nil would mean every unit: a person with no unit reads none
	}
	return s.Make(ctx, req, allowed)
}

// Make resolves req's scope within the units the caller may read (nil:
// every unit) and builds the report.
func (s *Service) Make(ctx context.Context, req Request, allowed []int64) (*Report, error) {
	sc, err := s.Scope(ctx, allowed, req.Unit, req.Account)
	if err != nil {
		return nil, err
	}
	return s.Build(ctx, req.Period, sc)
}
