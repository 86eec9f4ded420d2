package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/editions"
	"github.com/tongfa/tongfa/store"
)

// The content calendar (issue 17 point 6): a week or a month of one
// unit's (or one account's) scheduled, published and failed items and
// editions, each mass-mode account's quota left today, and the days an
// account would fall below its update-frequency rule (R6) unless more is
// planned — before they come.

type option struct {
	Value    int64
	Label    string
	Selected bool
}

type calendarView struct {
	View              string // week or month
	Date              string // YYYY-MM-DD, the day the span is around
	Heading           string
	Prev, Next, Today string // query strings
	Units, Accounts   []option
	Weekdays          []string
	Weeks             [][]*calDay
	Quotas            []quotaRow
	Risks             []riskRow
	CanCompose        bool
	Min               string // the earliest time a form may choose (datetime-local)
	Fields            map[string]string
	UnitID, AccountID int64
	EditionsURL       string
}

type calDay struct {
	Date    time.Time
	Label   string // 12月5日 (周六)
	Weekday string
	Day     int
	InSpan  bool
	Today   bool
	Past    bool
	Events  []calEvent
	Risks   []string // accounts that would miss R6 on this day
}

type calEvent struct {
	At         time.Time
	Time       string
	Edition    *store.EditionSummary
	Entry      *store.CalendarEntry
	Title      string
	State      string // CSS state
	StateLabel string
	Account    string
	Link       string
	// Movable: an item waiting for its time, outside any edition.
	Movable  bool
	Joinable bool // may join an edition of its (mass-mode WeChat) account
}

type quotaRow struct {
	Account   string
	Type      string
	Today     int
	ThisMonth int
}

type riskRow struct {
	Account string
	Day     string // the first day it would miss
	Days    int    // how many days shown it would
	Message string
}

var weekdayNames = []string{"周一", "周二", "周三", "周四", "周五", "周六", "周日"}

