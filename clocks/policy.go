package clocks

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/workday"
)

//go:embed policy.default.yaml
var defaultPolicy []byte

// Span is a deadline length: clock time ("1h", "30m", "14d") or working
// days ("1wd", "3wd").
type Span struct {
	Clock    time.Duration
	WorkDays int
}

// UnmarshalYAML reads "1h" or "3wd".
func (s *Span) UnmarshalYAML(n *yaml.Node) error {
	v := strings.TrimSpace(n.Value)
	if d, ok := strings.CutSuffix(v, "wd"); ok {
		k, err := strconv.Atoi(d)
		if err != nil || k <= 0 {
			return fmt.Errorf("%q: 工作日数须为正整数，如 1wd (working days must be positive)", v)
		}
		*s = Span{WorkDays: k}
		return nil
	}
	if d, ok := strings.CutSuffix(v, "d"); ok {
		k, err := strconv.Atoi(d)
		if err != nil || k <= 0 {
			return fmt.Errorf("%q: 天数须为正整数，如 14d (days must be positive)", v)
		}
		*s = Span{Clock: time.Duration(k) * 24 * time.Hour}
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return fmt.Errorf("%q: 须为时长（如 1h）或工作日（如 1wd） (want a duration or working days)", v)
	}
	*s = Span{Clock: d}
	return nil
}

// MarshalYAML writes a span the way UnmarshalYAML reads it ("1h", "3wd",
// "14d"), so the console can show a unit's effective policy as YAML.
func (s Span) MarshalYAML() (any, error) {
	switch {
	case s.WorkDays > 0:
		return fmt.Sprintf("%dwd", s.WorkDays), nil
	case s.Clock > 0 && s.Clock%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", s.Clock/(24*time.Hour)), nil
	}
	return s.Clock.String(), nil
}

func (s Span) String() string {
	switch {
	case s.WorkDays > 0:
		return fmt.Sprintf("%d 个工作日", s.WorkDays)
	case s.Clock%(24*time.Hour) == 0:
		return fmt.Sprintf("%d 天", s.Clock/(24*time.Hour))
	case s.Clock%time.Hour == 0:
		return fmt.Sprintf("%d 小时", s.Clock/time.Hour)
	case s.Clock%time.Minute == 0:
		return fmt.Sprintf("%d 分钟", s.Clock/time.Minute)
	}
	return fmt.Sprintf("%d 秒", s.Clock/time.Second)
}

// End is when a span starting at start ends.
func (s Span) End(cal *workday.Calendar, start time.Time) time.Time {
	if s.WorkDays > 0 {
		return cal.AddWorkingDays(start, s.WorkDays)
	}
	return start.Add(s.Clock)
}

// Estimated reports whether the end of a span from start is an estimate:
// working days counted across a year whose State Council notice has not
// been imported (docs/workdays.md). Clock spans never are.
func (s Span) Estimated(cal *workday.Calendar, start, end time.Time) bool {
	return s.WorkDays > 0 && cal.EstimatedBetween(start, end)
}

// Elapsed is the part of the span [start, end) already used at now: clock
// time for clock spans, working time for working-day spans.
func (s Span) Elapsed(cal *workday.Calendar, start, end, now time.Time) float64 {
	if !now.After(start) {
		return 0
	}
	if s.WorkDays > 0 {
		total := cal.WorkingTimeBetween(start, end)
		if total <= 0 {
			return 1
		}
		return float64(cal.WorkingTimeBetween(start, now)) / float64(total)
	}
	return float64(now.Sub(start)) / float64(end.Sub(start))
}

// Policy is a unit's clock settings.
type Policy struct {
	Urgent         map[tongfa.Platform]Span `yaml:"urgent"`
	AtRisk         []float64                `yaml:"at_risk"`
	Interpretation Span                     `yaml:"interpretation"`
	Weekly         map[tongfa.Platform]int  `yaml:"weekly"`
	Columns        map[string]Span          `yaml:"columns"`
	Manual         Span                     `yaml:"manual"`
	WarnAhead      time.Duration            `yaml:"warn_ahead"`
}

// DefaultPolicy is the embedded default.
func DefaultPolicy() *Policy {
	p, err := ParsePolicy(nil)
	if err != nil {
		panic("clocks: default policy: " + err.Error())
	}
	return p
}

// ParsePolicy reads a unit's override over the default; unknown keys and
// bad values are refused with the key named.
func ParsePolicy(b []byte) (*Policy, error) {
	p := &Policy{}
	for _, src := range [][]byte{defaultPolicy, b} {
		dec := yaml.NewDecoder(bytes.NewReader(src))
		dec.KnownFields(true)
		if err := dec.Decode(p); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("时限策略格式错误 (clock policy): %w", err)
		}
	}
	for _, r := range p.AtRisk {
		if r <= 0 || r >= 1 {
			return nil, fmt.Errorf("at_risk: %v 须在 0 与 1 之间 (thresholds are fractions of the window)", r)
		}
	}
	return p, nil
}

// UrgentSpan is the urgent first-report window of platform: its own, or
// the one of "other".
func (p *Policy) UrgentSpan(platform tongfa.Platform) (Span, bool) {
	if s, ok := p.Urgent[platform]; ok {
		return s, true
	}
	s, ok := p.Urgent[tongfa.PlatformOther]
	return s, ok
}

// thresholds are the alert levels, in order: each at-risk fraction, then 1.
func (p *Policy) thresholds() []float64 { return append(append([]float64{}, p.AtRisk...), 1) }
