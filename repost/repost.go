// Package repost keeps repost tasks (转发任务): a supervising unit's
// editor designates one of its published items for accounts under it
// with a deadline; each target account's unit gets a prepared reprint
// (attribution filled in, R4) to sign and send through the normal flow;
// a task is done on an account when a version of that reprint is
// delivered there. Overdue accounts are announced once through the
// units' robots, and the reports count the tasks.
package repost

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/notify"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/workday"
)

// Items finds the items a principal may read (items.Service).
type Items interface {
	Get(ctx context.Context, p *access.Principal, id int64) (*tongfa.Item, error)
}

// Service creates repost tasks, serves their completion tables and
// announces overdue accounts.
type Service struct {
	DB     *store.DB
	Items  Items
	Notify *notify.Notifier // nil: no robot messages
	Log    *slog.Logger
}

// Input is POST /api/v1/repost-tasks: the item, the accounts (given, and
// every active account of the units given and of the units below them)
// and the deadline.
type Input struct {
	ItemID   int64     `json:"item_id"`
	Accounts []int64   `json:"account_ids"`
	Units    []int64   `json:"unit_ids"`
	Deadline time.Time `json:"deadline"`
	Note     string    `json:"note"`
}

// Status of one account of a task.
const (
	OnTime  = "on_time" // delivered by the deadline
	Late    = "late"    // delivered after it
	Pending = "pending" // not yet, the deadline has not passed
	Overdue = "overdue" // not delivered and the deadline has passed
)

var statusLabels = map[string]string{OnTime: "按时转发", Late: "逾期转发", Pending: "待转发", Overdue: "逾期未转发"}

// Task is a task with its completion table.
type Task struct {
	store.RepostTask
	UnitName  string  `json:"unit_name"`
	ItemTitle string  `json:"item_title"`
	Creator   string  `json:"created_by_name"`
	Summary   Summary `json:"summary"`
	Rows      []Row   `json:"rows"`
}

// Summary counts a task's accounts by status.
type Summary struct {
	Accounts int `json:"accounts"`
	OnTime   int `json:"on_time"`
	Late     int `json:"late"`
	Pending  int `json:"pending"`
	Overdue  int `json:"overdue"`
}

func (s *Summary) add(status string) {
	s.Accounts++
	switch status {
	case OnTime:
		s.OnTime++
	case Late:
		s.Late++
	case Pending:
		s.Pending++
	case Overdue:
		s.Overdue++
	}
}

// Row is one account of a task.
type Row struct {
	AccountID     int64            `json:"account_id"`
	AccountName   string           `json:"account_name"`
	PlatformLabel string           `json:"platform_label"`
	UnitID        int64            `json:"unit_id"`
	UnitName      string           `json:"unit_name"`
	ReprintItemID int64            `json:"reprint_item_id"`
	ReprintState  tongfa.ItemState `json:"reprint_state"`
	Status        string           `json:"status"`
	StatusLabel   string           `json:"status_label"`
	DeliveredAt   *time.Time       `json:"delivered_at"`
	URL           string           `json:"url"`
}

// StatusOf is a target's status at now.
func StatusOf(r store.RepostRow, now time.Time) string {
	switch {
	case r.Done != nil && !r.Done.After(r.Deadline):
		return OnTime
	case r.Done != nil:
		return Late
	case now.After(r.Deadline):
		return Overdue
	}
	return Pending
}

func invalid(field, msg string) error {
	return &tongfa.Error{Code: tongfa.EInvalid, Message: "转发任务不正确：" + msg, Fields: map[string]string{field: msg}}
}

