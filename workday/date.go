package workday

import (
	"cmp"
	"fmt"
	"time"
	_ "time/tzdata" // minimal machines and containers often ship no zoneinfo
)

// shanghai is the zone every official calendar date is counted in,
// whatever zone a caller's instants carry.
var shanghai = mustLoad("Asia/Shanghai")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("workday: embedded tzdata lacks " + name + ": " + err.Error())
	}
	return loc
}

// Location returns Asia/Shanghai, the zone of every result of this package.
func Location() *time.Location { return shanghai }

// Date is a civil date in the official calendar, independent of any zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date t falls on in Asia/Shanghai.
func DateOf(t time.Time) Date {
	y, m, d := t.In(shanghai).Date()
	return Date{y, m, d}
}

// String formats the date as YYYY-MM-DD, the format of holiday files.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Weekday is computed from the civil date alone so that it cannot shift
// with the zone of whatever instant the date came from.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
}

// addDays is the date n days later (earlier for negative n).
func (d Date) addDays(n int) Date {
	t := time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC)
	return Date{t.Year(), t.Month(), t.Day()}
}

// compare orders dates: negative when d is before o, 0 when equal.
func (d Date) compare(o Date) int {
	return cmp.Or(cmp.Compare(d.Year, o.Year), cmp.Compare(d.Month, o.Month), cmp.Compare(d.Day, o.Day))
}

// nextMidnight returns 00:00 of the day after t's day, in Asia/Shanghai.
func nextMidnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, shanghai)
}

// prevMidnight returns the latest 00:00 strictly before t.
func prevMidnight(t time.Time) time.Time {
	y, m, d := t.Date()
	mid := time.Date(y, m, d, 0, 0, 0, 0, shanghai)
	if mid.Equal(t) {
		mid = time.Date(y, m, d-1, 0, 0, 0, 0, shanghai)
	}
	return mid
}
