package reports

import (
	"fmt"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/workday"
)

// Kind is the kind of period a report covers.
type Kind string

// Period kinds.
const (
	Week    Kind = "week"
	Month   Kind = "month"
	Quarter Kind = "quarter"
	Year    Kind = "year"
	Custom  Kind = "custom"
)

// Kinds lists the kinds in the order the console offers them.
var Kinds = []Kind{Week, Month, Quarter, Year, Custom}

// Label is the Chinese name of the kind.
func (k Kind) Label() string {
	switch k {
	case Week:
		return "周报"
	case Month:
		return "月报"
	case Quarter:
		return "季报"
	case Year:
		return "年报"
	}
	return "自定义时段"
}

// MaxCustomDays bounds a custom period, which keeps a report's cost bounded.
const MaxCustomDays = 366

// dateLayout is how dates are written in requests, flags and exports.
const dateLayout = "2006-01-02"

// Period is [From, To): both 00:00 Asia/Shanghai.
type Period struct {
	Kind Kind
	From time.Time
	To   time.Time
}

// Last is the last day inside the period, for people who read periods as
// inclusive ("2026-01-01 至 2026-03-31").
func (p Period) Last() time.Time { return p.To.AddDate(0, 0, -1) }

// Label names the period in Chinese.
func (p Period) Label() string {
	f := p.From
	switch p.Kind {
	case Week:
		y, w := f.ISOWeek()
		return fmt.Sprintf("%d 年第 %d 周（%s 至 %s）", y, w, f.Format(dateLayout), p.Last().Format(dateLayout))
	case Month:
		return fmt.Sprintf("%d 年 %d 月", f.Year(), f.Month())
	case Quarter:
		return fmt.Sprintf("%d 年第 %d 季度", f.Year(), (int(f.Month())+2)/3)
	case Year:
		return fmt.Sprintf("%d 年", f.Year())
	}
	return fmt.Sprintf("%s 至 %s", f.Format(dateLayout), p.Last().Format(dateLayout))
}

// ParsePeriod reads a period from the API's or the command line's
// strings. For week, month, quarter and year, from is any date inside the
// period (default: today) and to, if given, must be the period's end;
// custom needs both, to after from and at most MaxCustomDays later. Dates
// are YYYY-MM-DD in Asia/Shanghai; to is exclusive.
func ParsePeriod(kind, from, to string, now time.Time) (Period, error) {
	k := Kind(kind)
	if !validKind(k) {
		return Period{}, badParam("kind", "报表周期应为 week（周）、month（月）、quarter（季度）、year（年）或 custom（自定义）")
	}
	if k == Custom {
		return parseCustom(from, to)
	}
	day := dayOf(now)
	if from != "" {
		var err error
		if day, err = parseDate("from", from); err != nil {
			return Period{}, err
		}
	}
	p := containing(k, day)
	if to != "" {
		end, err := parseDate("to", to)
		if err != nil {
			return Period{}, err
		}
		if !end.Equal(p.To) {
			return Period{}, badParam("to", fmt.Sprintf("%s的结束日期（不含）应为 %s，可省略 to", k.Label(), p.To.Format(dateLayout)))
		}
	}
	return p, nil
}

func validKind(k Kind) bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

func parseCustom(from, to string) (Period, error) {
	const both = "自定义时段须同时给出起始日期 from 和结束日期 to（不含）"
	if from == "" {
		return Period{}, badParam("from", both)
	}
	if to == "" {
		return Period{}, badParam("to", both)
	}
	f, err := parseDate("from", from)
	if err != nil {
		return Period{}, err
	}
	t, err := parseDate("to", to)
	if err != nil {
		return Period{}, err
	}
	if !t.After(f) {
		return Period{}, badParam("to", "结束日期（不含）应晚于起始日期")
	}
	if t.After(f.AddDate(0, 0, MaxCustomDays)) {
		return Period{}, badParam("to", fmt.Sprintf("自定义时段最长 %d 天", MaxCustomDays))
	}
	return Period{Kind: Custom, From: f, To: t}, nil
}

// containing is the period of kind k that contains day.
func containing(k Kind, day time.Time) Period {
	y, m, d := day.Date()
	loc := workday.Location()
	var from, to time.Time
	switch k {
	case Week:
		from = time.Date(y, m, d-(int(day.Weekday())+6)%7, 0, 0, 0, 0, loc)
		to = from.AddDate(0, 0, 7)
	case Month:
		from = time.Date(y, m, 1, 0, 0, 0, 0, loc)
		to = from.AddDate(0, 1, 0)
	case Quarter:
		from = time.Date(y, m-(m-1)%3, 1, 0, 0, 0, 0, loc)
		to = from.AddDate(0, 3, 0)
	default:
		from = time.Date(y, 1, 1, 0, 0, 0, 0, loc)
		to = from.AddDate(1, 0, 0)
	}
	return Period{Kind: k, From: from, To: to}
}

func parseDate(field, s string) (time.Time, error) {
	t, err := time.ParseInLocation(dateLayout, s, workday.Location())
	if err != nil {
		return t, badParam(field, "日期格式应为 YYYY-MM-DD，如 2026-01-01")
	}
	return t, nil
}

// dayOf is 00:00 Asia/Shanghai of t's day.
func dayOf(t time.Time) time.Time {
	y, m, d := t.In(workday.Location()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, workday.Location())
}

// badParam is the error of one malformed parameter.
func badParam(field, msg string) error {
	return &tongfa.Error{Code: tongfa.EBadQuery, Message: "报表参数不正确：" + msg, Fields: map[string]string{field: msg}}
}
