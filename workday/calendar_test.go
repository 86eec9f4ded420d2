package workday

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// at parses a wall-clock time in Asia/Shanghai.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, shanghai)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

type span struct {
	from, to string
	kind     Kind
}

// The notices as published (国办发明电〔2024〕12号; the 2026 notice of
// 2025-11-04), written as ranges so that the test does not merely repeat
// data/cn.txt line by line.
var notices = map[int][]span{
	2025: {
		{"2025-01-01", "2025-01-01", Holiday},
		{"2025-01-26", "2025-01-26", Workday}, {"2025-01-28", "2025-02-04", Holiday}, {"2025-02-08", "2025-02-08", Workday},
		{"2025-04-04", "2025-04-06", Holiday},
		{"2025-04-27", "2025-04-27", Workday}, {"2025-05-01", "2025-05-05", Holiday},
		{"2025-05-31", "2025-06-02", Holiday},
		{"2025-09-28", "2025-09-28", Workday}, {"2025-10-01", "2025-10-08", Holiday}, {"2025-10-11", "2025-10-11", Workday},
	},
	2026: {
		{"2026-01-01", "2026-01-03", Holiday}, {"2026-01-04", "2026-01-04", Workday},
		{"2026-02-14", "2026-02-14", Workday}, {"2026-02-15", "2026-02-23", Holiday}, {"2026-02-28", "2026-02-28", Workday},
		{"2026-04-04", "2026-04-06", Holiday},
		{"2026-05-01", "2026-05-05", Holiday}, {"2026-05-09", "2026-05-09", Workday},
		{"2026-06-19", "2026-06-21", Holiday},
		{"2026-09-25", "2026-09-27", Holiday},
		{"2026-09-20", "2026-09-20", Workday}, {"2026-10-01", "2026-10-07", Holiday}, {"2026-10-10", "2026-10-10", Workday},
	},
}

func expand(t *testing.T, spans []span) map[Date]Kind {
	t.Helper()
	out := map[Date]Kind{}
	for _, s := range spans {
		for d := at(t, s.from+" 00:00"); !d.After(at(t, s.to+" 00:00")); d = d.AddDate(0, 0, 1) {
			out[DateOf(d)] = s.kind
		}
	}
	return out
}

func TestEmbeddedMatchesNotices(t *testing.T) {
	got := map[int]map[Date]Kind{}
	for _, o := range Embedded().Days {
		if got[o.Date.Year] == nil {
			got[o.Date.Year] = map[Date]Kind{}
		}
		got[o.Date.Year][o.Date] = o.Kind
	}
	for year, spans := range notices {
		want := expand(t, spans)
		for d, k := range want {
			if got[year][d] != k {
				t.Errorf("%s: data has %v, notice says %v", d, got[year][d], k)
			}
		}
		for d, k := range got[year] {
			if _, ok := want[d]; !ok {
				t.Errorf("%s %v: not in the %d notice", d, k, year)
			}
		}
		if !Default().Covered(year) {
			t.Errorf("%d not covered", year)
		}
	}
	if ys := Default().Years(); !slices.Equal(ys, []int{2025, 2026}) {
		t.Errorf("covered years %v", ys)
	}
}

func TestEvery2026Override(t *testing.T) {
	c := Default()
	for d, k := range expand(t, notices[2026]) {
		t.Run(fmt.Sprintf("%s_%s", d, k), func(t *testing.T) {
			noon := at(t, d.String()+" 12:00")
			if got := c.IsWorkingDay(noon); got != (k == Workday) {
				t.Errorf("IsWorkingDay = %v", got)
			}
			if wd := d.Weekday(); k == Workday && wd != time.Saturday && wd != time.Sunday {
				t.Errorf("adjusted working day on a %v", wd)
			}
		})
	}
}

func TestIsWorkingDay(t *testing.T) {
	c := Default()
	cases := []struct {
		name string
		at   time.Time
		want bool
	}{
		{"plain Saturday", at(t, "2026-03-07 10:00"), false},
		{"plain Sunday (妇女节 is no public holiday)", at(t, "2026-03-08 10:00"), false},
		{"plain Monday", at(t, "2026-03-09 10:00"), true},
		{"Friday before Spring Festival", at(t, "2026-02-13 23:59"), true},
		{"UTC evening is Shanghai's adjusted Saturday", time.Date(2026, 2, 13, 17, 0, 0, 0, time.UTC), true},
		{"UTC afternoon is Shanghai's Spring Festival", time.Date(2026, 2, 14, 16, 30, 0, 0, time.UTC), false},
		{"midnight belongs to the new day", at(t, "2026-10-01 00:00"), false},
		{"uncovered 2027 weekday", at(t, "2027-02-09 10:00"), true},
		{"uncovered 2027 weekend", at(t, "2027-02-06 10:00"), false},
		{"uncovered 2027: 正月初三 by the law", at(t, "2027-02-08 10:00"), false},
		{"uncovered 2027: no 调休 without the notice", at(t, "2027-10-04 10:00"), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.IsWorkingDay(tc.at); got != tc.want {
				t.Errorf("IsWorkingDay(%v) = %v", tc.at, got)
			}
		})
	}
}

