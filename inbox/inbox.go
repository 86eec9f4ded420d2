// Package inbox takes in what the public writes back — comments, messages
// and the website's error reports — from every channel, keeps each once,
// classifies it and tracks its statutory reply deadline (R7).
package inbox

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/tasks"
	"github.com/tongfa/tongfa/workday"
)

// MaxExtension is the longest extension a deputy may grant, once, in
// working days.
const MaxExtension = 10

// Service is the inbox.
type Service struct {
	DB       *store.DB
	Policy   *Policy                  // nil: the embedded default
	Calendar func() *workday.Calendar // nil: the embedded calendar
	// Checker checks answers before they are stored (R2, R3), with the
	// leaders table and words of the message's unit (Rules; nil: not
	// checked).
	Checker *sensitive.Checker
	Rules   UnitRules
	// AnswerPolicy says which answers need sign-off (nil: routine for all).
	AnswerPolicy AnswerPolicy
	// Tasks hands approved answers to the senders (nil: TypeAnswersDue
	// finds them).
	Tasks tasks.Client
	// Notify tells the unit's group robots that an answer waits for
	// sign-off (nil: the console's queue only).
	Notify UnitNotifier
	Log    *slog.Logger
}

func (s *Service) policy() *Policy {
	if s.Policy != nil {
		return s.Policy
	}
	return defaultPolicyOnce
}

var defaultPolicyOnce = DefaultPolicy()

func (s *Service) calendar() *workday.Calendar {
	if s.Calendar != nil {
		return s.Calendar()
	}
	return workday.Default()
}

// Incoming is one message as a connector received it.
type Incoming struct {
	Account       *tongfa.Account
	Kind          string // comment, message or error_report
	PlatformMsgID string
	PostID        string
	Author        string
	Body          string
	At            time.Time // when the platform received it
}

// classify turns an incoming message into a stored one with its class
// and deadline.
func (s *Service) classify(in Incoming) tongfa.Message {
	// What the public writes arrives as the platform sends it: a NUL or
	// broken UTF-8 is replaced, never refused — a refused message would
	// be pushed or polled again forever.
	in.Body, in.Author = tongfa.CleanText(in.Body), tongfa.CleanText(in.Author)
	in.PlatformMsgID, in.PostID = tongfa.CleanText(in.PlatformMsgID), tongfa.CleanText(in.PostID)
	v := s.policy().Classify(in.Kind, in.Body)
	return tongfa.Message{AccountID: in.Account.ID, UnitID: in.Account.UnitID, Platform: string(in.Account.Platform),
		Kind: in.Kind, PlatformMsgID: in.PlatformMsgID, PostID: in.PostID, Author: in.Author, Body: in.Body,
		ReceivedAt: in.At, Class: v.Class, ClassRule: v.Rule, Deadline: s.calendar().AddWorkingDays(in.At, v.Days)}
}

// Ingest stores messages that are new and returns them; repeats of a
// message already stored are dropped (deduplicated by account and platform
// message id, also between concurrent deliveries).
func (s *Service) Ingest(ctx context.Context, ins []Incoming) ([]tongfa.Message, error) {
	return s.DB.InsertMessages(ctx, s.classifyAll(ins))
}

// IngestPolled stores a polled page and moves the account's cursor for
// source in the same transaction.
func (s *Service) IngestPolled(ctx context.Context, acc *tongfa.Account, source, cursor string, ins []Incoming) ([]tongfa.Message, error) {
	return s.DB.IngestPolled(ctx, acc.ID, source, cursor, s.classifyAll(ins))
}

func (s *Service) classifyAll(ins []Incoming) []tongfa.Message {
	ms := make([]tongfa.Message, 0, len(ins))
	for _, in := range ins {
		if strings.TrimSpace(in.Body) == "" || in.PlatformMsgID == "" {
			continue
		}
		ms = append(ms, s.classify(in))
	}
	return ms
}

// View is a message as people see it: personal data in the text and the
// author's platform id masked unless the viewer handles the message.
type View struct {
	tongfa.Message
	Overdue bool `json:"overdue"`
	// DeadlineEstimated: the deadline runs into a year whose State Council
	// notice has not been imported, so it was counted with the law's
	// holidays only; the console marks it 按法定节日估算.
	DeadlineEstimated bool `json:"deadline_estimated"`
}

// List returns the messages of the units p may read, newest first.
func (s *Service) List(ctx context.Context, p *access.Principal, f store.MessageFilter) ([]View, error) {
	f.Units = p.Tree.Readable(p.User)
	ms, err := s.DB.Messages(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]View, 0, len(ms))
	for _, m := range ms {
		out = append(out, s.view(p, m))
	}
	return out, nil
}

