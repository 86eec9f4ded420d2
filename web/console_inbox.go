package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/inbox"
	"github.com/tongfa/tongfa/web/console"
)

// atRiskWindow is how close to its deadline an open message is flagged
// (on its row and on the dashboard).
const atRiskWindow = 24 * time.Hour

// inboxPageSize is how many messages one page of /inbox lists.
const inboxPageSize = 50

// dashboardInboxShown bounds the overdue and at-risk messages the
// dashboard lists (the most pressing; the inbox has all of them).
const dashboardInboxShown = 50

var messageStates = console.Options(tongfa.MessageStates)

var messageKinds = map[string]string{"comment": "评论", "message": "私信", "error_report": "网站找错"}

// stateFilters are the choices of the list's state filter: every open
// message, then each state.
var stateFilters = append([]console.Option{{Value: stateOpen, Label: "未办结（待处理和已分派）"}}, messageStates...)

// deadlineFilters pick open messages by their deadline (dueWindow).
var deadlineFilters = []console.Option{{Value: "overdue", Label: "已超时"}, {Value: "at_risk", Label: "临近时限（24 小时内到期）"},
	{Value: "today", Label: "今天到期"}}

var dueOptions = []console.Option{{Value: "24", Label: "24 小时内到期"}, {Value: "72", Label: "3 天内到期"},
	{Value: "168", Label: "7 天内到期"}}

// messageRow is a message with what the console shows about it.
type messageRow struct {
	inbox.View
	PlatformLabel string
	AccountName   string
	KindLabel     string
	StateLabel    string
	Due           string // "剩余 2 天 3 小时", "已超时 5 小时"
	AtRisk        bool   // open, not overdue, deadline within atRiskWindow
	Open          bool
	Excerpt       string
}

type inboxView struct {
	Rows       []messageRow
	States     []console.Option
	Classes    []console.Option
	Deadlines  []console.Option
	DueOptions []console.Option
	State      string
	Class      string
	Deadline   string // overdue, at_risk, today
	Due        string // hours
	Next       string // query of the next page; "" when this is the last
}

type messageView struct {
	messageRow
	UnitName   string
	Assignee   *tongfa.User
	ExtendedBy *tongfa.User
	Masked     bool
	Classes    []console.Option
	Users      []console.Option
	AssigneeID string
	Days       []int
	Can        messageRights
	Answers    []answerRow   // newest first
	Composer   *composerView // nil: the viewer may not answer now
}

type messageRights struct{ Class, Assign, Extend, Close bool }

// consoleInbox lists messages with the API's filter (GET /api/v1/inbox);
// the selects show only the values they offer.
func (s *Server) consoleInbox(w http.ResponseWriter, r *http.Request, v *view) error {
	now := s.Now()
	f, err := inboxFilter(r, now)
	if err != nil {
		return err
	}
	f.Limit = inboxPageSize
	q := r.URL.Query()
	d := inboxView{States: stateFilters, Classes: s.classOptions(), Deadlines: deadlineFilters, DueOptions: dueOptions,
		State: q.Get("state"), Class: q.Get("class"), Deadline: q.Get("due"), Due: q.Get("due_within_hours")}
	ctx := r.Context()
	list, err := s.Inbox.List(ctx, principal(r), f)
	if err != nil {
		return err
	}
	d.Rows = s.messageRows(ctx, principal(r), list, now)
	if len(list) == inboxPageSize {
		next := url.Values{"before": {strconv.FormatInt(list[len(list)-1].ID, 10)}}
		for k, val := range map[string]string{"state": d.State, "class": d.Class, "due": d.Deadline, "due_within_hours": d.Due} {
			if val != "" {
				next.Set(k, val)
			}
		}
		d.Next = next.Encode()
	}
	v.Title, v.Nav, v.Data = "留言", "inbox", d
	return s.render(w, http.StatusOK, "inbox", "layout", v)
}

