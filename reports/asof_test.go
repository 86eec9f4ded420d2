package reports_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/reports"
	"github.com/tongfa/tongfa/reports/reportstest"
	"github.com/tongfa/tongfa/store/storetest"
	"github.com/tongfa/tongfa/workday"
)

// buildAt makes the report of kind around from as the store's clock stands
// at now.
func (b *bundle) buildAt(t *testing.T, kind, from string, now time.Time) *reports.Report {
	t.Helper()
	b.db.Now = func() time.Time { return now }
	p, err := reports.ParsePeriod(kind, from, "", now)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := b.svc.Scope(context.Background(), nil, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	r, err := b.svc.Build(context.Background(), p, sc)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// asOf is what a report made at one instant states, by hand.
type asOf struct {
	status     string
	through    time.Time
	weeksEnded int
	current    *reports.CurrentWeek // nil: no whole week running
	weekly     map[string]reports.Rate
	thisWeek   map[string]reports.WeekSoFar // accounts with a current week
	posts      int
	red, black []string
	notice     string // a phrase of the notice; "" for none
}

// TestQuarterAsOf makes the report of the known quarter at four instants.
// The seed holds the whole quarter, so records after an early instant are
// in the store: the report must leave them, and the weeks after the
// instant, unjudged.
func TestQuarterAsOf(t *testing.T) {
	b := setup(t)
	cst := reportstest.CST
	q := b.q
	cases := []struct {
		name string
		now  time.Time
		want asOf
	}{{
		// Thursday 1 January: no whole week has begun (29 December –
		// 4 January straddles the quarter), nothing is published yet.
		"first day", cst(2026, 1, 1, 10, 0, 0), asOf{status: reports.StatusInProgress, through: cst(2026, 1, 1, 10, 0, 0),
			weekly: map[string]reports.Rate{}, red: []string{}, black: []string{}, notice: "统计截至 2026-01-01 10:00"},
	}, {
		// Wednesday 4 March 16:00, week 8 (2 March) running: weeks 0–7
		// ended. The bureau has posted twice this week (Tuesday and
		// Wednesday 10:00), the health WeChat once: not judged yet. The
		// app has posted Monday to Wednesday 15:00: met, counted. The
		// app's weeks before it opened, and its opening week with one
		// post, are not judged.
		"mid-week", cst(2026, 3, 4, 16, 0, 0), asOf{status: reports.StatusInProgress, through: cst(2026, 3, 4, 16, 0, 0),
			weeksEnded: 8, current: &reports.CurrentWeek{From: "2026-03-02", To: "2026-03-09", Met: 1, InProgress: 3},
			weekly: map[string]reports.Rate{"示范区教育": {Num: 8, Den: 8}, "示范区教育微博": {Num: 8, Den: 8},
				"教育服务客户端": {Num: 4, Den: 4}, "健康示范区": {Num: 0, Den: 8}},
			thisWeek: map[string]reports.WeekSoFar{"示范区教育": {Posts: 2, State: clocks.WeekInProgress},
				"示范区教育微博": {Posts: 2, State: clocks.WeekInProgress}, "教育服务客户端": {Posts: 3, State: clocks.WeekMet},
				"健康示范区": {Posts: 1, State: clocks.WeekInProgress}},
			posts:  107,
			red:    []string{"示范区教育微博", "示范区教育局网站", "教育服务客户端", "示范区教育"},
			black:  []string{"健康示范区微博", "健康示范区"},
			notice: "本周（2026-03-02 起）尚未结束"},
	}, {
		// Tuesday 31 March noon: every whole week has ended (30 March
		// starts a week that straddles the quarter's end); the reprint
		// posted at 23:59:59 that day is not counted yet.
		"last day", cst(2026, 3, 31, 12, 0, 0), asOf{status: reports.StatusInProgress, through: cst(2026, 3, 31, 12, 0, 0),
			weeksEnded: 12, weekly: map[string]reports.Rate{"示范区教育": {Num: 10, Den: 12}, "示范区教育微博": {Num: 10, Den: 12},
				"教育服务客户端": {Num: 7, Den: 7}, "健康示范区": {Num: 0, Den: 12}},
			posts: 139, red: []string{"教育服务客户端"}, black: []string{"健康示范区微博", "健康示范区", "示范区教育局网站"},
			notice: "统计截至 2026-03-31 12:00"},
	}, {
		"after the quarter", q.Now, asOf{status: reports.StatusComplete, through: cst(2026, 4, 1, 0, 0, 0), weeksEnded: 12,
			weekly: map[string]reports.Rate{"示范区教育": {Num: 10, Den: 12}, "示范区教育微博": {Num: 10, Den: 12},
				"教育服务客户端": {Num: 7, Den: 7}, "健康示范区": {Num: 0, Den: 12}},
			posts: 140, red: []string{"教育服务客户端"}, black: []string{"健康示范区微博", "健康示范区", "示范区教育局网站"}},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkAsOf(t, b.buildAt(t, "quarter", "2026-01-01", tc.now), tc.want)
		})
	}
}

func checkAsOf(t *testing.T, r *reports.Report, want asOf) {
	t.Helper()
	if r.Status != want.status || !r.Through.Equal(want.through) || r.WeeksEnded != want.weeksEnded {
		t.Errorf("status %s through %s, %d weeks ended; want %s %s %d", r.Status, r.Through, r.WeeksEnded,
			want.status, want.through, want.weeksEnded)
	}
	if (r.CurrentWeek == nil) != (want.current == nil) || r.CurrentWeek != nil && *r.CurrentWeek != *want.current {
		t.Errorf("current week %+v, want %+v", r.CurrentWeek, want.current)
	}
	var total reports.Rate
	for _, a := range r.Accounts {
		if a.Weekly != want.weekly[a.Name] {
			t.Errorf("%s: weekly %v, want %v", a.Name, a.Weekly, want.weekly[a.Name])
		}
		total = total.Add(want.weekly[a.Name])
		w, ok := want.thisWeek[a.Name]
		if ok != (a.CurrentWeek != nil) || ok && *a.CurrentWeek != w {
			t.Errorf("%s: current week %+v, want %+v", a.Name, a.CurrentWeek, w)
		}
	}
	if r.Summary.Weekly != total || r.Summary.Posts != want.posts {
		t.Errorf("summary weekly %v, posts %d; want %v, %d", r.Summary.Weekly, r.Summary.Posts, total, want.posts)
	}
	if got := names(r.Red); !slices.Equal(got, want.red) {
		t.Errorf("red list %v, want %v", got, want.red)
	}
	if got := names(r.Black); !slices.Equal(got, want.black) {
		t.Errorf("black list %v, want %v", got, want.black)
	}
	if want.notice == "" && r.Notice != "" || !strings.Contains(r.Notice, want.notice) {
		t.Errorf("notice %q, want one with %q", r.Notice, want.notice)
	}
}

func names(rows []reports.AccountRow) []string {
	out := []string{}
	for _, a := range rows {
		out = append(out, a.Name)
	}
	return out
}

// TestNewOfficeAsOf is issue 22's first hour of a new office: on Saturday
// 5 December 2026 an office registers its WeChat and Weibo accounts and
// posts four times on WeChat and once on Weibo. Its fourth quarter does
// not judge the three weeks to come, the running week counts for WeChat
// (met already) and not for Weibo (the week is not over), nobody is on
// the black list, and a report of a week to come says it has not begun.
func TestNewOfficeAsOf(t *testing.T) {
	db := storetest.New(t)
	s := reportstest.NewSeeder(t, db, workday.Default())
	cst := reportstest.CST
	opened := cst(2026, 12, 5, 9, 0, 0)
	unit := s.Unit("新区融媒体中心", nil)
	s.Staff(unit, "n_")
	wechat := s.Account(unit, tongfa.PlatformWeChat, "新区发布", "active", opened)
	weibo := s.Account(unit, tongfa.PlatformWeibo, "新区发布微博", "active", opened)
	for i := range 4 {
		at := opened.Add(time.Duration(10+i) * time.Minute)
		s.Post(s.Item(reportstest.Item{Unit: unit, Targets: []int64{wechat}, Created: at.Add(-time.Minute)}), at, wechat)
	}
	at := opened.Add(20 * time.Minute)
	s.Post(s.Item(reportstest.Item{Unit: unit, Targets: []int64{weibo}, Created: at.Add(-time.Minute)}), at, weibo)
	b := &bundle{db: db, svc: &reports.Service{DB: db, Clocks: &clocks.Service{DB: db, Calendar: workday.Default}}}
	now := cst(2026, 12, 5, 10, 0, 0)

	checkAsOf(t, b.buildAt(t, "quarter", "2026-10-01", now), asOf{status: reports.StatusInProgress, through: now, weeksEnded: 8,
		current: &reports.CurrentWeek{From: "2026-11-30", To: "2026-12-07", Met: 1, InProgress: 1},
		weekly:  map[string]reports.Rate{"新区发布": {Num: 1, Den: 1}},
		thisWeek: map[string]reports.WeekSoFar{"新区发布": {Posts: 4, State: clocks.WeekMet},
			"新区发布微博": {Posts: 1, State: clocks.WeekInProgress}},
		posts: 5, red: []string{"新区发布"}, black: []string{}, notice: "本周（2026-11-30 起）尚未结束"})

	week := b.buildAt(t, "week", "2026-12-14", now)
	checkAsOf(t, week, asOf{status: reports.StatusNotStarted, through: cst(2026, 12, 14, 0, 0, 0),
		weekly: map[string]reports.Rate{}, red: []string{}, black: []string{}, notice: "本期（2026-12-14 至 2026-12-20）尚未开始"})
	if rows := week.Tables()[0].Rows; !slices.ContainsFunc(rows, func(r []any) bool { return r[0] == "报表状态" && r[1] == "尚未开始（不作考核）" }) {
		t.Errorf("overview of a week to come: %v", rows)
	}
}

// TestCurrentWeekIsLabelled: a report made while a week runs says so in
// its overview and account table, the rows the CSV file, the workbook and
// the console show.
func TestCurrentWeekIsLabelled(t *testing.T) {
	b := setup(t)
	r := b.buildAt(t, "quarter", "2026-01-01", reportstest.CST(2026, 3, 4, 16, 0, 0))
	tables := r.Tables()
	overview := grid(tables[0])
	for _, want := range [][]string{
		{"报表状态", "进行中（统计至生成时间）"},
		{"统计截至", "2026-03-04 16:00:00"},
		{"已结束的完整周数", "8"},
		{"本周（截至生成时间）", "2026-03-02 至 2026-03-08：已达标 1 个账号（计入达标率），尚未达标 3 个账号（本周未结束，不计）"},
		{"更新频率达标率", "71.4%"},
	} {
		if !slices.ContainsFunc(overview, func(row []string) bool { return slices.Equal(row, want) }) {
			t.Errorf("overview lacks %q:\n%s", want, dump(overview))
		}
	}
	accounts := grid(tables[8])
	if h := accounts[0]; h[len(h)-2] != "本周发布（截至生成时间）" || h[len(h)-1] != "本周情况" {
		t.Fatalf("account header %q", h)
	}
	for _, row := range accounts[1:] {
		got := row[2] + ":" + row[len(row)-2] + ":" + row[len(row)-1]
		switch row[2] {
		case "教育服务客户端":
			if got != "教育服务客户端:3:已达标（计入达标率）" {
				t.Errorf("%s", got)
			}
		case "健康示范区":
			if got != "健康示范区:1:尚未达标（本周未结束，不计）" {
				t.Errorf("%s", got)
			}
		case "示范区教育局网站":
			if got != "示范区教育局网站::" {
				t.Errorf("a website has no weekly requirement: %s", got)
			}
		}
	}
}
