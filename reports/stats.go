package reports

import (
	"encoding/json"
	"math"
	"slices"
	"time"
)

// Rate is a share with its counts, so a reader can check it: Num of Den.
// With Den 0 there is nothing to judge and the rate has no value.
type Rate struct {
	Num int
	Den int
}

// Value is Num/Den, or false when Den is 0.
func (r Rate) Value() (float64, bool) {
	if r.Den == 0 {
		return 0, false
	}
	return float64(r.Num) / float64(r.Den), true
}

// Add sums two rates' counts.
func (r Rate) Add(o Rate) Rate { return Rate{Num: r.Num + o.Num, Den: r.Den + o.Den} }

// MarshalJSON writes {"num":3,"den":4,"value":0.75}; value is null when den is 0.
func (r Rate) MarshalJSON() ([]byte, error) {
	out := struct {
		Num   int      `json:"num"`
		Den   int      `json:"den"`
		Value *float64 `json:"value"`
	}{Num: r.Num, Den: r.Den}
	if v, ok := r.Value(); ok {
		v = round(v, 4)
		out.Value = &v
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads what MarshalJSON writes (the value is derived).
func (r *Rate) UnmarshalJSON(b []byte) error {
	var in struct{ Num, Den int }
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*r = Rate{Num: in.Num, Den: in.Den}
	return nil
}

// durations collects durations for a median and a maximum.
type durations []time.Duration

// stat returns the median and the longest, in unit, rounded to places;
// nil when there are none. The median of an even count is the mean of
// the two middle values.
func (ds durations) stat(unit time.Duration, places int) (median, worst *float64) {
	if len(ds) == 0 {
		return nil, nil
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	mid := s[n/2]
	if n%2 == 0 {
		mid = (s[n/2-1] + s[n/2]) / 2
	}
	m, w := round(float64(mid)/float64(unit), places), round(float64(s[n-1])/float64(unit), places)
	return &m, &w
}

// round rounds half away from zero to places decimals.
func round(v float64, places int) float64 {
	p := math.Pow10(places)
	return math.Round(v*p) / p
}

// onTime is one judged case as a rate: counted only when due.
func onTime(ok, due bool) Rate {
	switch {
	case !due:
		return Rate{}
	case ok:
		return Rate{Num: 1, Den: 1}
	}
	return Rate{Den: 1}
}
