package reports_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/reports"
	"github.com/tongfa/tongfa/reports/reportstest"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
	"github.com/tongfa/tongfa/workday"
)

// bundle is a store seeded with the known quarter and a report service
// whose clock stands at the quarter's report time.
type bundle struct {
	db  *store.DB
	svc *reports.Service
	q   *reportstest.Quarter
}

func setup(t *testing.T) *bundle {
	t.Helper()
	db := storetest.New(t)
	q := reportstest.SeedQuarter(t, db, nil)
	db.Now = func() time.Time { return q.Now }
	return &bundle{db: db, q: q, svc: &reports.Service{DB: db, Clocks: &clocks.Service{DB: db, Calendar: workday.Default}}}
}

// build makes the report of the quarter over a scope.
func (b *bundle) build(t *testing.T, unit, account int64) *reports.Report {
	t.Helper()
	ctx := context.Background()
	p, err := reports.ParsePeriod("quarter", "2026-01-01", "", b.q.Now)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := b.svc.Scope(ctx, nil, unit, account)
	if err != nil {
		t.Fatal(err)
	}
	r, err := b.svc.Build(ctx, p, sc)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// wantTables is every figure of the known quarter, stated by hand
// (docs/reports.md explains each). Empty cells have nothing to judge.
var wantTables = map[string][][]string{
	"概览": {
		{"指标", "数值"},
		{"报表周期", "2026 年第 1 季度"}, {"起止日期", "2026-01-01 至 2026-03-31"}, {"统计范围", "全部单位"},
		{"生成时间", "2026-04-01 09:00:00"}, {"发布稿件数", "74"}, {"发布条数", "140"}, {"原创比例", "78.6%"},
		{"完整周数", "12"}, {"更新频率达标率", "62.8%"}, {"紧急稿件数", "4"}, {"紧急首发按时率", "66.7%"},
		{"收到留言", "11"}, {"留言按期答复率", "50.0%"}, {"答复用时中位数（工作日）", "4.25"},
		{"送审次数", "10"}, {"审签用时中位数（工作小时）", "16.0"}, {"投递失败", "2"}, {"投递撤回", "2"}, {"巡查发现问题", "4"},
	},
	"发布统计": {
		{"渠道", "账号数", "发布条数", "原创", "转载", "原创比例", "考核账号周", "达标账号周", "更新达标率"},
		{"微信公众号", "2", "49", "37", "12", "75.5%", "24", "10", "41.7%"},
		{"微博", "2", "37", "29", "8", "78.4%", "12", "10", "83.3%"},
		{"移动客户端", "1", "22", "20", "2", "90.9%", "7", "7", "100.0%"},
		{"政府网站", "1", "32", "24", "8", "75.0%", "0", "0", ""},
		{"抖音", "0", "0", "0", "0", "", "0", "0", ""},
		{"视频号", "0", "0", "0", "0", "", "0", "0", ""},
		{"今日头条", "0", "0", "0", "0", "", "0", "0", ""},
		{"小红书", "0", "0", "0", "0", "", "0", "0", ""},
		{"快手", "0", "0", "0", "0", "", "0", "0", ""},
		{"人民号", "0", "0", "0", "0", "", "0", "0", ""},
		{"学习强国", "0", "0", "0", "0", "", "0", "0", ""},
		{"其他新媒体", "0", "0", "0", "0", "", "0", "0", ""},
		{"合计", "6", "140", "110", "30", "78.6%", "43", "27", "62.8%"},
	},
	"紧急发布": {
		{"渠道", "紧急稿件", "应首发渠道次", "按时首发", "超时首发", "超时未发", "计时中", "按时率", "用时中位数（分钟）", "最长用时（分钟）"},
		{"微信公众号", "4", "4", "2", "0", "1", "1", "66.7%", "7080.0", "13800.0"},
		{"微博", "3", "3", "2", "1", "0", "0", "66.7%", "40.0", "90.0"},
		{"移动客户端", "0", "0", "0", "0", "0", "0", "", "", ""},
		{"政府网站", "0", "0", "0", "0", "0", "0", "", "", ""},
		{"抖音", "0", "0", "0", "0", "0", "0", "", "", ""},
		{"视频号", "0", "0", "0", "0", "0", "0", "", "", ""},
		{"今日头条", "0", "0", "0", "0", "0", "0", "", "", ""},
		{"小红书", "0", "0", "0", "0", "0", "0", "", "", ""},
		{"快手", "0", "0", "0", "0", "0", "0", "", "", ""},
		{"人民号", "0", "0", "0", "0", "0", "0", "", "", ""},
		{"学习强国", "0", "0", "0", "0", "0", "0", "", "", ""},
		{"其他新媒体", "0", "0", "0", "0", "0", "0", "", "", ""},
		{"合计", "4", "7", "4", "1", "1", "1", "66.7%", "90.0", "13800.0"},
	},
	"留言办理": {
		{"类别", "收到", "已答复", "按期答复", "超期", "其中超期未答复", "延期", "办理中", "关闭未答复", "按期答复率", "答复用时中位数（工作日）"},
		{"表扬感谢", "2", "2", "2", "0", "0", "0", "0", "0", "100.0%", "3.13"},
		{"谏言咨询", "3", "3", "1", "2", "0", "2", "0", "0", "33.3%", "17.00"},
		{"申诉求助", "2", "0", "0", "1", "1", "0", "1", "0", "0.0%", ""},
		{"网站找错", "2", "2", "1", "1", "0", "0", "0", "0", "50.0%", "1.38"},
		{"其他", "2", "0", "0", "0", "0", "0", "1", "1", "", ""},
		{"合计", "11", "7", "4", "4", "1", "2", "2", "1", "50.0%", "4.25"},
	},
	"审签时效": {
		{"审签层级", "送审", "通过", "退回", "审签中", "撤回或作废", "用时中位数（工作小时）", "最长用时（工作小时）"},
		{"审核员审核", "5", "3", "1", "0", "1", "2.8", "39.0"},
		{"分管领导审签", "3", "2", "0", "0", "1", "20.0", "24.0"},
		{"主要领导审签", "2", "1", "0", "1", "0", "25.0", "25.0"},
		{"合计", "10", "6", "1", "1", "2", "16.0", "39.0"},
	},
	"投递情况": {
		{"渠道", "投递任务", "成功", "失败", "撤回", "进行中"},
		{"微信公众号", "51", "48", "1", "1", "1"},
		{"微博", "38", "37", "1", "0", "0"},
		{"移动客户端", "22", "22", "0", "0", "0"},
		{"政府网站", "33", "31", "0", "1", "1"},
		{"抖音", "0", "0", "0", "0", "0"},
		{"视频号", "0", "0", "0", "0", "0"},
		{"今日头条", "0", "0", "0", "0", "0"},
		{"小红书", "0", "0", "0", "0", "0"},
		{"快手", "0", "0", "0", "0", "0"},
		{"人民号", "0", "0", "0", "0", "0"},
		{"学习强国", "0", "0", "0", "0", "0"},
		{"其他新媒体", "0", "0", "0", "0", "0"},
		{"合计", "144", "138", "2", "2", "2"},
	},
	"巡查发现": {
		{"问题类型", "问题数", "涉及稿件", "其中仍在发布"},
		{"敏感词", "1", "1", "1"}, {"表述错误", "1", "1", "1"}, {"涉密标识", "0", "0", "0"},
		{"商业广告", "1", "1", "0"}, {"个人信息", "1", "1", "1"}, {"领导职务核对", "0", "0", "0"}, {"合计", "4", "3", "2"},
	},
	"单位汇总": {
		{"单位", "账号数", "发布条数", "原创比例", "更新达标率", "紧急首发按时率", "留言按期答复率", "综合得分"},
		{"教育局信息中心", "1", "22", "90.9%", "100.0%", "", "", "100.0"},
		{"示范区教育局", "3", "104", "76.0%", "83.3%", "66.7%", "57.1%", "72.6"},
		{"示范区卫健委", "2", "14", "78.6%", "0.0%", "", "0.0%", "0.0"},
	},
	"账号考核": {
		{"排名", "单位", "账号", "渠道", "发布条数", "原创比例", "每周要求（条）", "考核周数", "达标周数", "更新达标率", "紧急首发按时率", "留言按期答复率", "综合得分"},
		{"1", "教育局信息中心", "教育服务客户端", "移动客户端", "22", "90.9%", "3", "7", "7", "100.0%", "", "", "100.0"},
		{"2", "示范区教育局", "示范区教育微博", "微博", "35", "77.1%", "3", "12", "10", "83.3%", "66.7%", "", "77.8"},
		{"3", "示范区教育局", "示范区教育", "微信公众号", "37", "75.7%", "3", "12", "10", "83.3%", "66.7%", "60.0%", "73.3"},
		{"4", "示范区教育局", "示范区教育局网站", "政府网站", "32", "75.0%", "0", "0", "0", "", "", "50.0%", "50.0"},
		{"5", "示范区卫健委", "健康示范区", "微信公众号", "12", "75.0%", "3", "12", "0", "0.0%", "", "", "0.0"},
		{"5", "示范区卫健委", "健康示范区微博", "微博", "2", "100.0%", "0", "0", "0", "", "", "0.0%", "0.0"},
	},
	"红黑榜": {
		{"榜单", "名次", "单位", "账号", "渠道", "综合得分"},
		{"红榜", "1", "教育局信息中心", "教育服务客户端", "移动客户端", "100.0"},
		{"黑榜", "1", "示范区卫健委", "健康示范区微博", "微博", "0.0"},
		{"黑榜", "2", "示范区卫健委", "健康示范区", "微信公众号", "0.0"},
		{"黑榜", "3", "示范区教育局", "示范区教育局网站", "政府网站", "50.0"},
	},
}

// sheetOrder is the workbook's sheet order.
var sheetOrder = []string{"概览", "发布统计", "紧急发布", "留言办理", "审签时效", "投递情况", "巡查发现", "单位汇总", "账号考核", "红黑榜"}

// grid is a table as text, header first.
func grid(t reports.Table) [][]string {
	out := [][]string{t.Header}
	for _, row := range t.Rows {
		cells := make([]string, len(row))
		for i, c := range row {
			cells[i] = reports.Text(c)
		}
		out = append(out, cells)
	}
	return out
}

func compareGrid(t *testing.T, name string, got, want [][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d rows, want %d:\n%s", name, len(got), len(want), dump(got))
		return
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("%s row %d:\n got %q\nwant %q", name, i, got[i], want[i])
		}
	}
}