// consoleMessage shows one message with the actions the viewer may take;
// the forms post to /api/v1/inbox/{id}/{action}.
func (s *Server) consoleMessage(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx, p := r.Context(), principal(r)
	m, err := s.Inbox.Get(ctx, p, id)
	if err != nil {
		return err
	}
	rows := s.messageRows(ctx, p, []inbox.View{*m}, s.Now())
	d := messageView{messageRow: rows[0], UnitName: p.Tree.Name(m.UnitID), Classes: s.classOptions()}
	can := s.Inbox.Can(p, &m.Message)
	handler := can.Handle
	d.Masked = can.Masked
	d.Can = messageRights{Class: can.Class, Assign: can.Assign, Close: can.Close, Extend: can.Extend}
	if m.AssigneeID != nil {
		d.Assignee, d.AssigneeID = s.person(ctx, *m.AssigneeID), strconv.FormatInt(*m.AssigneeID, 10)
	}
	if m.ExtendedBy != nil {
		d.ExtendedBy = s.person(ctx, *m.ExtendedBy)
	}
	if d.Can.Assign {
		users, err := s.Inbox.Assignees(ctx, p, m.ID)
		if err != nil {
			return err
		}
		d.Users = userOptions(users)
	}
	if err := s.answerSection(ctx, p, m, handler, &d); err != nil {
		return err
	}
	if d.Can.Extend {
		for n := 1; n <= inbox.MaxExtension; n++ {
			d.Days = append(d.Days, n)
		}
	}
	v.Title, v.Nav, v.Data = fmt.Sprintf("留言 %d", m.ID), "inbox", d
	return s.render(w, http.StatusOK, "inbox_message", "layout", v)
}

// dueMessages are the open messages p may read whose deadline has passed
// or falls within atRiskWindow, the most pressing first, at most
// dashboardInboxShown of them, and how many there are.
func (s *Server) dueMessages(ctx context.Context, p *access.Principal, now time.Time) ([]messageRow, int, error) {
	due, total, err := s.Inbox.DueFor(ctx, p, now.Add(atRiskWindow), dashboardInboxShown)
	if err != nil {
		return nil, 0, err
	}
	return s.messageRows(ctx, p, due, now), total, nil
}

// messageRows adds labels, account names and the deadline state.
func (s *Server) messageRows(ctx context.Context, p *access.Principal, list []inbox.View, now time.Time) []messageRow {
	accounts := map[int64]string{}
	out := make([]messageRow, 0, len(list))
	for _, m := range list {
		name, ok := accounts[m.AccountID]
		if !ok {
			name = s.Registry.AccountName(ctx, p, m.AccountID)
			accounts[m.AccountID] = name
		}
		open := m.State == tongfa.MessageNew || m.State == tongfa.MessageAssigned
		out = append(out, messageRow{View: m, PlatformLabel: tongfa.Platform(m.Platform).Label(), AccountName: name,
			KindLabel: labelOf(messageKinds, m.Kind), StateLabel: m.State.Label(), Open: open,
			Due: dueText(m.Deadline.Sub(now)), AtRisk: open && !m.Overdue && m.Deadline.Sub(now) <= atRiskWindow,
			Excerpt: excerpt(m.Body, 40)})
	}
	return out
}

// classOptions are the policy's classes, the default class last.
func (s *Server) classOptions() []console.Option {
	pol := s.Inbox.Policy
	if pol == nil {
		pol = defaultInboxPolicy
	}
	out := make([]console.Option, 0, len(pol.Classes)+1)
	for _, c := range pol.Classes {
		out = append(out, console.Option{Value: c.Name, Label: c.Name})
	}
	return append(out, console.Option{Value: pol.Default.Class, Label: pol.Default.Class})
}

var defaultInboxPolicy = inbox.DefaultPolicy()

func optionLabel(opts []console.Option, v string) string {
	if i := slices.IndexFunc(opts, func(o console.Option) bool { return o.Value == v }); i >= 0 {
		return opts[i].Label
	}
	return v
}

func labelOf(m map[string]string, k string) string {
	if l, ok := m[k]; ok {
		return l
	}
	return k
}

// dueText renders the time left to a deadline in Chinese.
func dueText(d time.Duration) string {
	prefix := "剩余"
	if d < 0 {
		prefix, d = "已超时", -d
	}
	days, hours, minutes := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		return fmt.Sprintf("%s %d 天 %d 小时", prefix, days, hours)
	case hours > 0:
		return fmt.Sprintf("%s %d 小时 %d 分钟", prefix, hours, minutes)
	}
	return fmt.Sprintf("%s %d 分钟", prefix, minutes)
}

// excerpt is the first n characters of a text, for lists.
func excerpt(text string, n int) string {
	r := []rune(text)
	if len(r) <= n {
		return text
	}
	return string(r[:n]) + "…"
}
