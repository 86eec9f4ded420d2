package workday

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/6tail/lunar-go/calendar"
)

// law is one version of 《全国年节及纪念日放假办法》: the public holidays
// every citizen has off (第二条), from the year it took effect. Only the
// State Council's yearly notice adds bridge days and adjusted working
// weekends (调休); the law alone gives the dates below.
type law struct {
	from      int  // first year in force
	eve       bool // 除夕 (the day before 正月初一) is a holiday
	spring    int  // days off from 正月初一
	may       int  // days off from 1 May
	festivals bool // 清明节, 端午节 and 中秋节 are holidays
}

// laws, newest first.
var laws = []law{
	{from: 2025, eve: true, spring: 3, may: 2, festivals: true},      // 国务院令第795号（2024年11月10日）
	{from: 2014, eve: false, spring: 3, may: 1, festivals: true},     // 国务院令第644号（2013年12月11日）
	{from: 2008, eve: true, spring: 2, may: 1, festivals: true},      // 国务院令第513号（2007年12月14日）
	{from: minYear, eve: false, spring: 3, may: 3, festivals: false}, // 国务院令第270号（1999年9月18日）
}

// estimable reports whether year's holidays can be computed from the law:
// the years holiday files accept, all under one of the laws above.
func estimable(year int) bool { return year >= minYear && year <= maxYear }

// StatutoryHolidays returns the public holidays of year as the law in
// force that year sets them, in date order, named as in the notices: the
// estimate used for a year whose State Council notice has not been
// imported. It returns nil for a year outside 2000–2100.
func StatutoryHolidays(year int) []Override {
	if !estimable(year) {
		return nil
	}
	return statutory(year).list
}

// MissingText says in Chinese, for administrators and operators, that the
// notices of years (MissingYears) have not been imported and what the
// deadlines rest on meanwhile; "" when none is missing.
func MissingText(years []int) string {
	if len(years) == 0 {
		return ""
	}
	return YearsText(years) + "的国务院放假通知尚未导入，期限按法定节日估算"
}

// YearsText writes years as operators read them: "2025、2026 年"; "" for none.
func YearsText(years []int) string {
	if len(years) == 0 {
		return ""
	}
	ys := make([]string, len(years))
	for i, y := range years {
		ys[i] = strconv.Itoa(y)
	}
	return strings.Join(ys, "、") + " 年"
}

// estimate is one year's statutory holidays, as a list and by date.
type estimate struct {
	list  []Override
	dates map[Date]bool
}

// estimates caches each year's estimate: the lunar computation takes about
// a millisecond, and deadlines ask for the same days again and again.
var estimates sync.Map // int → *estimate

func statutory(year int) *estimate {
	if e, ok := estimates.Load(year); ok {
		return e.(*estimate)
	}
	e := &estimate{list: computeStatutory(year), dates: map[Date]bool{}}
	for _, o := range e.list {
		e.dates[o.Date] = true
	}
	actual, _ := estimates.LoadOrStore(year, e)
	return actual.(*estimate)
}

// isStatutoryHoliday reports whether d is a public holiday by the law.
func isStatutoryHoliday(d Date) bool {
	return estimable(d.Year) && statutory(d.Year).dates[d]
}

func computeStatutory(year int) []Override {
	l := lawOf(year)
	var out []Override
	add := func(d Date, days int, name string) {
		for i := range days {
			day := d.addDays(i)
			// 中秋节 falls on 1 October some years (2001, 2020): the law
			// then gives no extra day.
			if j := slices.IndexFunc(out, func(o Override) bool { return o.Date == day }); j >= 0 {
				out[j].Name += "、" + name
				continue
			}
			out = append(out, Override{Date: day, Kind: Holiday, Name: name})
		}
	}
	add(Date{year, time.January, 1}, 1, "元旦")
	newYear := lunarDate(year, 1, 1)
	if l.eve {
		add(newYear.addDays(-1), 1, "春节")
	}
	add(newYear, l.spring, "春节")
	if l.festivals {
		add(qingming(year), 1, "清明节")
	}
	add(Date{year, time.May, 1}, l.may, "劳动节")
	add(Date{year, time.October, 1}, 3, "国庆节")
	if l.festivals {
		add(lunarDate(year, 5, 5), 1, "端午节")
		add(lunarDate(year, 8, 15), 1, "中秋节") // after 国庆节: the notices name a shared day 国庆节、中秋节
	}
	slices.SortFunc(out, func(a, b Override) int { return a.Date.compare(b.Date) })
	return out
}

func lawOf(year int) law {
	for _, l := range laws {
		if year >= l.from {
			return l
		}
	}
	return laws[len(laws)-1]
}

// lunarDate is the civil date of a day of the Chinese lunar calendar
// (never a leap month: the festivals fall in ordinary months).
func lunarDate(year, month, day int) Date {
	s := calendar.NewLunarFromYmd(year, month, day).GetSolar()
	return Date{s.GetYear(), time.Month(s.GetMonth()), s.GetDay()}
}

// qingming is the day of the 清明 solar term in China (4 or 5 April).
func qingming(year int) Date {
	s := calendar.NewSolarFromYmd(year, 4, 15).GetLunar().GetJieQiTable()["清明"]
	return Date{s.GetYear(), time.Month(s.GetMonth()), s.GetDay()}
}