func dump(g [][]string) string {
	var b strings.Builder
	for _, r := range g {
		b.WriteString(strings.Join(r, "|") + "\n")
	}
	return b.String()
}

func TestQuarterEveryFigure(t *testing.T) {
	b := setup(t)
	r := b.build(t, 0, 0)
	tables := r.Tables()
	if len(tables) != len(sheetOrder) {
		t.Fatalf("%d tables, want %d", len(tables), len(sheetOrder))
	}
	for i, tb := range tables {
		if tb.Title != sheetOrder[i] {
			t.Errorf("table %d is %s, want %s", i, tb.Title, sheetOrder[i])
		}
		compareGrid(t, tb.Title, grid(tb), wantTables[tb.Title])
	}
	if r.Weeks != 12 || r.Kind != reports.Quarter || r.From != "2026-01-01" || r.To != "2026-04-01" || len(r.MissingCalendarYears) != 0 {
		t.Errorf("period: %+v", r)
	}
}

// TestQuarterCounts checks what the tables show only as percentages: the
// counts behind every account's rates.
func TestQuarterCounts(t *testing.T) {
	b := setup(t)
	r := b.build(t, 0, 0)
	want := map[int64][3]reports.Rate{ // weekly, urgent, replies
		b.q.CenterApp:    {{7, 7}, {}, {}},
		b.q.EduWeibo:     {{10, 12}, {2, 3}, {}},
		b.q.EduWeChat:    {{10, 12}, {2, 3}, {3, 5}},
		b.q.EduSite:      {{}, {}, {1, 2}},
		b.q.HealthWeChat: {{0, 12}, {}, {}},
		b.q.HealthWeibo:  {{}, {}, {0, 1}},
	}
	if len(r.Accounts) != len(want) {
		t.Fatalf("%d accounts, want %d (the suspended account with nothing is left out)", len(r.Accounts), len(want))
	}
	for _, a := range r.Accounts {
		if got := [3]reports.Rate{a.Weekly, a.Urgent, a.Replies}; got != want[a.AccountID] {
			t.Errorf("%s: %v, want %v", a.Name, got, want[a.AccountID])
		}
	}
	s := r.Summary
	if s.OriginalRatio != (reports.Rate{Num: 110, Den: 140}) || s.Weekly != (reports.Rate{Num: 27, Den: 43}) ||
		s.Urgent != (reports.Rate{Num: 4, Den: 6}) || s.Replies != (reports.Rate{Num: 4, Den: 8}) {
		t.Errorf("summary rates %+v", s)
	}
}

