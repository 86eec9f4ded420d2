package reports

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/workday"
)

// Table is one table of a report as people read it: a sheet of the
// workbook, a section of the CSV file, a table of the console page.
type Table struct {
	Key    string // stable: overview, channels, urgent, …
	Title  string // Chinese; the sheet's name
	Header []string
	Rows   [][]any // cells: string, int, Rate (shown as a percentage) or Dec
}

// Dec is a decimal figure that may be missing.
type Dec struct {
	V      *float64
	Places int
}

// Text is a cell as text; a missing figure is "".
func Text(cell any) string {
	switch c := cell.(type) {
	case string:
		return c
	case int:
		return strconv.Itoa(c)
	case Rate:
		if v, ok := c.Value(); ok {
			return strconv.FormatFloat(v*100, 'f', 1, 64) + "%"
		}
	case Dec:
		if c.V != nil {
			return strconv.FormatFloat(*c.V, 'f', c.Places, 64)
		}
	}
	return ""
}

// Tables lays the report out as its tables, in the order of the workbook.
func (r *Report) Tables() []Table {
	ts := []Table{r.overview(), r.channelTable(), r.urgentTable(), r.messageTable(), r.signoffTable(),
		r.deliveryTable(), r.patrolTable(), r.unitTable(), r.accountTable(), r.listTable()}
	if len(r.Indices) > 0 {
		ts = append(ts, r.indexTable())
	}
	if len(r.Reposts) > 0 {
		ts = append(ts, r.repostTable())
	}
	return ts
}

func (r *Report) overview() Table {
	s := r.Summary
	rows := slices.Concat([][]any{
		{"报表周期", r.Period}, {"起止日期", r.From + " 至 " + r.dayBeforeTo()}, {"统计范围", r.Scope.Label},
		{"生成时间", r.GeneratedAt.Format("2006-01-02 15:04:05")},
	}, r.progressRows(), [][]any{
		{"发布稿件数", s.Items}, {"发布条数", s.Posts}, {"原创比例", s.OriginalRatio}, {"完整周数", r.Weeks},
	}, r.weekRows(), [][]any{
		{"更新频率达标率", s.Weekly}, {"紧急稿件数", s.UrgentItems}, {"紧急首发按时率", s.Urgent},
		{"收到留言", s.Messages}, {"留言按期答复率", s.Replies}, {"答复用时中位数（工作日）", Dec{s.MedianAnswerDays, 2}},
		{"送审次数", s.Submissions}, {"审签用时中位数（工作小时）", Dec{s.MedianSignoffHours, 1}},
		{"投递失败", s.DeliveriesFailed}, {"投递撤回", s.DeliveriesWithdrawn}, {"巡查发现问题", s.PatrolFindings},
	})
	if len(r.MissingCalendarYears) > 0 {
		rows = append(rows, []any{"提示", workday.MissingText(r.MissingCalendarYears) + "：本报表中这些年份的工作日按法定节日估算（不含调休）"})
	}
	return Table{Key: "overview", Title: "概览", Header: []string{"指标", "数值"}, Rows: rows}
}

// progressRows state, for a report made before its period ended, what it
// counts up to and why the rest is not judged.
func (r *Report) progressRows() [][]any {
	if r.Status == StatusComplete || r.Status == "" {
		return nil
	}
	return [][]any{{"报表状态", statusLabel(r.Status)}, {"统计截至", r.Through.In(workday.Location()).Format("2006-01-02 15:04:05")},
		{"说明", r.Notice}}
}

// weekRows state how many whole weeks have ended and the running week, so
// far, while the period runs.
func (r *Report) weekRows() [][]any {
	if r.Status != StatusInProgress {
		return nil
	}
	rows := [][]any{{"已结束的完整周数", r.WeeksEnded}}
	if cw := r.CurrentWeek; cw != nil {
		rows = append(rows, []any{"本周（截至生成时间）", fmt.Sprintf("%s 至 %s：已达标 %d 个账号（计入达标率），尚未达标 %d 个账号（本周未结束，不计）",
			cw.From, lastDay(cw.To), cw.Met, cw.InProgress)})
	}
	return rows
}

// dayBeforeTo is the period's last day, for the inclusive Chinese reading.
func (r *Report) dayBeforeTo() string { return lastDay(r.To) }

// lastDay is the day before an exclusive end date, both YYYY-MM-DD.
func lastDay(to string) string {
	t, err := time.Parse(dateLayout, to)
	if err != nil {
		return to
	}
	return t.AddDate(0, 0, -1).Format(dateLayout)
}

func (r *Report) channelTable() Table {
	t := Table{Key: "channels", Title: "发布统计",
		Header: []string{"渠道", "账号数", "发布条数", "原创", "转载", "原创比例", "考核账号周", "达标账号周", "更新达标率"}}
	for _, c := range r.Channels {
		t.Rows = append(t.Rows, []any{c.Label, c.Accounts, c.Posts, c.Original, c.Reprints, c.OriginalRatio,
			c.Weekly.Den, c.Weekly.Num, c.Weekly})
	}
	return t
}

