package workday

import (
	"bytes"
	_ "embed"
	"slices"
	"sync"
	"time"
)

//go:embed data/cn.txt
var embeddedFile []byte

var embedded = sync.OnceValue(func() Overrides {
	o, err := Parse(bytes.NewReader(embeddedFile))
	if err != nil {
		panic("workday: embedded data/cn.txt: " + err.Error())
	}
	return o
})

// Embedded returns the calendar data shipped in the binary (2025 and 2026,
// from the State Council notices).
func Embedded() Overrides {
	o := embedded()
	return Overrides{Years: slices.Clone(o.Years), Days: slices.Clone(o.Days)}
}

var defaultCalendar = sync.OnceValue(func() *Calendar { return New(embedded()) })

// Default returns the calendar of the embedded data alone.
func Default() *Calendar { return defaultCalendar() }

// day is the working time one whole working day contributes. Asia/Shanghai
// has kept no daylight saving since 1991, so every day is 24 hours long.
const day = 24 * time.Hour

// maxDays bounds AddWorkingDays so n×24h cannot overflow a Duration.
const maxDays = 100 * 366

// Calendar answers working-day questions. It is immutable once built and
// safe for concurrent use.
type Calendar struct {
	days  map[Date]Kind
	years map[int]bool
}

// New builds a calendar from sets of overrides, typically Embedded()
// followed by what administrators imported. A date listed in several sets
// takes the kind from the last one, so an import can correct shipped data.
func New(sets ...Overrides) *Calendar {
	c := &Calendar{days: map[Date]Kind{}, years: map[int]bool{}}
	for _, s := range sets {
		for _, d := range s.Days {
			c.days[d.Date] = d.Kind
		}
		for _, y := range s.Years {
			c.years[y.Year] = true
		}
	}
	return c
}

// IsWorkingDay reports whether t falls on a working day in Asia/Shanghai.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	return c.isWorking(DateOf(t))
}

func (c *Calendar) isWorking(d Date) bool {
	if k, ok := c.days[d]; ok {
		return k == Workday
	}
	if !c.years[d.Year] && isStatutoryHoliday(d) {
		return false // no notice yet: the law's holidays, without 调休
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// workingAt reports whether the day containing t (already in Asia/Shanghai)
// is a working day, without the zone conversion of IsWorkingDay.
func (c *Calendar) workingAt(t time.Time) bool {
	y, m, d := t.Date()
	return c.isWorking(Date{y, m, d})
}

// AddWorkingDays returns the deadline n working days after start, by the
// rule in the package documentation, in Asia/Shanghai. A negative n counts
// back: the latest instant with |n| days of working time before start.
// It panics if |n| exceeds 36,600 (a century), which no deadline needs.
func (c *Calendar) AddWorkingDays(start time.Time, n int) time.Time {
	if n > maxDays || n < -maxDays {
		panic("workday: AddWorkingDays: n out of range")
	}
	start = start.In(shanghai)
	if n < 0 {
		return c.back(start, time.Duration(-n)*day)
	}
	return c.forward(start, time.Duration(n)*day)
}

// forward returns the earliest instant at which need of working time has
// passed since t; with need 0 that is t itself or the start of the next
// working day.
func (c *Calendar) forward(t time.Time, need time.Duration) time.Time {
	for {
		end := nextMidnight(t)
		if c.workingAt(t) {
			if avail := end.Sub(t); need <= avail {
				return t.Add(need)
			}
			need -= end.Sub(t)
		}
		t = end
	}
}

// back mirrors forward: the latest instant with need of working time
// between it and t.
func (c *Calendar) back(t time.Time, need time.Duration) time.Time {
	for {
		begin := prevMidnight(t)
		if c.workingAt(begin) {
			if avail := t.Sub(begin); need <= avail {
				return t.Add(-need)
			}
			need -= t.Sub(begin)
		}
		t = begin
	}
}

// WorkingTimeBetween returns how much of [a, b) falls on working days,
// counting whole calendar days (24 hours each), not office hours: the
// statutory limits count working days, and office hours differ by unit.
// It is negative when b is before a.
func (c *Calendar) WorkingTimeBetween(a, b time.Time) time.Duration {
	if b.Before(a) {
		return -c.WorkingTimeBetween(b, a)
	}
	var total time.Duration
	for t := a.In(shanghai); t.Before(b); {
		end := nextMidnight(t)
		if b.Before(end) {
			end = b
		}
		if c.workingAt(t) {
			total += end.Sub(t)
		}
		t = end
	}
	return total
}

// Covered reports whether some loaded data declared year complete.
func (c *Calendar) Covered(year int) bool { return c.years[year] }

// Estimated reports whether year's holidays are estimated: no State
// Council notice covers it, so its rest days are the weekends and the
// public holidays of the law (StatutoryHolidays), without the notice's
// bridge days and adjusted working weekends.
func (c *Calendar) Estimated(year int) bool { return !c.years[year] && estimable(year) }

// EstimatedBetween reports whether a result counted over [from, to] (either
// order) — a deadline from its start — is not official: some year of the
// span has no State Council notice, and its holidays were estimated (or,
// outside 2000–2100, not known at all).
func (c *Calendar) EstimatedBetween(from, to time.Time) bool {
	y1, y2 := from.In(shanghai).Year(), to.In(shanghai).Year()
	if y1 > y2 {
		y1, y2 = y2, y1
	}
	for y := y1; y <= y2; y++ {
		if !c.years[y] {
			return true
		}
	}
	return false
}

// Years returns the covered years in ascending order.
func (c *Calendar) Years() []int {
	ys := make([]int, 0, len(c.years))
	for y := range c.years {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	return ys
}

// MissingYears returns, in ascending order, the years from from's to to's
// (inclusive, in Asia/Shanghai, either order) without a State Council
// notice: results touching them used the law's holidays (Estimated), or,
// outside 2000–2100, weekends alone.
func (c *Calendar) MissingYears(from, to time.Time) []int {
	y1, y2 := from.In(shanghai).Year(), to.In(shanghai).Year()
	if y1 > y2 {
		y1, y2 = y2, y1
	}
	var missing []int
	for y := y1; y <= y2; y++ {
		if !c.years[y] {
			missing = append(missing, y)
		}
	}
	return missing
}