func (s *Server) consoleCalendar(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p := r.Context(), principal(r)
	now := s.Now()
	q := r.URL.Query()
	cv := &calendarView{View: "week", Fields: map[string]string{}, CanCompose: v.Can.Compose}
	if q.Get("view") == "month" {
		cv.View = "month"
	}
	today := dayOf(now)
	day := today
	if d := q.Get("date"); d != "" {
		t, err := time.ParseInLocation(time.DateOnly, d, tongfa.China)
		if err != nil {
			cv.Fields["date"] = "日期格式应为 2026-01-02"
		} else {
			day = t
		}
	}
	cv.UnitID, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	cv.AccountID, _ = strconv.ParseInt(q.Get("account"), 10, 64)
	cv.Date = day.Format(time.DateOnly)

	var from, to, spanFrom, spanTo time.Time
	if cv.View == "month" {
		spanFrom = time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, tongfa.China)
		spanTo = spanFrom.AddDate(0, 1, 0)
		from, to = mondayOf(spanFrom), mondayOf(spanTo.AddDate(0, 0, -1)).AddDate(0, 0, 7)
		cv.Heading = fmt.Sprintf("%d 年 %d 月", day.Year(), day.Month())
		cv.Prev, cv.Next = cv.query(spanFrom.AddDate(0, -1, 0)), cv.query(spanTo)
	} else {
		from = mondayOf(day)
		to = from.AddDate(0, 0, 7)
		spanFrom, spanTo = from, to
		last := to.AddDate(0, 0, -1)
		cv.Heading = fmt.Sprintf("%d 年 %d 月 %d 日 — %d 月 %d 日", from.Year(), from.Month(), from.Day(), last.Month(), last.Day())
		cv.Prev, cv.Next = cv.query(from.AddDate(0, 0, -7)), cv.query(to)
	}
	cv.Today = cv.query(today)
	cv.Weekdays = weekdayNames
	cv.Min = now.In(tongfa.China).Format("2006-01-02T15:04")

	// The selectors: the units the viewer reads, their accounts.
	for _, u := range p.Tree.Readable(p.User) {
		cv.Units = append(cv.Units, option{Value: u, Label: p.Tree.Name(u), Selected: u == cv.UnitID})
	}
	all, err := s.Editions.CalendarOf(ctx, p, editions.Filter{UnitID: cv.UnitID, From: from, To: to}, now)
	if err != nil {
		return err
	}
	for _, a := range all.Accounts {
		cv.Accounts = append(cv.Accounts, option{Value: a.ID, Label: a.Platform.Label() + " · " + a.Name, Selected: a.ID == cv.AccountID})
	}
	cal := all
	if cv.AccountID != 0 {
		if cal, err = s.Editions.CalendarOf(ctx, p, editions.Filter{UnitID: cv.UnitID, AccountID: cv.AccountID, From: from, To: to}, now); err != nil {
			return err
		}
	}
	cv.EditionsURL = "/editions"
	if cv.AccountID != 0 {
		cv.EditionsURL = fmt.Sprintf("/editions?account=%d", cv.AccountID)
	}

	days := map[string]*calDay{}
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		wd := (int(d.Weekday()) + 6) % 7
		cd := &calDay{Date: d, Day: d.Day(), Weekday: weekdayNames[wd], InSpan: !d.Before(spanFrom) && d.Before(spanTo),
			Today: d.Equal(today), Past: d.Before(today),
			Label: fmt.Sprintf("%d月%d日（%s）", d.Month(), d.Day(), weekdayNames[wd])}
		days[d.Format(time.DateOnly)] = cd
		if wd == 0 {
			cv.Weeks = append(cv.Weeks, nil)
		}
		cv.Weeks[len(cv.Weeks)-1] = append(cv.Weeks[len(cv.Weeks)-1], cd)
	}
	mass := map[int64]bool{}
	accounts := map[int64]*tongfa.Account{}
	for i, a := range cal.Accounts {
		mass[a.ID] = a.MassMode()
		accounts[a.ID] = &cal.Accounts[i]
	}
	for i := range cal.Editions {
		e := &cal.Editions[i]
		cd := days[dayOf(e.PublishAt).Format(time.DateOnly)]
		if cd == nil {
			continue
		}
		st := e.State
		label := editions.StateLabel(st)
		if awaiting(accounts[e.AccountID], e.State, e.MassSent, now) {
			label = "待管理员在手机上确认"
		}
		cd.Events = append(cd.Events, calEvent{At: e.PublishAt, Time: e.PublishAt.In(tongfa.China).Format("15:04"), Edition: e,
			Title: fmt.Sprintf("群发 %d 篇：%s", e.Articles, e.Headline), State: editionCSS(st), StateLabel: label,
			Account: e.AccountName, Link: fmt.Sprintf("/editions/%d", e.ID)})
	}
	for i := range cal.Entries {
		en := &cal.Entries[i]
		if en.EditionID != nil && (en.State == "pending" || en.State == "queued") {
			continue // shown with its edition
		}
		cd := days[dayOf(en.At).Format(time.DateOnly)]
		if cd == nil {
			continue
		}
		ds := tongfa.DeliveryState(en.State)
		ev := calEvent{At: en.At, Time: en.At.In(tongfa.China).Format("15:04"), Entry: en, Title: en.Title,
			Account: tongfa.Platform(en.Platform).Label() + " · " + en.AccountName, Link: fmt.Sprintf("/items/%d", en.ItemID)}
		switch ds {
		case tongfa.DeliveryDelivered:
			ev.State, ev.StateLabel = "published", "已发布"
		case tongfa.DeliveryFailed:
			ev.State, ev.StateLabel = "failed", "发布失败"
		case tongfa.DeliveryPending, tongfa.DeliveryQueued:
			ev.State, ev.StateLabel = "scheduled", "定时待发"
			if !en.At.After(now) {
				ev.State, ev.StateLabel = "queued", "待发送"
			}
			ev.Movable = en.ItemState == string(tongfa.StateScheduled) && en.At.After(now)
			ev.Joinable = ev.Movable && mass[en.AccountID]
		default:
			ev.State, ev.StateLabel = "sending", ds.Label()
		}
		cd.Events = append(cd.Events, ev)
	}
	for _, cd := range days {
		slices.SortStableFunc(cd.Events, func(a, b calEvent) int { return a.At.Compare(b.At) })
	}

	// Quota left today per mass-mode WeChat account.
	for _, a := range cal.Accounts {
		if qt, ok := cal.Quotas[a.ID]; ok {
			typ := "订阅号"
			if a.Settings["wechat_type"] == "service" {
				typ = "服务号"
			}
			cv.Quotas = append(cv.Quotas, quotaRow{Account: a.Name, Type: typ, Today: qt.Today, ThisMonth: qt.ThisMonth})
		}
	}

	// R6: on each day from today on, the posts published or planned in the
	// 7 days ending that day must reach the account's weekly requirement.
	for _, a := range cal.Accounts {
		if a.Platform == tongfa.PlatformWebsite {
			continue // website columns are judged by their gaps (the dashboard)
		}
		pol, err := s.Clocks.PolicyFor(ctx, a.UnitID)
		if err != nil {
			return err
		}
		req, ok := pol.Weekly[a.Platform]
		if !ok {
			req = pol.Weekly[tongfa.PlatformOther]
		}
		if req <= 0 {
			continue
		}
		var posts []time.Time
		var row *riskRow // the first day the account would miss, and how many
		for _, en := range cal.Entries {
			if en.AccountID == a.ID && (en.State == "delivered" || en.State == "pending" || en.State == "queued" || en.State == "sending") {
				posts = append(posts, en.At)
			}
		}
		for d := today; d.Before(to); d = d.AddDate(0, 0, 1) {
			if d.Before(from) {
				continue
			}
			end := d.AddDate(0, 0, 1)
			n := 0
			for _, t := range posts {
				if !t.Before(end.AddDate(0, 0, -7)) && t.Before(end) {
					n++
				}
			}
			if n < req {
				cd := days[d.Format(time.DateOnly)]
				cd.Risks = append(cd.Risks, a.Name)
				if row == nil {
					row = &riskRow{Account: a.Platform.Label() + " · " + a.Name, Day: cd.Label,
						Message: fmt.Sprintf("截至当日的 7 天内已发布和已安排共 %d 条，低于每周 %d 条的要求；请在此前安排发布", n, req)}
				}
				row.Days++
			}
		}
		if row != nil {
			cv.Risks = append(cv.Risks, *row)
		}
	}
	v.Title, v.Nav, v.Data = "内容日历", "calendar", cv
	return s.render(w, http.StatusOK, "calendar", "layout", v)
}

