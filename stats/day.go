package stats

import (
	"time"

	"github.com/tongfa/tongfa/workday"
)

// Days are China calendar dates, held as UTC midnight of the date: what
// the store reads a PostgreSQL date as, and what the connectors take.

// DayOf is the China date of t.
func DayOf(t time.Time) time.Time {
	c := t.In(workday.Location())
	return time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, time.UTC)
}

// start is the instant the China day d begins.
func start(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, workday.Location())
}

// Date is a China date in JSON: "2006-01-02".
type Date struct{ time.Time }

// MarshalJSON writes the date.
func (d Date) MarshalJSON() ([]byte, error) { return []byte(`"` + d.Format(time.DateOnly) + `"`), nil }

// UnmarshalJSON reads what MarshalJSON writes.
func (d *Date) UnmarshalJSON(b []byte) error {
	t, err := time.Parse(`"`+time.DateOnly+`"`, string(b))
	d.Time = t
	return err
}

// ParseDate reads a YYYY-MM-DD China date.
func ParseDate(s string) (time.Time, error) { return time.Parse(time.DateOnly, s) }