// DueFor returns the open messages of the units p may read that are due
// before `before`, the most pressing first, at most limit, and how many
// there are in all.
func (s *Service) DueFor(ctx context.Context, p *access.Principal, before time.Time, limit int) ([]View, int, error) {
	ms, total, err := s.DB.DueMessages(ctx, p.Tree.Readable(p.User), before, limit)
	if err != nil {
		return nil, 0, err
	}
	out := make([]View, 0, len(ms))
	for _, m := range ms {
		out = append(out, s.view(p, m))
	}
	return out, total, nil
}

// Get returns one message p may read.
func (s *Service) Get(ctx context.Context, p *access.Principal, id int64) (*View, error) {
	m, err := s.DB.Message(ctx, id)
	if err != nil {
		return nil, err
	}
	if !p.Tree.CanRead(p.User, m.UnitID) {
		return nil, notFound(id)
	}
	v := s.view(p, *m)
	return &v, nil
}

func notFound(id int64) error {
	return &tongfa.Error{Code: tongfa.ENotFound, Message: fmt.Sprintf("留言 %d 不存在", id)}
}

// view masks what the viewer does not need: people who neither handle the
// unit's messages (editors, admins) nor are assigned to this one see the
// text with personal data masked and no platform user id.
func (s *Service) view(p *access.Principal, m tongfa.Message) View {
	handles := hasAny(p, m.UnitID, handlers) || m.AssigneeID != nil && *m.AssigneeID == p.User.ID
	if !handles {
		m.Body = sensitive.Mask(m.Body)
		m.Author = ""
	}
	return View{Message: m, Overdue: m.State.Open() && s.DB.Now().After(m.Deadline),
		DeadlineEstimated: s.calendar().EstimatedBetween(m.ReceivedAt, m.Deadline)}
}

// act loads a message for a change by p, who must handle the unit's
// messages (editor or admin), and runs change in one transaction.
func (s *Service) act(ctx context.Context, p *access.Principal, id int64, roles []tongfa.Role, change func(tx *store.Tx, m *tongfa.Message) error) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := tx.LockMessage(ctx, id)
		if err != nil {
			return err
		}
		if !p.Tree.CanRead(p.User, m.UnitID) {
			return notFound(id)
		}
		if !hasAny(p, m.UnitID, roles) {
			return &tongfa.Error{Code: tongfa.EForbidden, Message: "您没有处理该单位留言的权限"}
		}
		return change(tx, m)
	})
}

// handlers handle a unit's messages and answers.
var handlers = []tongfa.Role{tongfa.RoleEditor, tongfa.RoleAdmin}

// Rights are what p may do with a message now, by the rules the changes
// enforce; the console offers exactly these.
type Rights struct {
	Handle, Class, Assign, Close, Extend bool
	// Masked: p sees the text with personal data masked (neither a
	// handler nor the assignee).
	Masked bool
}

// Can reports p's rights on m.
func (s *Service) Can(p *access.Principal, m *tongfa.Message) Rights {
	h := hasAny(p, m.UnitID, handlers)
	open := m.State.Open()
	return Rights{Handle: h, Class: h && open, Assign: h && open, Close: h && m.State != tongfa.MessageClosed,
		Extend: hasAny(p, m.UnitID, []tongfa.Role{tongfa.RoleDeputy}) && open && m.ExtensionDays == 0,
		Masked: !h && (m.AssigneeID == nil || *m.AssigneeID != p.User.ID)}
}

// hasAny reports whether p holds one of roles in unit.
func hasAny(p *access.Principal, unitID int64, roles []tongfa.Role) bool {
	return slices.ContainsFunc(roles, func(r tongfa.Role) bool { return p.Tree.Has(p.User, unitID, r) })
}

// transition moves a message between states: the only place that does.
func transition(ctx context.Context, tx *store.Tx, m *tongfa.Message, to tongfa.MessageState, u store.MessageUpdate) error {
	from := map[tongfa.MessageState][]tongfa.MessageState{
		tongfa.MessageAssigned: {tongfa.MessageNew, tongfa.MessageAssigned},
		tongfa.MessageAnswered: {tongfa.MessageNew, tongfa.MessageAssigned},
		tongfa.MessageClosed:   {tongfa.MessageNew, tongfa.MessageAssigned, tongfa.MessageAnswered},
		"":                     {tongfa.MessageNew, tongfa.MessageAssigned}, // changes that keep the state: only while open
	}[to]
	u.From, u.State = from, to
	return tx.UpdateMessage(ctx, m.ID, u)
}