func TestUnitScopeIncludesSubUnits(t *testing.T) {
	b := setup(t)
	r := b.build(t, b.q.Edu, 0)
	s := r.Summary
	if r.Scope.Label != "示范区教育局（含下级单位）" || len(r.Accounts) != 4 {
		t.Fatalf("scope %+v, %d accounts", r.Scope, len(r.Accounts))
	}
	if s.Items != 60 || s.Posts != 126 || s.UrgentItems != 3 || s.Urgent != (reports.Rate{Num: 4, Den: 6}) ||
		s.Messages != 8 || s.Replies != (reports.Rate{Num: 4, Den: 7}) || s.Submissions != 9 || s.PatrolFindings != 3 ||
		s.DeliveriesFailed != 2 || s.DeliveriesWithdrawn != 1 {
		t.Errorf("summary %+v", s)
	}
}

func TestAccountScope(t *testing.T) {
	b := setup(t)
	r := b.build(t, 0, b.q.EduWeibo)
	s := r.Summary
	if r.Scope.Label != "示范区教育微博（微博，示范区教育局）" || len(r.Accounts) != 1 {
		t.Fatalf("scope %+v, %d accounts", r.Scope, len(r.Accounts))
	}
	// Sign-offs and patrol findings count the items whose version targets
	// the account.
	if s.Items != 35 || s.Posts != 35 || s.Weekly != (reports.Rate{Num: 10, Den: 12}) || s.Urgent != (reports.Rate{Num: 2, Den: 3}) ||
		s.Messages != 0 || s.Submissions != 9 || s.PatrolFindings != 3 || s.DeliveriesFailed != 1 {
		t.Errorf("summary %+v", s)
	}
	if _, err := b.svc.Scope(context.Background(), nil, b.q.Health, b.q.EduWeibo); err == nil {
		t.Error("an account outside the unit was accepted")
	}
	if _, err := b.svc.Scope(context.Background(), []int64{b.q.Health}, 0, b.q.EduWeibo); err == nil {
		t.Error("an account the caller may not read was accepted")
	}
}

// TestScopeWithinReadableUnits: without a unit, a caller who reads part of
// the office gets the units they read, named by the top-most ones.
func TestScopeWithinReadableUnits(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	sc, err := b.svc.Scope(ctx, []int64{b.q.Edu, b.q.Center}, 0, 0)
	if err != nil || sc.Label != "示范区教育局（含下级单位）" || len(sc.Units) != 2 {
		t.Fatalf("%+v %v", sc, err)
	}
	if sc, err = b.svc.Scope(ctx, []int64{b.q.Edu, b.q.Health}, b.q.Edu, 0); err != nil || sc.Label != "示范区教育局" || len(sc.Units) != 1 {
		t.Fatalf("a unit whose sub-unit the caller cannot read: %+v %v", sc, err)
	}
	all := []int64{b.q.City, b.q.Edu, b.q.Center, b.q.Health}
	if sc, err = b.svc.Scope(ctx, all, 0, 0); err != nil || sc.Label != "全部单位" || sc.Units != nil {
		t.Fatalf("every unit: %+v %v", sc, err)
	}
	if _, err := b.svc.Scope(ctx, []int64{b.q.Health}, b.q.Edu, 0); err == nil {
		t.Fatal("a unit the caller may not read was accepted")
	}
}
