package web_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tongfa/tongfa/reports/reportstest"
)

// reportsRedisDB keeps these tests off the other web tests' databases
// (docs/testing.md).
const reportsRedisDB = 13

// setupReports is a server whose city office has the known quarter below
// it, with the store's clock at the quarter's report time.
func setupReports(t *testing.T) (*harness, *reportstest.Quarter) {
	t.Helper()
	h := setupOn(t, reportsRedisDB)
	q := reportstest.SeedQuarter(t, h.db, &h.city.ID)
	h.db.Now = func() time.Time { return q.Now }
	return h, q
}

func TestReportAPI(t *testing.T) {
	h, q := setupReports(t)
	admin := h.script("cityadmin")
	var rep struct {
		Period  string `json:"period"`
		Scope   struct{ Label string }
		Summary struct {
			Items    int                    `json:"items_published"`
			Posts    int                    `json:"posts"`
			Messages int                    `json:"messages_received"`
			Urgent   struct{ Num, Den int } `json:"urgent_on_time"`
		} `json:"summary"`
	}
	if st := admin.do("GET", "/api/v1/reports/quarter?from=2026-01-01", nil, &rep); st != 200 {
		t.Fatalf("json: %d", st)
	}
	s := rep.Summary
	if rep.Period != "2026 年第 1 季度" || rep.Scope.Label != "示范市人民政府办公室（含下级单位）" ||
		s.Items != 74 || s.Posts != 140 || s.Messages != 11 || s.Urgent.Num != 4 || s.Urgent.Den != 6 {
		t.Fatalf("report %+v", rep)
	}
	if st := admin.do("GET", "/api/v1/reports/month?from=2026-02-01&unit="+itoa(q.Edu), nil, &rep); st != 200 || rep.Summary.Posts != 48 {
		t.Fatalf("February, education bureau: %d %+v", st, rep)
	}

	// Downloads, as the console's links fetch them with the session.
	browser := h.visitor(t)
	browser.login("cityadmin")
	st, body, hdr := browser.get("/api/v1/reports/quarter?from=2026-01-01&format=csv")
	if st != 200 || hdr.Get("Content-Type") != "text/csv; charset=utf-8" ||
		hdr.Get("Content-Disposition") != `attachment; filename="tongfa-report-quarter-2026-01-01-2026-04-01.csv"` ||
		!strings.HasPrefix(body, "\uFEFF概览\r\n") || !strings.Contains(body, "合计,144,138,2,2,2\r\n") {
		t.Fatalf("csv: %d %v\n%.300s", st, hdr, body)
	}
	st, body, _ = browser.get("/api/v1/reports/custom?from=2026-01-01&to=2026-04-01&format=xlsx&account=" + itoa(q.EduWeibo))
	f, err := excelize.OpenReader(strings.NewReader(body))
	if st != 200 || err != nil {
		t.Fatalf("xlsx: %d %v", st, err)
	}
	defer f.Close()
	// Ten tables, and the 传播力 table of the account's index (its Weibo
	// has no statistics: 无数据).
	if v, _ := f.GetCellValue("发布统计", "C3"); len(f.GetSheetList()) != 11 || v != "35" {
		t.Fatalf("xlsx sheets %v, Weibo posts %q", f.GetSheetList(), v)
	}
	if v, _ := f.GetCellValue("传播力指数", "F2"); v != "无数据" {
		t.Errorf("the index of a Weibo account without statistics: %q", v)
	}
}

func TestReportAPIRefusesBadInput(t *testing.T) {
	h, q := setupReports(t)
	for _, tc := range []struct{ path, field string }{
		{"/api/v1/reports/decade", "kind"},
		{"/api/v1/reports/month?from=2026-13-01", "from"},
		{"/api/v1/reports/quarter?from=2026-01-01&to=2026-03-31", "to"},
		{"/api/v1/reports/custom?from=2026-01-01", "to"},
		{"/api/v1/reports/quarter?format=pdf", "format"},
		{"/api/v1/reports/quarter?unit=abc", "unit"},
		{"/api/v1/reports/quarter?account=-1", "account"},
	} {
		var e apiError
		if st := h.script("cityadmin").do("GET", tc.path, nil, &e); st != 400 || e.Error.Code != "invalid_query" ||
			e.Error.Fields[tc.field] == "" || !strings.HasPrefix(e.Error.Message, "报表参数不正确：") {
			t.Errorf("%s: %d %+v", tc.path, st, e)
		}
	}
	var e apiError
	if st := h.script("editorB").do("GET", "/api/v1/reports/quarter?unit="+itoa(q.Edu), nil, &e); st != 404 || e.Error.Code != "not_found" {
		t.Errorf("another unit's report: %d %+v", st, e)
	}
	if st := h.script("cityadmin").do("GET", "/api/v1/reports/quarter?unit=999999", nil, &e); st != 404 {
		t.Errorf("unknown unit: %d %+v", st, e)
	}
}

