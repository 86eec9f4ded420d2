package items

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/media"
	"github.com/tongfa/tongfa/review"
	"github.com/tongfa/tongfa/sanitize"
	"github.com/tongfa/tongfa/sensitive"
)

// FieldFinding is a checker finding in one field of an item; offsets are
// into that field's checked text (the body's as plain text).
type FieldFinding struct {
	Field string `json:"field"`
	// Location and Media place a finding inside a file the version uses
	// (an attachment's cell, paragraph or page; a picture's QR code).
	Location string            `json:"location,omitempty"`
	Media    *tongfa.MediaHash `json:"media,omitempty"`
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
	if v := c.Video; v != nil {
		fs = append(fs, [2]string{"video.title", v.Title}, [2]string{"video.description", v.Description})
	}
	if s := c.Source; s != nil {
		fs = append(fs, [2]string{"source.unit", s.Unit}, [2]string{"source.author", s.Author}, [2]string{"source.title", s.Title})
	}
	return fs
}

// CheckContent runs the checker over every published field of c with a
// unit's rules (opts: its leaders table and words, nil ones not checked,
// and the day leaders are judged on); c's exemption is its own.
func CheckContent(ctx context.Context, checker *sensitive.Checker, c tongfa.Content, opts sensitive.Options) *Check {
	out := &Check{Findings: []FieldFinding{}, RequiredTier: tongfa.TierRoutine, Reasons: []string{}}
	opts.Exemption = c.Exemption
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
		out.addReasons(seen, rep.Reasons...)
	}
	return out
}

func (ch *Check) addReasons(seen map[string]bool, reasons ...string) {
	for _, r := range reasons {
		if !seen[r] {
			seen[r] = true
			ch.Reasons = append(ch.Reasons, r)
		}
	}
}

// CheckDay is the day a version's leaders are judged on: its event time
// or, without one, the day of at (today for a draft, the day it was
// published for a patrol), in China time.
func CheckDay(c tongfa.Content, at time.Time) sensitive.Date {
	if c.EventTime != nil {
		return sensitive.DateOf(*c.EventTime)
	}
	return sensitive.DateOf(at)
}

// UnitRules gives what a unit adds to the checker: the leaders table and
// the words that apply to its content, its supervising units' and its
// own (registry.UnitRules).
type UnitRules interface {
	Options(ctx context.Context, unit int64) (sensitive.Options, error)
}

// Checker checks item versions: the content checker, with the leaders
// table and words of the item's unit, each version judged on its own day.
type Checker struct {
	C     *sensitive.Checker
	Rules UnitRules // nil: no leaders and no unit words are checked
	// Files, when set, checks the files a version uses: attachments,
	// pictures' QR codes against Allowed, alt text and captions.
	Files   Files
	Allowed media.AllowList
	Now     func() time.Time // today, for a version without an event time
}

// unitOptions returns the options of unit's rules (none without Rules).
func (k Checker) unitOptions(ctx context.Context, unit int64) (sensitive.Options, error) {
	if k.Rules == nil {
		return sensitive.Options{}, nil
	}
	opts, err := k.Rules.Options(ctx, unit)
	if err != nil {
		return sensitive.Options{}, fmt.Errorf("items: leaders and words of unit %d: %w", unit, err)
	}
	return opts, nil
}

var _ review.Checker = Checker{}

// Version checks version content c of an item of unit. It fails only when
// the unit's leaders table or words cannot be read.
func (k Checker) Version(ctx context.Context, unit int64, c tongfa.Content) (*Check, error) {
	opts, err := k.unitOptions(ctx, unit)
	if err != nil {
		return nil, err
	}
	opts.On = CheckDay(c, k.now())
	ch := CheckContent(ctx, k.C, c, opts)
	opts.Exemption = c.Exemption
	if err := k.checkMedia(ctx, unit, c, opts, ch); err != nil {
		return nil, err
	}
	return ch, nil
}

func (k Checker) now() time.Time {
	if k.Now == nil {
		return time.Now()
	}
	return k.Now()
}

// CheckContent implements review.Checker: submission is refused when the
// leaders table cannot be read rather than passed unchecked.
func (k Checker) CheckContent(ctx context.Context, unit int64, c tongfa.Content) (*review.CheckOutcome, error) {
	ch, err := k.Version(ctx, unit, c)
	if err != nil {
		return nil, err
	}
	out := &review.CheckOutcome{Blocked: ch.Blocked, KeepsPII: ch.KeepsPII, Report: ch}
	for _, f := range ch.Findings {
		out.Findings = append(out.Findings, review.Finding{Kind: f.Kind, Category: f.Category, Level: f.Level, Text: f.Rule})
	}
	return out, nil
}