func TestAddWorkingDays(t *testing.T) {
	c := Default()
	cases := []struct {
		name  string
		start time.Time
		n     int
		want  string
	}{
		{"n=0 on a working day is the start", at(t, "2026-03-09 10:30"), 0, "2026-03-09 10:30"},
		{"n=0 on a rest day is the next working day 00:00", at(t, "2026-10-03 12:00"), 0, "2026-10-08 00:00"},
		{"n=1 over a plain weekend", at(t, "2026-03-06 16:00"), 1, "2026-03-09 16:00"},
		{"n=1 on a Monday", at(t, "2026-03-09 09:00"), 1, "2026-03-10 09:00"},
		{"complaint before Spring Festival, 5 days", at(t, "2026-02-13 16:00"), 5, "2026-02-27 16:00"},
		{"complaint before Spring Festival, 20 days", at(t, "2026-02-13 16:00"), 20, "2026-03-19 16:00"},
		{"received on the adjusted Saturday", at(t, "2026-02-14 11:00"), 1, "2026-02-24 11:00"},
		{"received during Spring Festival counts from 02-24", at(t, "2026-02-15 10:00"), 1, "2026-02-25 00:00"},
		{"5 days from Spring Festival ends with the adjusted 02-28", at(t, "2026-02-15 10:00"), 5, "2026-03-01 00:00"},
		{"praise before National Day", at(t, "2026-09-30 10:00"), 5, "2026-10-13 10:00"},
		{"website error report before National Day", at(t, "2026-09-30 18:00"), 1, "2026-10-08 18:00"},
		{"received on Saturday before the adjusted Sunday 09-20", at(t, "2026-09-19 09:00"), 1, "2026-09-21 00:00"},
		{"received in the Mid-Autumn break", at(t, "2026-09-26 20:00"), 1, "2026-09-29 00:00"},
		{"midnight start ends at 24:00 even before a holiday", at(t, "2026-09-30 00:00"), 1, "2026-10-01 00:00"},
		{"interpretation 3 days over Labour Day", at(t, "2026-04-30 11:00"), 3, "2026-05-08 11:00"},
		{"4th day is the adjusted Saturday 05-09", at(t, "2026-04-30 11:00"), 4, "2026-05-09 11:00"},
		{"year boundary into the adjusted Sunday 01-04", at(t, "2025-12-31 15:00"), 1, "2026-01-04 15:00"},
		{"year boundary, 2 days", at(t, "2025-12-31 15:00"), 2, "2026-01-05 15:00"},
		{"Spring Festival 2025", at(t, "2025-01-27 09:00"), 1, "2025-02-05 09:00"},
		{"National Day 2025 with 10-11 adjusted", at(t, "2025-09-30 09:00"), 3, "2025-10-11 09:00"},
		{"back 5 over Spring Festival", at(t, "2026-02-27 16:00"), -5, "2026-02-13 16:00"},
		{"back 1 over National Day", at(t, "2026-10-08 09:00"), -1, "2026-09-30 09:00"},
		{"back 1 from midnight", at(t, "2026-10-08 00:00"), -1, "2026-09-30 00:00"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := c.AddWorkingDays(tc.start, tc.n)
			if want := at(t, tc.want); !got.Equal(want) || got.Location() != shanghai {
				t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tc.start.Format(time.DateTime), tc.n, got, want)
			}
		})
	}
}

func TestAddWorkingDaysAnyZone(t *testing.T) {
	start := time.Date(2026, 2, 13, 8, 0, 0, 0, time.UTC) // 16:00 in Shanghai
	if got := Default().AddWorkingDays(start, 5); !got.Equal(at(t, "2026-02-27 16:00")) {
		t.Errorf("got %s", got)
	}
}

func TestAddWorkingDaysRange(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for a million days")
		}
	}()
	Default().AddWorkingDays(time.Now(), 1_000_000)
}

// The deadline always leaves exactly n days of working time, whatever the
// start; this ties AddWorkingDays to WorkingTimeBetween.
func TestDeadlineLeavesNWorkingDays(t *testing.T) {
	c := Default()
	for s := at(t, "2024-12-20 00:00"); s.Before(at(t, "2027-01-10 00:00")); s = s.Add(7*time.Hour + 13*time.Minute) {
		for _, n := range []int{0, 1, 3, 5, 20} {
			end := c.AddWorkingDays(s, n)
			if got := c.WorkingTimeBetween(s, end); got != time.Duration(n)*day || end.Before(s) {
				t.Fatalf("start %s n %d: end %s leaves %s", s, n, end, got)
			}
		}
	}
}

