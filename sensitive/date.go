package sensitive

import (
	"fmt"
	"time"
)

// china is the zone official dates are counted in (no daylight saving
// since 1991, so a fixed offset needs no zone database).
var china = time.FixedZone("CST", 8*3600)

// Date is a calendar day, written YYYY-MM-DD in tables and JSON. The zero
// Date is "no date": an open end of a term of office.
type Date struct{ days int32 } // days since 1970-01-01 plus dateBias; 0 is no date

// dateBias keeps every day since antiquity positive, so 0 can mean none.
const dateBias = 1 << 20

// DateOf returns the day t falls on in China time.
func DateOf(t time.Time) Date {
	y, m, d := t.In(china).Date()
	return MakeDate(y, m, d)
}

// Today is the current day in China time, the default date a check judges
// titles on.
func Today() Date { return DateOf(time.Now()) }

// MakeDate returns the given day (out-of-range days roll over as in
// time.Date).
func MakeDate(year int, month time.Month, day int) Date {
	t := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	return Date{days: int32(t.Unix()/86400) + dateBias}
}

const dateFormat = "应为 YYYY-MM-DD 格式的真实日期"

// ParseDate reads YYYY-MM-DD; anything else, or a day that does not
// exist, is an error in Chinese for the operator.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || len(s) != len(time.DateOnly) {
		return Date{}, fmt.Errorf("日期「%s」无效，%s", s, dateFormat)
	}
	return MakeDate(t.Date()), nil
}

// IsZero reports whether d is no date.
func (d Date) IsZero() bool { return d.days == 0 }

// Before reports whether d is a day earlier than e.
func (d Date) Before(e Date) bool { return d.days < e.days }

// Time is 00:00 of d in China time.
func (d Date) Time() time.Time {
	y, m, day := time.Unix(int64(d.days-dateBias)*86400, 0).UTC().Date()
	return time.Date(y, m, day, 0, 0, 0, 0, china)
}

// String is YYYY-MM-DD, or "" for no date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format(time.DateOnly)
}

// chinese is the date as operators read it: 2024年3月1日.
func (d Date) chinese() string {
	y, m, day := d.Time().Date()
	return fmt.Sprintf("%d年%d月%d日", y, m, day)
}

// MarshalText writes YYYY-MM-DD ("" for no date).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD; "" is no date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	*d = v
	return err
}
