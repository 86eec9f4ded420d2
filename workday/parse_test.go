package workday

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	src := "\uFEFF# 2027 notice\r\n" +
		"year 2027 国办发明电 〔2026〕 1号\r\n" +
		"\r\n" +
		"2027-02-06\u3000holiday  春节 假期 # trailing comment\r\n" +
		"2027-02-20 workday\r\n" +
		"year 2028\n"
	got, err := Parse(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	want := Overrides{
		Years: []CoveredYear{{2027, "国办发明电 〔2026〕 1号"}, {2028, ""}},
		Days: []Override{
			{Date{2027, time.February, 6}, Holiday, "春节 假期"},
			{Date{2027, time.February, 20}, Workday, ""},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestParseEmpty(t *testing.T) {
	got, err := Parse(strings.NewReader("# nothing yet\n\n"))
	if err != nil || len(got.Days)+len(got.Years) != 0 {
		t.Errorf("got %+v, %v", got, err)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name string
		src  string
		line int
		zh   string
	}{
		{"unpadded date", "2026-2-15 holiday 春节\n", 1, "无法识别的日期"},
		{"impossible date", "2026-02-30 holiday\n", 1, "无法识别的日期"},
		{"year out of range", "1999-10-01 holiday\n", 1, "2000–2100"},
		{"missing kind", "# c\n2026-02-15\n", 2, "缺少类型"},
		{"unknown kind", "2026-02-15 rest 春节\n", 1, `未知类型 "rest"`},
		{"duplicate date", "2026-02-15 holiday\n\n2026-02-15 workday\n", 3, "与第1行重复"},
		{"year without number", "year\n", 1, "缺少年份"},
		{"two-digit year", "year 26\n", 1, `年份 "26" 无效`},
		{"duplicate year", "year 2027\nyear 2027\n", 2, "已在第1行声明"},
		{"GBK file", "2026-02-15 holiday \xb4\xba\xbd\xda\n", 1, "UTF-8"},
		{"line too long", "2026-02-15 holiday " + strings.Repeat("春", 2000) + "\n", 1, "行过长"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.src))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a *ParseError", err)
			}
			if pe.Line != tc.line || !strings.Contains(pe.Msg, tc.zh) || pe.En == "" {
				t.Errorf("got %+v, want line %d with %q", pe, tc.line, tc.zh)
			}
			if !strings.HasPrefix(err.Error(), "第") || !strings.Contains(err.Error(), "(line ") {
				t.Errorf("message %q is not bilingual", err)
			}
		})
	}
}

func TestParseReportsSeveralErrors(t *testing.T) {
	src := strings.Repeat("bad line\n", 50)
	_, err := Parse(strings.NewReader(src))
	if n := strings.Count(err.Error(), "(line "); n != maxErrors {
		t.Errorf("%d errors reported, want %d", n, maxErrors)
	}
}

func TestWriteToRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	n, err := Embedded().WriteTo(&buf)
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("WriteTo = %d, %v (buffer %d)", n, err, buf.Len())
	}
	got, err := Parse(&buf)
	if err != nil || !reflect.DeepEqual(got, Embedded()) {
		t.Errorf("round trip changed the data: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	// A slice of the shipped file: the whole file makes the engine spend
	// its time minimising one input; TestWriteToRoundTrip covers all of it.
	lines := strings.SplitAfter(string(embeddedFile), "\n")
	f.Add(strings.Join(lines[8:20], ""))
	f.Add("year 2027 x\n2027-02-06 holiday 春节 # c\n2027-02-20 workday\n")
	f.Add("\uFEFF2026-02-30 holiday\nyear 26\n2026-02-15\tfoo")
	f.Fuzz(func(t *testing.T, src string) {
		o, err := Parse(strings.NewReader(src))
		if err != nil {
			return
		}
		for _, d := range o.Days {
			if d.Date.Year < minYear || d.Date.Year > maxYear || (d.Kind != Holiday && d.Kind != Workday) {
				t.Fatalf("accepted %+v", d)
			}
		}
		var buf bytes.Buffer
		if _, err := o.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		again, err := Parse(&buf)
		if err != nil || !reflect.DeepEqual(normalize(again), normalize(o)) {
			t.Fatalf("round trip of %q: %+v, %v", src, again, err)
		}
	})
}

// normalize makes nil and empty slices compare equal.
func normalize(o Overrides) Overrides {
	if len(o.Years) == 0 {
		o.Years = nil
	}
	if len(o.Days) == 0 {
		o.Days = nil
	}
	return o
}

// FuzzAddWorkingDays checks the deadline rule's defining property for
// arbitrary starts around the embedded years and beyond.
func FuzzAddWorkingDays(f *testing.F) {
	f.Add(int64(1770969600), 5) // 2026-02-13 16:00 CST
	f.Add(int64(1790000000), 0)
	f.Add(int64(1767196800), -3)
	f.Fuzz(func(t *testing.T, unix int64, n int) {
		start := time.Unix(1700000000+unix%200000000, 0)
		n %= 400
		end := Default().AddWorkingDays(start, n)
		got := Default().WorkingTimeBetween(start, end)
		if n >= 0 && got != time.Duration(n)*day || n < 0 && got != time.Duration(n)*day {
			t.Fatalf("start %s n %d: end %s leaves %s", start, n, end, got)
		}
	})
}