func TestWorkingTimeBetween(t *testing.T) {
	c := Default()
	cases := []struct {
		name string
		a, b string
		want time.Duration
	}{
		{"within one working day", "2026-03-09 09:00", "2026-03-09 12:00", 3 * time.Hour},
		{"empty", "2026-03-09 09:00", "2026-03-09 09:00", 0},
		{"over Spring Festival", "2026-02-13 16:00", "2026-02-24 10:00", 42 * time.Hour},
		{"whole National Day", "2026-10-01 00:00", "2026-10-08 00:00", 0},
		{"into a holiday at midnight", "2026-09-30 22:00", "2026-10-01 02:00", 2 * time.Hour},
		{"plain weekend", "2026-03-06 20:00", "2026-03-09 01:00", 5 * time.Hour},
		{"reversed is negative", "2026-03-09 12:00", "2026-03-09 09:00", -3 * time.Hour},
		{"2026 has 248 working days", "2026-01-01 00:00", "2027-01-01 00:00", 248 * day},
		{"2025 has 248 working days", "2025-01-01 00:00", "2026-01-01 00:00", 248 * day},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.WorkingTimeBetween(at(t, tc.a), at(t, tc.b)); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestMissingYears(t *testing.T) {
	c := Default()
	cases := []struct {
		name     string
		from, to time.Time
		want     []int
	}{
		{"all covered", at(t, "2025-01-01 00:00"), at(t, "2026-12-31 23:59"), nil},
		{"next year missing", at(t, "2026-12-01 00:00"), at(t, "2027-03-01 00:00"), []int{2027}},
		{"either order", at(t, "2027-03-01 00:00"), at(t, "2024-06-01 00:00"), []int{2024, 2027}},
		{"year taken in Shanghai", time.Date(2026, 12, 31, 16, 30, 0, 0, time.UTC), time.Date(2026, 12, 31, 16, 30, 0, 0, time.UTC), []int{2027}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.MissingYears(tc.from, tc.to); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	if c.Covered(2027) || !c.Covered(2026) {
		t.Error("Covered disagrees with the embedded data")
	}
}

func TestImportedOverrides(t *testing.T) {
	extra, err := Parse(strings.NewReader("year 2027 测试\n2027-02-08 holiday 春节\n2026-02-23 workday 更正\n"))
	if err != nil {
		t.Fatal(err)
	}
	stray, err := Parse(strings.NewReader("2028-03-01 holiday 本地假日\n"))
	if err != nil {
		t.Fatal(err)
	}
	c := New(Embedded(), extra, stray)
	if !c.Covered(2027) || c.IsWorkingDay(at(t, "2027-02-08 10:00")) {
		t.Error("imported 2027 data not applied")
	}
	if !c.IsWorkingDay(at(t, "2026-02-23 10:00")) {
		t.Error("a later set must override the embedded data")
	}
	if c.Covered(2028) || c.IsWorkingDay(at(t, "2028-03-01 10:00")) {
		t.Error("a date without a year line applies but must not cover its year")
	}
	if Default().Covered(2027) {
		t.Error("New changed the default calendar")
	}
}

func TestEmbeddedIsACopy(t *testing.T) {
	o := Embedded()
	o.Days[0].Kind = Workday
	o.Years[0].Year = 1999
	if Embedded().Days[0].Kind != Holiday || Embedded().Years[0].Year != 2025 {
		t.Error("Embedded exposes shared state")
	}
}

func TestConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			c := Default()
			s := at(t, "2026-02-13 16:00").Add(time.Duration(i) * time.Hour)
			_ = c.AddWorkingDays(s, 20)
			_ = c.IsWorkingDay(s)
			_ = c.MissingYears(s, s.AddDate(1, 0, 0))
			_ = c.AddWorkingDays(s.AddDate(4+i%4, 0, 0), 20) // estimated years, computed once by whoever comes first
		})
	}
	wg.Wait()
}

func BenchmarkAddWorkingDays(b *testing.B) {
	for _, bc := range []struct{ name, start string }{{"notice", "2026-02-13 16:00"}, {"estimated", "2027-01-29 16:00"}} {
		b.Run(bc.name, func(b *testing.B) {
			c := Default()
			start := at(b, bc.start)
			for b.Loop() {
				c.AddWorkingDays(start, 20)
			}
		})
	}
}

func BenchmarkWorkingTimeBetween(b *testing.B) {
	c := Default()
	from, to := at(b, "2026-02-13 16:00"), at(b, "2026-03-19 16:00")
	for b.Loop() {
		c.WorkingTimeBetween(from, to)
	}
}
