package sensitive

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// testLeaders is the table of the fictional 鹤城市 (testdata/leaders.tsv).
func testLeaders(t testing.TB) *Leaders {
	t.Helper()
	f, err := os.Open("testdata/leaders.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l, err := ParseLeaders("leaders.tsv", f)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func person(t testing.TB, l *Leaders, name string) *Leader {
	t.Helper()
	for i := range l.Persons {
		if l.Persons[i].Name == name {
			return &l.Persons[i]
		}
	}
	t.Fatalf("no %s in the table", name)
	return nil
}

func day(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestParseLeaders(t *testing.T) {
	l := testLeaders(t)
	if len(l.Persons) != 17 {
		t.Fatalf("%d persons", len(l.Persons))
	}
	li := *person(t, l, "李振华")
	if li.Name != "李振华" || len(li.Terms) != 3 || li.Terms[2].Title != "市长" || !li.Terms[2].To.IsZero() || li.Terms[0].Order != 9 {
		t.Fatalf("rows of one name are one person: %+v", li)
	}
	wu := *person(t, l, "吴刚")
	if wu.Status != StatusDismissed || wu.Dismissed != day(t, "2023-04-12") {
		t.Fatalf("a dismissal without a day takes the last term's end: %+v", wu)
	}
	if sun := person(t, l, "孙丽"); len(sun.FormerNames) != 1 || sun.FormerNames[0] != "孙莉" {
		t.Fatalf("former names: %+v", sun)
	}
}

func TestParseLeadersErrors(t *testing.T) {
	cases := map[string]struct{ src, msg string }{
		"too few columns":  {"张三\t市长\t2020-01-01\t\t1\n", "应有 6 或 7 列"},
		"bad date":         {"张三\t市长\t2020-13-01\t\t1\tserving\n", "任职日期「2020-13-01」无效"},
		"bad to":           {"张三\t市长\t2020-01-01\t2020/3/1\t1\tserving\n", "卸任日期"},
		"ends before":      {"张三\t市长\t2020-01-01\t2019-01-01\t1\tserving\n", "不晚于任职日期"},
		"bad order":        {"张三\t市长\t2020-01-01\t\t第一\tserving\n", "排序「第一」应为整数"},
		"bad status":       {"张三\t市长\t2020-01-01\t\t1\tactive\n", "状态「active」无效"},
		"left but holds":   {"张三\t市长\t2020-01-01\t\t1\tleft\n", "须填写卸任日期"},
		"one-letter name":  {"张\t市长\t2020-01-01\t\t1\tserving\n", "过短"},
		"bad dismissal":    {"张三\t市长\t2020-01-01\t2021-01-01\t1\tdismissed:昨天\n", "查处日期「昨天」无效"},
		"short title":      {"张三\t长\t2020-01-01\t\t1\tserving\n", "职务「长」过短"},
		"not utf-8":        {"\xff\t市长\t2020-01-01\t\t1\tserving\n", "UTF-8"},
		"bad former name":  {"张三\t市长\t2020-01-01\t\t1\tserving\t张\n", "曾用名"},
		"status disagrees": {"张三\t市长\t2020-01-01\t\t1\tserving\n张三\t副市长\t2018-01-01\t2020-01-01\t2\tleft\n", "与第 2 行不一致"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseLeaders("x.tsv", strings.NewReader("# 名单\n"+tc.src))
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line < 2 || !strings.Contains(pe.Msg, tc.msg) || pe.Source != "x.tsv" {
				t.Fatalf("%v, want a ParseError from line 2 on saying %q", err, tc.msg)
			}
		})
	}
}

func TestLeadersRoundTrips(t *testing.T) {
	l := testLeaders(t)
	var b bytes.Buffer
	if err := l.WriteTSV(&b); err != nil {
		t.Fatal(err)
	}
	back, err := ParseLeaders("written", &b)
	if err != nil || !reflect.DeepEqual(back, l) {
		t.Fatalf("TSV round trip: %v\n%+v", err, back)
	}
	js, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	var fromJSON Leaders
	if err := json.Unmarshal(js, &fromJSON); err != nil || !reflect.DeepEqual(&fromJSON, l) {
		t.Fatalf("JSON round trip: %v\n%s", err, js)
	}
	if !strings.Contains(string(js), `"from":"2019-06-01"`) || strings.Contains(string(js), `"to":""`) {
		t.Fatalf("dates in JSON: %s", js)
	}
	if err := fromJSON.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidate(t *testing.T) {
	cases := map[string]Leaders{
		"twice":         {Persons: []Leader{{Name: "张三", Status: StatusServing, Terms: []Term{{Title: "市长"}}}, {Name: "张三", Status: StatusServing, Terms: []Term{{Title: "市长"}}}}},
		"no terms":      {Persons: []Leader{{Name: "张三", Status: StatusServing}}},
		"no dismissal":  {Persons: []Leader{{Name: "张三", Status: StatusDismissed, Terms: []Term{{Title: "市长", To: MakeDate(2020, 1, 1)}}}}},
		"empty status":  {Persons: []Leader{{Name: "张三", Terms: []Term{{Title: "市长"}}}}},
		"short surname": {Persons: []Leader{{Name: "张三", FormerNames: []string{"张"}, Status: StatusServing, Terms: []Term{{Title: "市长"}}}}},
	}
	for name, l := range cases {
		if err := l.Validate(); err == nil {
			t.Errorf("%s: valid", name)
		}
	}
}

func TestMerge(t *testing.T) {
	city := &Leaders{Persons: []Leader{
		{Name: "张三", Status: StatusServing, Terms: []Term{{Title: "市长", Order: 1}}},
		{Name: "李四", Status: StatusServing, Terms: []Term{{Title: "副市长", Order: 3}}},
	}}
	bureau := &Leaders{Persons: []Leader{
		{Name: "王五", Status: StatusServing, Terms: []Term{{Title: "局长", Order: 1}}},
		{Name: "李四", FormerNames: []string{"李泗"}, Status: StatusServing, Terms: []Term{{Title: "党组书记", Order: 2}}},
	}}
	m := Merge(city, nil, bureau)
	if len(m.Persons) != 3 || m.Persons[2].Name != "王五" || m.Persons[2].Terms[0].Order != 4 {
		t.Fatalf("the bureau's leaders come after the city's: %+v", m.Persons)
	}
	li := m.Persons[1]
	if len(li.Terms) != 2 || li.Terms[1].Title != "党组书记" || li.Terms[1].Order != 5 || li.FormerNames[0] != "李泗" {
		t.Fatalf("one name in two tables is one person: %+v", li)
	}
	if city.Persons[1].Terms[0].Order != 3 || len(city.Persons[1].Terms) != 1 {
		t.Fatal("Merge changed its input")
	}
	gone := &Leaders{Persons: []Leader{{Name: "李四", Status: StatusDismissed, Dismissed: MakeDate(2024, 1, 2),
		Terms: []Term{{Title: "副市长", To: MakeDate(2024, 1, 2)}}}}}
	if p := Merge(city, gone).Persons[1]; p.Status != StatusDismissed || p.Dismissed != MakeDate(2024, 1, 2) {
		t.Fatalf("dismissed in any table is dismissed: %+v", p)
	}
}

func TestDate(t *testing.T) {
	d := day(t, "2024-02-29")
	if d.String() != "2024-02-29" || d.chinese() != "2024年2月29日" || MakeDate(2024, 3, 1) != day(t, "2024-03-01") {
		t.Fatalf("%v %v", d, d.chinese())
	}
	for _, bad := range []string{"2023-02-29", "2024-2-1", "20240201", "", "2024-02-01 "} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	late := time.Date(2024, 12, 31, 17, 0, 0, 0, time.UTC) // 01:00 on 1 January in Beijing
	if DateOf(late) != MakeDate(2025, 1, 1) {
		t.Fatalf("DateOf is China time: %v", DateOf(late))
	}
	if day(t, "1949-10-01").Before(day(t, "1949-09-30")) || !(Date{}).IsZero() || (Date{}).String() != "" {
		t.Fatal("order or zero")
	}
}