// query is the calendar's query string for another day, keeping the
// view and the selectors.
func (cv *calendarView) query(d time.Time) string {
	q := url.Values{"view": {cv.View}, "date": {d.Format(time.DateOnly)}}
	if cv.UnitID != 0 {
		q.Set("unit", strconv.FormatInt(cv.UnitID, 10))
	}
	if cv.AccountID != 0 {
		q.Set("account", strconv.FormatInt(cv.AccountID, 10))
	}
	return "?" + q.Encode()
}

// dayOf is 00:00 China time of t's day.
func dayOf(t time.Time) time.Time {
	c := t.In(tongfa.China)
	return time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, tongfa.China)
}

// mondayOf is 00:00 China time of the Monday of t's week.
func mondayOf(t time.Time) time.Time {
	d := dayOf(t)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// awaiting: a send of an account with mass-send protection is taken to
// wait for the administrator's confirmation for its first 30 minutes.
func awaiting(acc *tongfa.Account, state string, sent *time.Time, now time.Time) bool {
	on := acc != nil && (acc.Settings["mass_protection"] == "on" || acc.Settings["mass_protection"] == "true")
	return on && state == "sending" && sent != nil && now.Before(sent.Add(30*time.Minute))
}

func editionCSS(state string) string {
	switch state {
	case "draft":
		return "in_review"
	case "scheduled":
		return "scheduled"
	case "sent":
		return "published"
	}
	return state
}