// Create designates a published item of a unit where p is an editor for
// accounts under that unit, and prepares a reprint for each target unit.
func (s *Service) Create(ctx context.Context, p *access.Principal, in Input) (*Task, error) {
	it, err := s.Items.Get(ctx, p, in.ItemID)
	if err != nil {
		return nil, err
	}
	if !p.Tree.Has(p.User, it.UnitID, tongfa.RoleEditor) {
		return nil, &tongfa.Error{Code: tongfa.EForbidden, Message: "只有稿件所属单位的编辑可以下达转发任务"}
	}
	if it.State != tongfa.StatePublished {
		return nil, invalid("item_id", "只能转发已发布的稿件")
	}
	now := s.DB.Now()
	if !in.Deadline.After(now) {
		return nil, invalid("deadline", "截止时间须晚于现在")
	}
	if len([]rune(in.Note)) > 500 {
		return nil, invalid("note", "说明不能超过 500 字")
	}
	targets, err := s.targets(ctx, p, it.UnitID, in)
	if err != nil {
		return nil, err
	}
	url, err := s.publishedURL(ctx, it.ID)
	if err != nil {
		return nil, err
	}
	actor := store.UserActor(p.User, p.IP)
	byUnit := map[int64][]int64{}
	var units []int64
	for _, a := range targets {
		if byUnit[a.UnitID] == nil {
			units = append(units, a.UnitID)
		}
		byUnit[a.UnitID] = append(byUnit[a.UnitID], a.ID)
	}
	reprintOf := map[int64]int64{} // unit → its reprint
	for _, u := range units {
		c := reprint(it.Version.Content, p.Tree.Name(it.UnitID), url, now, byUnit[u])
		r, err := s.DB.CreateItem(ctx, u, p.User.ID, c, actor, map[string]any{"reprint_of": it.ID})
		if err != nil {
			return nil, err
		}
		reprintOf[u] = r.ID
	}
	t := &store.RepostTask{UnitID: it.UnitID, ItemID: it.ID, CreatedBy: p.User.ID, Note: in.Note, Deadline: in.Deadline}
	rows := make([]store.RepostTarget, len(targets))
	for i, a := range targets {
		rows[i] = store.RepostTarget{AccountID: a.ID, ReprintItemID: reprintOf[a.UnitID]}
	}
	if err := s.DB.InTx(ctx, func(tx *store.Tx) error { return tx.CreateRepostTask(ctx, actor, t, rows) }); err != nil {
		return nil, err
	}
	for _, u := range units {
		s.Notify.Unit(ctx, u, notify.Message{Title: "转发任务", Text: fmt.Sprintf("%s下达转发任务：请于 %s 前在%s转发「%s」。转载稿件已备好（注明来源），请审签后发布。",
			p.Tree.Name(it.UnitID), clock(in.Deadline), s.accountNames(targets, u), it.Version.Content.Title)})
	}
	return s.view(ctx, t, p.Tree)
}

// targets are the accounts in, each within unit's subtree (another
// unit's account is not found), and the active accounts of the units in.
func (s *Service) targets(ctx context.Context, p *access.Principal, unit int64, in Input) ([]tongfa.Account, error) {
	var out []tongfa.Account
	seen := map[int64]bool{}
	for _, id := range in.Accounts {
		a, err := s.DB.Account(ctx, id)
		if err != nil || !p.Tree.Within(a.UnitID, unit) {
			return nil, fmt.Errorf("repost: account %d: %w", id, tongfa.ErrNotFound)
		}
		if a.Status != tongfa.AccountActive {
			return nil, invalid("account_ids", fmt.Sprintf("账号「%s」未在运行", a.Name))
		}
		if !seen[a.ID] {
			seen[a.ID] = true
			out = append(out, *a)
		}
	}
	for _, u := range in.Units {
		if !p.Tree.Exists(u) || !p.Tree.Within(u, unit) {
			return nil, fmt.Errorf("repost: unit %d: %w", u, tongfa.ErrNotFound)
		}
		as, err := s.DB.ActiveAccounts(ctx, p.Tree.Subtree(u))
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			if !seen[a.ID] {
				seen[a.ID] = true
				out = append(out, a)
			}
		}
	}
	if len(out) == 0 {
		return nil, invalid("account_ids", "请选择要转发的账号或单位")
	}
	return out, nil
}

// publishedURL is the address of the item's first delivered post, for
// the reprints' attribution ("" when none has one).
func (s *Service) publishedURL(ctx context.Context, item int64) (string, error) {
	ds, err := s.DB.ItemDeliveries(ctx, item)
	if err != nil {
		return "", err
	}
	for _, d := range ds {
		if d.DeliveredAt != nil && d.URL != "" {
			return d.URL, nil
		}
	}
	return "", nil
}

// reprint is the prepared reprint of c for accounts: the same text,
// attributed to the source unit (R4).
func reprint(c tongfa.Content, source, url string, now time.Time, accounts []int64) tongfa.Content {
	at := now
	return tongfa.Content{Title: c.Title, Body: c.Body, Summary: c.Summary, Category: c.Category, Kind: tongfa.KindReprint,
		Source: &tongfa.Source{Unit: source, Title: c.Title, URL: url, ReprintedAt: &at}, Importance: tongfa.ImportanceRoutine,
		Urgency: tongfa.UrgencyNormal, Targets: accounts, Cover: c.Cover}
}

func (s *Service) accountNames(targets []tongfa.Account, unit int64) string {
	var names []string
	for _, a := range targets {
		if a.UnitID == unit {
			names = append(names, "「"+a.Name+"」")
		}
	}
	return strings.Join(names, "、")
}

