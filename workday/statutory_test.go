package workday

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestLunarDates checks the lunar festivals and the 清明 solar term the
// estimate rests on against their published dates, 2020–2030.
func TestLunarDates(t *testing.T) {
	known := []struct {
		year                                        int
		springFestival, qingming, duanwu, midAutumn string
	}{
		{2020, "2020-01-25", "2020-04-04", "2020-06-25", "2020-10-01"},
		{2021, "2021-02-12", "2021-04-04", "2021-06-14", "2021-09-21"},
		{2022, "2022-02-01", "2022-04-05", "2022-06-03", "2022-09-10"},
		{2023, "2023-01-22", "2023-04-05", "2023-06-22", "2023-09-29"},
		{2024, "2024-02-10", "2024-04-04", "2024-06-10", "2024-09-17"},
		{2025, "2025-01-29", "2025-04-04", "2025-05-31", "2025-10-06"},
		{2026, "2026-02-17", "2026-04-05", "2026-06-19", "2026-09-25"},
		{2027, "2027-02-06", "2027-04-05", "2027-06-09", "2027-09-15"},
		{2028, "2028-01-26", "2028-04-04", "2028-05-28", "2028-10-03"},
		{2029, "2029-02-13", "2029-04-04", "2029-06-16", "2029-09-22"},
		{2030, "2030-02-03", "2030-04-05", "2030-06-05", "2030-09-12"},
	}
	for _, k := range known {
		t.Run(fmt.Sprint(k.year), func(t *testing.T) {
			got := []string{lunarDate(k.year, 1, 1).String(), qingming(k.year).String(),
				lunarDate(k.year, 5, 5).String(), lunarDate(k.year, 8, 15).String()}
			if want := []string{k.springFestival, k.qingming, k.duanwu, k.midAutumn}; !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

// TestStatutoryWithinNotices: every holiday the law gives in 2025 and 2026
// is a holiday of that year's notice, which only adds bridge days to them.
func TestStatutoryWithinNotices(t *testing.T) {
	for year, spans := range notices {
		notice := expand(t, spans)
		est := StatutoryHolidays(year)
		if len(est) != 13 {
			t.Errorf("%d: %d statutory days, want 13 (元旦 1, 春节 4, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3)", year, len(est))
		}
		for _, o := range est {
			if notice[o.Date] != Holiday {
				t.Errorf("%s %s: estimated a holiday, the notice says %v", o.Date, o.Name, notice[o.Date])
			}
		}
	}
}

// TestStatutoryHolidays states whole years by hand, one under each law.
func TestStatutoryHolidays(t *testing.T) {
	cases := []struct {
		year int
		want string
	}{
		{2027, "01-01 元旦, 02-05 春节, 02-06 春节, 02-07 春节, 02-08 春节, 04-05 清明节, 05-01 劳动节, 05-02 劳动节, " +
			"06-09 端午节, 09-15 中秋节, 10-01 国庆节, 10-02 国庆节, 10-03 国庆节"},
		// 2013 law: Spring Festival from 正月初一, one day in May; 中秋节 on
		// National Day gives no extra day.
		{2020, "01-01 元旦, 01-25 春节, 01-26 春节, 01-27 春节, 04-04 清明节, 05-01 劳动节, 06-25 端午节, " +
			"10-01 国庆节、中秋节, 10-02 国庆节, 10-03 国庆节"},
		// 2007 law: 除夕 and the first two days.
		{2010, "01-01 元旦, 02-13 春节, 02-14 春节, 02-15 春节, 04-05 清明节, 05-01 劳动节, 06-16 端午节, " +
			"09-22 中秋节, 10-01 国庆节, 10-02 国庆节, 10-03 国庆节"},
		// 1999 law: three days in May, no traditional festivals but the Spring Festival.
		{2005, "01-01 元旦, 02-09 春节, 02-10 春节, 02-11 春节, 05-01 劳动节, 05-02 劳动节, 05-03 劳动节, " +
			"10-01 国庆节, 10-02 国庆节, 10-03 国庆节"},
		{1999, ""},
		{2101, ""},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.year), func(t *testing.T) {
			var got []string
			for _, o := range StatutoryHolidays(tc.year) {
				if o.Kind != Holiday || o.Date.Year != tc.year {
					t.Errorf("%+v", o)
				}
				got = append(got, fmt.Sprintf("%02d-%02d %s", o.Date.Month, o.Date.Day, o.Name))
			}
			if s := strings.Join(got, ", "); s != tc.want {
				t.Errorf("got  %s\nwant %s", s, tc.want)
			}
		})
	}
}

// TestEstimatedYear: until its notice is imported, 2027 rests on the
// law's holidays, says so, and an imported notice replaces the estimate
// entirely.
func TestEstimatedYear(t *testing.T) {
	c := Default()
	if !c.Estimated(2027) || c.Estimated(2026) || c.Estimated(2101) {
		t.Error("Estimated disagrees with the embedded data")
	}
	for _, tc := range []struct {
		name      string
		start     string
		n         int
		want      string
		estimated bool
	}{
		// Issue 22: 20 working days from Friday 4 December used to end on
		// 元旦; 1 January is a holiday and 2–3 January a weekend.
		{"complaint across New Year", "2026-12-04 10:00", 20, "2027-01-04 10:00", true},
		{"over 除夕 to 初三", "2027-02-01 10:00", 5, "2027-02-10 10:00", true},
		{"within 2026", "2026-12-01 10:00", 5, "2026-12-08 10:00", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := at(t, tc.start)
			end := c.AddWorkingDays(start, tc.n)
			if !end.Equal(at(t, tc.want)) || c.EstimatedBetween(start, end) != tc.estimated {
				t.Errorf("got %s (estimated %v), want %s (%v)", end, c.EstimatedBetween(start, end), tc.want, tc.estimated)
			}
		})
	}
	if got := c.WorkingTimeBetween(at(t, "2027-01-01 00:00"), at(t, "2028-01-01 00:00")); got != 254*day {
		t.Errorf("2027 has %v working days by the law, want 254", got/day)
	}
	notice, err := Parse(strings.NewReader("year 2027 测试通知\n2027-02-05 holiday 春节\n2027-02-20 workday 春节调休\n"))
	if err != nil {
		t.Fatal(err)
	}
	imported := New(Embedded(), notice)
	if imported.Estimated(2027) || imported.EstimatedBetween(at(t, "2026-12-04 10:00"), at(t, "2027-01-04 10:00")) {
		t.Error("the imported notice still counts as an estimate")
	}
	if imported.IsWorkingDay(at(t, "2027-02-05 10:00")) || !imported.IsWorkingDay(at(t, "2027-02-20 10:00")) ||
		!imported.IsWorkingDay(at(t, "2027-02-08 10:00")) {
		t.Error("a covered year must follow its notice alone")
	}
}
