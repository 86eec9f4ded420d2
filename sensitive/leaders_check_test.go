package sensitive

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// leaderFindings checks text against the test table on day and returns
// its leader findings as category:level:text[→replacement].
func leaderFindings(t *testing.T, c *Checker, l *Leaders, on, text string) []string {
	t.Helper()
	rep := c.Check(context.Background(), text, Options{Leaders: l, On: day(t, on)})
	var got []string
	for _, f := range rep.Findings {
		if f.Kind != KindLeader {
			continue
		}
		if text[f.Start:f.End] != f.Text {
			t.Errorf("offsets %d-%d give %q, finding says %q", f.Start, f.End, text[f.Start:f.End], f.Text)
		}
		s := f.Category + ":" + f.Level + ":" + f.Text
		if f.Replacement != "" {
			s += "→" + f.Replacement
		}
		got = append(got, s)
	}
	return got
}

func TestLeaderChecks(t *testing.T) {
	c, l := NewDefault(), testLeaders(t)
	const on = "2025-06-01"
	cases := []struct {
		name, on, text string
		want           []string
	}{
		{"right title before", on, "市长李振华主持召开常务会议", nil},
		{"right title after", on, "李振华市长强调", nil},
		{"title chain", on, "市委副书记、市长李振华出席", nil},
		{"wrong title after", on, "孙丽市长出席", []string{"title:block:孙丽市长→孙丽副市长"}},
		{"short title after a name", on, "高峰局长介绍", []string{"title:block:高峰局长→高峰主任"}},
		{"deputy is not the mayor", on, "市长刘明出席", []string{"title:block:市长刘明→常务副市长刘明"}},
		{"executive deputy may be called deputy", on, "副市长刘明出席", nil},
		{"deputy is not executive", on, "常务副市长孙丽出席", []string{"title:block:常务副市长孙丽→副市长孙丽"}},
		{"organisation dropped", on, "书记张建国讲话", nil},
		{"organisation added", on, "市发展改革委主任高峰介绍", nil},
		{"organisation already written", on, "市人大常委会副主任王海燕出席", []string{"title:block:副主任王海燕→主任王海燕"}},
		{"wrong link dropped", on, "市委常委、副市长孙丽出席", []string{"title:block:市委常委、副市长孙丽→副市长孙丽"}},
		{"wrong link in chain", on, "市委常委、市长李振华出席", []string{"title:block:市委常委、市长李振华→市委副书记、市长李振华"}},
		{"former title", on, "副市长李振华出席", []string{"former_title:block:副市长李振华→市长李振华"}},
		{"former title before the change", "2021-03-10", "副市长李振华出席", nil},
		{"title not yet held", "2021-03-10", "市长李振华出席", []string{"title:block:市长李振华→副市长李振华"}},
		{"left with no title now", on, "市长陈志强强调", []string{"former_title:block:市长陈志强"}},
		{"past marked with 原", on, "原市长陈志强", nil},
		{"past marked with 时任", on, "时任市长陈志强", nil},
		{"太原 is a place, not 原", on, "太原市长孙丽", []string{"title:block:市长孙丽→副市长孙丽"}},
		{"dismissed with title", on, "副市长吴刚出席活动", []string{"dismissed:block:副市长吴刚"}},
		{"dismissed named", on, "吴刚严重违纪违法", []string{"dismissed:review:吴刚"}},
		{"dismissed with past title", on, "原副市长吴刚被开除党籍", []string{"dismissed:review:副市长吴刚"}},
		{"not yet dismissed", "2023-01-05", "副市长吴刚出席活动", nil},
		{"order right", on, "张建国、李振华、王海燕等领导出席", nil},
		{"order wrong", on, "李振华、张建国、王海燕等领导出席", []string{"order:review:李振华、张建国、王海燕→张建国、李振华、王海燕"}},
		{"order with titles", on, "市长李振华，市委书记张建国出席", []string{"order:review:市长李振华，市委书记张建国→市委书记张建国，市长李振华"}},
		{"shared title stays in front", on, "副市长冯卫国、孙丽陪同", []string{"order:review:副市长冯卫国、孙丽→副市长孙丽、冯卫国"}},
		{"order with 和", on, "孙丽和刘明陪同", []string{"order:review:孙丽和刘明→刘明和孙丽"}},
		{"order changes with promotion", "2021-07-01", "孙丽、刘明陪同", nil},
		{"order before the promotion", "2021-07-01", "刘明、孙丽陪同", []string{"order:review:刘明、孙丽→孙丽、刘明"}},
		{"comma between untitled names is not a list", on, "讲话的是李振华，张建国随后作总结", nil},
		{"near name", on, "副市长孙力出席", []string{"near_name:review:副市长孙力→副市长孙丽"}},
		{"near name before title", on, "周文彬副市长出席", []string{"near_name:review:周文彬副市长→周文斌副市长"}},
		{"near name needs the title", on, "孙力出席", nil},
		{"a verb is no near name", on, "副市长孙在会上", nil},
		{"former name", on, "副市长孙莉出席", nil},
		{"traditional and spaces", on, "孫 麗市長出席", []string{"title:block:孫 麗市長→孫 麗副市长"}},
		{"name inside a word", on, "刘明确表示同意", nil},
		{"name as a common word", on, "早高峰时段交通拥堵，攀登高峰", nil},
		{"name inside a longer name", on, "市长李振华东出席", nil},
		{"title without name", on, "市长、副市长和秘书长出席", nil},
		{"non-leader", on, "副局长王小明出席", nil},
		{"dates only in the table", on, "2021年3月15日", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := leaderFindings(t, c, l, tc.on, tc.text)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestLeaderSuggestions(t *testing.T) {
	c, l := NewDefault(), testLeaders(t)
	cases := []struct{ text, want string }{
		{"孙丽市长出席", "孙丽未担任市长；现任副市长，应为「孙丽副市长」"},
		{"副市长李振华出席", "李振华已于2021年3月15日卸任副市长；现任市委副书记、市长，应为「市长李振华」"},
		{"市长陈志强强调", "陈志强已于2021年3月15日卸任市长；如指其任职期间，请写「原市长」或「时任市长」"},
		{"副市长吴刚出席", "吴刚已于2023年4月12日被查处（落马），不得再以职务称呼"},
		{"李振华、张建国出席", "按排序应为：张建国、李振华"},
		{"副市长孙力出席", "是否为「孙丽」？"},
	}
	for _, tc := range cases {
		rep := c.Check(context.Background(), tc.text, Options{Leaders: l, On: day(t, "2025-06-01")})
		if len(rep.Findings) != 1 || rep.Findings[0].Suggestion != tc.want {
			t.Errorf("%s: %+v\nwant suggestion %q", tc.text, rep.Findings, tc.want)
		}
	}
	rep := c.Check(context.Background(), "副市长吴刚出席", Options{Leaders: l, On: day(t, "2025-06-01")})
	if !rep.Blocked {
		t.Fatal("a dismissed official with a title does not block")
	}
}

func TestLeaderTableReuse(t *testing.T) {
	c, l := NewDefault(), testLeaders(t)
	a, err := c.leaderIndex(l)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := c.leaderIndex(l); a != b {
		t.Fatal("a table is compiled again for each check")
	}
	bad := &Leaders{Persons: []Leader{{Name: "张", Status: StatusServing, Terms: []Term{{Title: "市长"}}}}}
	rep := c.Check(context.Background(), "市长张出席", Options{Leaders: bad})
	if len(rep.Reasons) != 1 || !strings.Contains(rep.Reasons[0], "领导名单有误") {
		t.Fatalf("a bad table: %+v", rep)
	}
}

func TestLeadersDefaultToToday(t *testing.T) {
	c := NewDefault()
	l := &Leaders{Persons: []Leader{{Name: "张三", Status: StatusServing,
		Terms: []Term{{Title: "副市长", From: Today(), Order: 1}, {Title: "市长", From: MakeDate(2000, 1, 1), To: Today()}}}}}
	rep := c.Check(context.Background(), "市长张三出席", Options{Leaders: l})
	if len(rep.Findings) != 1 || rep.Findings[0].Category != LeaderFormer {
		t.Fatalf("judged on another day than today: %+v", rep.Findings)
	}
}

// TestLeadersConcurrent: checks sharing one table, compiled on first use
// by whichever comes first, agree (run with -race).
func TestLeadersConcurrent(t *testing.T) {
	c, l := NewDefault(), testLeaders(t)
	opts := Options{Leaders: l, On: day(t, "2025-06-01")}
	const text = "市长孙丽出席，李振华、张建国等领导参加，副市长孙力主持。"
	want := len(c.Check(context.Background(), text, Options{Leaders: testLeaders(t), On: opts.On}).Findings)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if got := len(c.Check(context.Background(), text, opts).Findings); got != want {
					errs <- fmt.Sprintf("%d findings, want %d", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