func clock(t time.Time) string { return t.In(workday.Location()).Format("2006-01-02 15:04") }

// Get returns task id with its completion table, to whoever may read its
// unit; another unit's task is not found.
func (s *Service) Get(ctx context.Context, p *access.Principal, id int64) (*Task, error) {
	t, err := s.DB.RepostTask(ctx, id)
	if err != nil {
		return nil, err
	}
	if !p.Tree.CanRead(p.User, t.UnitID) {
		return nil, fmt.Errorf("repost: task %d: %w", id, tongfa.ErrNotFound)
	}
	return s.view(ctx, t, p.Tree)
}

// List returns the tasks of the units p may read, newest first.
func (s *Service) List(ctx context.Context, p *access.Principal) ([]store.RepostTask, error) {
	return s.DB.RepostTasks(ctx, p.Tree.Readable(p.User), 200)
}

func (s *Service) view(ctx context.Context, t *store.RepostTask, tree *access.Tree) (*Task, error) {
	it, err := s.DB.Item(ctx, t.ItemID)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.RepostRows(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	out := &Task{RepostTask: *t, UnitName: tree.Name(t.UnitID), ItemTitle: it.Version.Content.Title, Rows: []Row{}}
	if u, err := s.DB.User(ctx, t.CreatedBy); err == nil {
		out.Creator = u.DisplayName
	}
	now := s.DB.Now()
	for _, r := range rows {
		st := StatusOf(r, now)
		out.Summary.add(st)
		out.Rows = append(out.Rows, Row{AccountID: r.AccountID, AccountName: r.AccountName, PlatformLabel: r.Platform.Label(),
			UnitID: r.UnitID, UnitName: r.UnitName, ReprintItemID: r.ReprintItemID, ReprintState: r.ReprintState,
			Status: st, StatusLabel: statusLabels[st], DeliveredAt: r.Done, URL: r.URL})
	}
	return out, nil
}

// Alert announces, once, the accounts past their task's deadline without
// the reprint delivered: to the supervising unit's robots (every account
// of the task) and to each account unit's (its own). It returns how many
// accounts it announced.
func (s *Service) Alert(ctx context.Context) (int, error) {
	rows, err := s.DB.OverdueReposts(ctx, s.DB.Now())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, task := range taskIDs(rows) {
		var mine []store.RepostRow
		for _, r := range rows {
			if r.TaskID == task {
				mine = append(mine, r)
			}
		}
		if err := s.alert(ctx, task, mine); err != nil {
			return n, err
		}
		n += len(mine)
	}
	return n, nil
}

func taskIDs(rows []store.RepostRow) []int64 {
	var ids []int64
	for _, r := range rows {
		if len(ids) == 0 || ids[len(ids)-1] != r.TaskID {
			ids = append(ids, r.TaskID)
		}
	}
	return ids
}

func (s *Service) alert(ctx context.Context, task int64, rows []store.RepostRow) error {
	t, err := s.DB.RepostTask(ctx, task)
	if err != nil {
		return err
	}
	it, err := s.DB.Item(ctx, t.ItemID)
	if err != nil {
		return err
	}
	title := it.Version.Content.Title
	names := func(unit int64) string {
		var out []string
		for _, r := range rows {
			if unit == 0 || r.UnitID == unit {
				out = append(out, r.UnitName+"「"+r.AccountName+"」")
			}
		}
		return strings.Join(out, "、")
	}
	ids := make([]int64, len(rows))
	var units []int64
	for i, r := range rows {
		ids[i] = r.AccountID
		if !slices.Contains(units, r.UnitID) {
			units = append(units, r.UnitID)
		}
	}
	if err := s.DB.MarkRepostAlerted(ctx, task, ids); err != nil {
		return err
	}
	s.Notify.Unit(ctx, t.UnitID, notify.Message{Title: "转发任务逾期提醒", Text: fmt.Sprintf("转发任务「%s」已过截止时间 %s，%d 个账号尚未转发：%s。",
		title, clock(t.Deadline), len(rows), names(0))})
	for _, u := range units {
		if u != t.UnitID {
			s.Notify.Unit(ctx, u, notify.Message{Title: "转发任务逾期提醒", Text: fmt.Sprintf("转发任务「%s」已过截止时间 %s，以下账号尚未转发：%s。",
				title, clock(t.Deadline), names(u))})
		}
	}
	if s.Log != nil {
		s.Log.Info("repost: overdue accounts announced", slog.Int64("task_id", task), slog.Int("accounts", len(rows)))
	}
	return nil
}