func (r *Report) urgentTable() Table {
	t := Table{Key: "urgent", Title: "紧急发布",
		Header: []string{"渠道", "紧急稿件", "应首发渠道次", "按时首发", "超时首发", "超时未发", "计时中", "按时率",
			"用时中位数（分钟）", "最长用时（分钟）"}}
	for _, u := range r.Urgent {
		t.Rows = append(t.Rows, []any{u.Label, u.Items, u.Channels, u.Met, u.Late, u.Unpublished, u.Pending, u.OnTime,
			Dec{u.MedianMinutes, 1}, Dec{u.WorstMinutes, 1}})
	}
	return t
}

func (r *Report) messageTable() Table {
	t := Table{Key: "messages", Title: "留言办理",
		Header: []string{"类别", "收到", "已答复", "按期答复", "超期", "其中超期未答复", "延期", "办理中", "关闭未答复",
			"按期答复率", "答复用时中位数（工作日）"}}
	for _, m := range r.Messages {
		t.Rows = append(t.Rows, []any{m.Label, m.Received, m.Answered, m.OnTime, m.Overdue, m.OverdueOpen, m.Extended,
			m.Open, m.Closed, m.OnTimeRate, Dec{m.MedianDays, 2}})
	}
	return t
}

func (r *Report) signoffTable() Table {
	t := Table{Key: "signoffs", Title: "审签时效",
		Header: []string{"审签层级", "送审", "通过", "退回", "审签中", "撤回或作废", "用时中位数（工作小时）", "最长用时（工作小时）"}}
	for _, s := range r.Signoffs {
		t.Rows = append(t.Rows, []any{s.Label, s.Submitted, s.Approved, s.Rejected, s.Pending, s.Ended,
			Dec{s.MedianHours, 1}, Dec{s.WorstHours, 1}})
	}
	return t
}

func (r *Report) deliveryTable() Table {
	t := Table{Key: "deliveries", Title: "投递情况", Header: []string{"渠道", "投递任务", "成功", "失败", "撤回", "进行中"}}
	for _, d := range r.Deliveries {
		t.Rows = append(t.Rows, []any{d.Label, d.Total, d.Delivered, d.Failed, d.Withdrawn, d.Open})
	}
	return t
}

func (r *Report) patrolTable() Table {
	t := Table{Key: "patrol", Title: "巡查发现", Header: []string{"问题类型", "问题数", "涉及稿件", "其中仍在发布"}}
	for _, p := range r.Patrol {
		t.Rows = append(t.Rows, []any{p.Label, p.Findings, p.Items, p.Live})
	}
	return t
}

func (r *Report) unitTable() Table {
	t := Table{Key: "units", Title: "单位汇总",
		Header: []string{"单位", "账号数", "发布条数", "原创比例", "更新达标率", "紧急首发按时率", "留言按期答复率", "综合得分"}}
	for _, u := range r.Units {
		t.Rows = append(t.Rows, []any{u.Name, u.Accounts, u.Posts, u.OriginalRatio, u.Weekly, u.Urgent, u.Replies, Dec{u.Score, 1}})
	}
	return t
}

func (r *Report) accountTable() Table {
	t := Table{Key: "accounts", Title: "账号考核",
		Header: []string{"排名", "单位", "账号", "渠道", "发布条数", "原创比例", "每周要求（条）", "考核周数", "达标周数",
			"更新达标率", "紧急首发按时率", "留言按期答复率", "综合得分"}}
	if r.CurrentWeek != nil {
		t.Header = append(t.Header, "本周发布（截至生成时间）", "本周情况")
	}
	for _, a := range r.Accounts {
		row := []any{rankCell(a.Rank), a.UnitName, a.Name, a.PlatformLabel, a.Posts, a.OriginalRatio,
			a.Required, a.Weekly.Den, a.Weekly.Num, a.Weekly, a.Urgent, a.Replies, Dec{a.Score, 1}}
		if r.CurrentWeek != nil {
			row = append(row, currentWeekCells(a.CurrentWeek)...)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// currentWeekCells are an account's running week so far: empty for an
// account without a weekly requirement.
func currentWeekCells(w *WeekSoFar) []any {
	switch {
	case w == nil:
		return []any{"", ""}
	case w.State == clocks.WeekMet:
		return []any{w.Posts, "已达标（计入达标率）"}
	}
	return []any{w.Posts, "尚未达标（本周未结束，不计）"}
}

func (r *Report) listTable() Table {
	t := Table{Key: "lists", Title: "红黑榜", Header: []string{"榜单", "名次", "单位", "账号", "渠道", "综合得分"}}
	for _, l := range []struct {
		name string
		rows []AccountRow
	}{{"红榜", r.Red}, {"黑榜", r.Black}} {
		for i, a := range l.rows {
			t.Rows = append(t.Rows, []any{l.name, i + 1, a.UnitName, a.Name, a.PlatformLabel, Dec{a.Score, 1}})
		}
	}
	return t
}

// rankCell leaves an unranked account's rank empty.
func rankCell(rank int) any {
	if rank == 0 {
		return ""
	}
	return rank
}