// SetClass overrides a message's class; the deadline follows the new
// class from the time the message arrived (plus any extension).
func (s *Service) SetClass(ctx context.Context, p *access.Principal, id int64, class string) error {
	days, ok := s.policy().Days(class)
	if !ok {
		return &tongfa.Error{Code: tongfa.EInvalid, Message: "未知的留言分类「" + class + "」", Fields: map[string]string{"class": "未知分类"}}
	}
	return s.act(ctx, p, id, handlers, func(tx *store.Tx, m *tongfa.Message) error {
		deadline := s.calendar().AddWorkingDays(m.ReceivedAt, days+m.ExtensionDays)
		tx.Audit(store.UserActor(p.User, p.IP), "message.class", fmt.Sprintf("message:%d", id), &m.UnitID,
			map[string]any{"from": m.Class, "to": class})
		return transition(ctx, tx, m, "", store.MessageUpdate{Class: class, Rule: "人工调整：" + displayName(p.User), ClassBy: &p.User.ID, Deadline: &deadline})
	})
}

// Assign gives a message to a user of its unit to answer.
func (s *Service) Assign(ctx context.Context, p *access.Principal, id, userID int64) error {
	u, err := s.DB.User(ctx, userID)
	return s.act(ctx, p, id, handlers, func(tx *store.Tx, m *tongfa.Message) error {
		// An unknown user and another unit's are refused alike: the answer
		// does not tell which user ids exist.
		if err != nil || !p.Tree.CanRead(u, m.UnitID) || u.Disabled {
			return &tongfa.Error{Code: tongfa.EInvalid, Message: "只能分派给本单位的在岗人员", Fields: map[string]string{"user_id": "人员不在本单位"}}
		}
		tx.Audit(store.UserActor(p.User, p.IP), "message.assign", fmt.Sprintf("message:%d", id), &m.UnitID, map[string]any{"user_id": userID})
		return transition(ctx, tx, m, tongfa.MessageAssigned, store.MessageUpdate{AssigneeID: &userID})
	})
}

// Assignees are the active users who may read a message p handles: the
// people Assign accepts.
func (s *Service) Assignees(ctx context.Context, p *access.Principal, id int64) ([]tongfa.User, error) {
	m, err := s.DB.Message(ctx, id)
	if err != nil || !p.Tree.CanRead(p.User, m.UnitID) {
		return nil, fmt.Errorf("inbox: message %d: %w", id, tongfa.ErrNotFound)
	}
	users, err := s.DB.Users(ctx, []int64{m.UnitID})
	out := make([]tongfa.User, 0, len(users))
	for _, u := range users {
		if !u.Disabled && p.Tree.CanRead(&u, m.UnitID) {
			out = append(out, u)
		}
	}
	return out, err
}

// Extend lengthens an open message's deadline once, by 1 to 10 working
// days, with a reason: a deputy leader of the unit decides.
func (s *Service) Extend(ctx context.Context, p *access.Principal, id int64, days int, reason string) error {
	if days < 1 || days > MaxExtension || strings.TrimSpace(reason) == "" {
		return &tongfa.Error{Code: tongfa.EInvalid, Message: fmt.Sprintf("延期须为 1–%d 个工作日并说明理由", MaxExtension),
			Fields: map[string]string{"days": "1–10 个工作日", "reason": "必填"}}
	}
	return s.act(ctx, p, id, []tongfa.Role{tongfa.RoleDeputy}, func(tx *store.Tx, m *tongfa.Message) error {
		if m.ExtensionDays > 0 {
			return &tongfa.Error{Code: tongfa.EInvalidState, Message: "该留言已延期过一次，不能再次延期"}
		}
		deadline := s.calendar().AddWorkingDays(m.Deadline, days)
		tx.Audit(store.UserActor(p.User, p.IP), "message.extend", fmt.Sprintf("message:%d", id), &m.UnitID,
			map[string]any{"days": days, "reason": reason, "deadline": deadline})
		return transition(ctx, tx, m, "", store.MessageUpdate{Deadline: &deadline, ExtensionDays: days, ExtensionReason: reason, ExtendedBy: &p.User.ID})
	})
}

// Close ends a message without an answer (spam, duplicate, answered
// elsewhere), with a reason.
func (s *Service) Close(ctx context.Context, p *access.Principal, id int64, reason string) error {
	if strings.TrimSpace(reason) == "" {
		return &tongfa.Error{Code: tongfa.EInvalid, Message: "请说明关闭理由", Fields: map[string]string{"reason": "必填"}}
	}
	return s.act(ctx, p, id, handlers, func(tx *store.Tx, m *tongfa.Message) error {
		tx.Audit(store.UserActor(p.User, p.IP), "message.close", fmt.Sprintf("message:%d", id), &m.UnitID, map[string]any{"reason": reason})
		return transition(ctx, tx, m, tongfa.MessageClosed, store.MessageUpdate{CloseReason: strings.TrimSpace(reason)})
	})
}

func displayName(u *tongfa.User) string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Username
}
