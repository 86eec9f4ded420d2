package items

import (
	"context"
	"strings"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/review"
	"github.com/tongfa/tongfa/sanitize"
	"github.com/tongfa/tongfa/sensitive"
)

// FieldFinding is a checker finding in one field of an item; offsets are
// into that field's checked text (the body's as plain text).
type FieldFinding struct {
	Field string `json:"field"`
	sensitive.Finding
}

// Check is the checker's verdict on a whole item version.
type Check struct {
	Findings     []FieldFinding `json:"findings"`
	RequiredTier tongfa.Tier    `json:"required_tier"`
	Blocked      bool           `json:"blocked"`
	Reasons      []string       `json:"reasons"`
	KeepsPII     bool           `json:"keeps_personal_data"`
}

// fields are the parts of a version that are published, as text.
func fields(c tongfa.Content) [][2]string {
	fs := [][2]string{{"title", c.Title}, {"summary", c.Summary}, {"body", sanitize.PlainText(c.Body)}}
	if s := c.Source; s != nil {
		fs = append(fs, [2]string{"source.unit", s.Unit}, [2]string{"source.author", s.Author}, [2]string{"source.title", s.Title})
	}
	return fs
}

// CheckContent runs the checker over every published field of c.
func CheckContent(ctx context.Context, checker *sensitive.Checker, c tongfa.Content) *Check {
	out := &Check{Findings: []FieldFinding{}, RequiredTier: tongfa.TierRoutine, Reasons: []string{}}
	opts := sensitive.Options{Exemption: c.Exemption}
	seen := map[string]bool{}
	for _, f := range fields(c) {
		if f[1] == "" {
			continue
		}
		rep := checker.Check(ctx, f[1], opts)
		for _, fd := range rep.Findings {
			out.Findings = append(out.Findings, FieldFinding{Field: f[0], Finding: fd})
			out.KeepsPII = out.KeepsPII || c.Exemption != nil && fd.Kind == "pii" && !strings.HasPrefix(fd.Category, "public_")
		}
		out.Blocked = out.Blocked || rep.Blocked
		out.RequiredTier = tongfa.MaxTier(out.RequiredTier, rep.RequiredTier)
		for _, r := range rep.Reasons {
			if !seen[r] {
				seen[r] = true
				out.Reasons = append(out.Reasons, r)
			}
		}
	}
	return out
}

// ReviewChecker lets sign-off run the content checker.
type ReviewChecker struct{ C *sensitive.Checker }

var _ review.Checker = ReviewChecker{}

// CheckContent implements review.Checker.
func (r ReviewChecker) CheckContent(ctx context.Context, c tongfa.Content) (*review.CheckOutcome, error) {
	ch := CheckContent(ctx, r.C, c)
	out := &review.CheckOutcome{Blocked: ch.Blocked, KeepsPII: ch.KeepsPII, Report: ch}
	for _, f := range ch.Findings {
		out.Findings = append(out.Findings, review.Finding{Kind: f.Kind, Category: f.Category, Level: f.Level, Text: f.Rule})
	}
	return out, nil
}