// TestReportConsole renders the report page with its tables, charts,
// lists and downloads, and explains a bad period instead of failing.
func TestReportConsole(t *testing.T) {
	h, q := setupReports(t)
	p := h.visitor(t)
	p.login("cityadmin")
	st, body, _ := p.get("/reports?kind=quarter&from=2026-01-01&unit=" + itoa(q.City))
	if st != 200 {
		t.Fatalf("page: %d %s", st, body)
	}
	for _, want := range []string{
		`<h2 id="h-report">2026 年第 1 季度 · 示范区人民政府办公室（含下级单位）</h2>`,
		`<h3 id="t-channels">发布统计</h3>`, `<h3 id="t-urgent">紧急发布</h3>`, `<h3 id="t-messages">留言办理</h3>`,
		`<h3 id="t-signoffs">审签时效</h3>`, `<h3 id="t-deliveries">投递情况</h3>`, `<h3 id="t-patrol">巡查发现</h3>`,
		`<h3 id="t-units">单位汇总</h3>`, `<h3 id="t-accounts">账号考核</h3>`,
		`<th scope="row">合计</th><td class="num">6</td><td class="num">140</td>`,
		`<th scope="row">其他</th><td class="num">2</td><td class="num">0</td><td class="num">0</td><td class="num">0</td><td class="num">0</td><td class="num">0</td><td class="num">1</td><td class="num">1</td><td class="num">—</td>`,
		`role="img" aria-label="各渠道发布量：微信公众号 49 条（原创 37，转载 12）`,
		`aria-label="合规情况：更新达标率 62.8%；紧急首发按时率 66.7%；留言按期答复率 50.0%"`,
		`<ol class="ranklist red"><li>教育服务客户端<span class="muted">（移动客户端，教育局信息中心）</span> <strong>100.0 分</strong></li></ol>`,
		`href="/api/v1/reports/quarter?format=xlsx&amp;from=2026-01-01&amp;to=2026-04-01&amp;unit=` + itoa(q.City) + `"`,
		`<a href="/reports" aria-current="page">考核报表</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	st, body, _ = p.get("/reports?kind=custom&from=2026-01-01")
	if st != 400 || !strings.Contains(body, `<p class="errorbox" role="alert">报表参数不正确：自定义时段须同时给出起始日期 from 和结束日期 to（不含）</p>`) ||
		!strings.Contains(body, `id="r-to" name="to" type="date" value="" aria-invalid="true"`) {
		t.Errorf("bad period: %d %s", st, body)
	}
}

// TestReportYearFromAnyDate: a fixed period is the one containing from.
func TestReportYearFromAnyDate(t *testing.T) {
	h, _ := setupReports(t)
	var m map[string]any
	if st := h.script("cityadmin").do("GET", "/api/v1/reports/year?from=2026-06-01", nil, &m); st != 200 || m["from"] != "2026-01-01" || m["to"] != "2027-01-01" {
		t.Fatalf("%d %v", st, m["from"])
	}
}

// TestReportOfAWeekToCome (issue 22): a report whose period has not begun
// judges nothing and says so, over the API and on the console page.
func TestReportOfAWeekToCome(t *testing.T) {
	h, _ := setupReports(t)
	var rep struct {
		Status string            `json:"status"`
		Notice string            `json:"notice"`
		Black  []json.RawMessage `json:"black_list"`
	}
	if st := h.script("cityadmin").do("GET", "/api/v1/reports/week?from=2026-04-13", nil, &rep); st != 200 ||
		rep.Status != "not_started" || len(rep.Black) != 0 || !strings.HasPrefix(rep.Notice, "本期（2026-04-13 至 2026-04-19）尚未开始") {
		t.Fatalf("%d %+v", st, rep)
	}
	p := h.visitor(t)
	p.login("cityadmin")
	if st, body, _ := p.get("/reports?kind=week&from=2026-04-13"); st != 200 ||
		!strings.Contains(body, `<p class="warn" role="status" id="report-notice">本期（2026-04-13 至 2026-04-19）尚未开始`) ||
		!strings.Contains(body, "本期没有低于 60 分的账号。") {
		t.Errorf("page: %d %s", st, body)
	}
}
