package clocks

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/notify"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/tasks"
	"github.com/tongfa/tongfa/workday"
)

// Service computes clocks and raises their alerts.
type Service struct {
	DB       *store.DB
	Calendar func() *workday.Calendar
	Notify   *notify.Notifier
	Log      *slog.Logger
	// Tasks queues an urgent item's checks at their thresholds (nil: the
	// per-minute sweep alone raises the alerts).
	Tasks tasks.Client
}

// Clock states of one channel.
const (
	OnTrack  = "on_track"
	AtRisk   = "at_risk"
	Breached = "breached"
	Met      = "met"    // first report in time
	Missed   = "missed" // first report, late
)

// ChannelClock is the first-report clock of one target channel.
type ChannelClock struct {
	AccountID   int64           `json:"account_id"`
	AccountName string          `json:"account_name"`
	Platform    tongfa.Platform `json:"platform"`
	SLA         string          `json:"sla"`
	Deadline    time.Time       `json:"deadline"`
	// DeadlineEstimated: counted over a year without the State Council
	// notice; the console marks it 按法定节日估算.
	DeadlineEstimated bool       `json:"deadline_estimated"`
	DeliveredAt       *time.Time `json:"delivered_at,omitempty"`
	State             string     `json:"state"`
	Elapsed           float64    `json:"elapsed"` // share of the window used
	Remaining         int64      `json:"remaining_seconds"`
	Waiting           string     `json:"waiting,omitempty"` // what it waits for, in Chinese
	// Note qualifies a delivered channel, in Chinese: an urgent item
	// published on a mass-mode WeChat account without a mass send left
	// says its followers were not notified.
	Note string `json:"note,omitempty"`
	span Span
}

// Clock is an urgent item's clocks.
type Clock struct {
	ItemID    int64            `json:"item_id"`
	UnitID    int64            `json:"unit_id"`
	AuthorID  int64            `json:"author_id"`
	Title     string           `json:"title"`
	EventTime time.Time        `json:"event_time"`
	State     tongfa.ItemState `json:"state"`
	Channels  []ChannelClock   `json:"channels"`
	Open      bool             `json:"open"` // some channel still runs
	level     int
	role      tongfa.Role
}

// PolicyFor returns a unit's clock policy.
func (s *Service) PolicyFor(ctx context.Context, unit int64) (*Policy, error) {
	src, err := s.DB.ClockPolicy(ctx, unit)
	if err != nil {
		return nil, err
	}
	return ParsePolicy([]byte(src))
}

// policies remembers the units' policies during one call that reads many
// accounts' (a province's office: 2,000 accounts of 300 units). A set
// loaded by policiesOf read every override of its units in one statement;
// each distinct source is parsed once, when an account of a unit using it
// is judged (a broken override fails the call as PolicyFor would).
type policies struct {
	s      *Service
	by     map[int64]*Policy
	src    map[int64]string // loaded: the units' overrides
	loaded bool
	parsed map[string]*Policy
}

func (s *Service) policies() *policies {
	return &policies{s: s, by: map[int64]*Policy{}, parsed: map[string]*Policy{}}
}

// policiesOf is policies with the overrides of units (nil: every unit)
// read at once.
func (s *Service) policiesOf(ctx context.Context, units []int64) (*policies, error) {
	src, err := s.DB.ClockPolicies(ctx, units)
	if err != nil {
		return nil, err
	}
	m := s.policies()
	m.src, m.loaded = src, true
	return m, nil
}

func (m *policies) For(ctx context.Context, unit int64) (*Policy, error) {
	if p, ok := m.by[unit]; ok {
		return p, nil
	}
	if !m.loaded {
		p, err := m.s.PolicyFor(ctx, unit)
		if err == nil {
			m.by[unit] = p
		}
		return p, err
	}
	src := m.src[unit]
	p, ok := m.parsed[src]
	if !ok {
		var err error
		if p, err = ParsePolicy([]byte(src)); err != nil {
			return nil, err
		}
		m.parsed[src] = p
	}
	m.by[unit] = p
	return p, nil
}

// Status computes an urgent item's clocks at now.
func (s *Service) Status(ctx context.Context, itemID int64, now time.Time) (*Clock, error) {
	it, err := s.DB.Item(ctx, itemID)
	if err != nil {
		return nil, err
	}
	c := it.Version.Content
	if c.Urgency != tongfa.UrgencyUrgent {
		return nil, &tongfa.Error{Code: tongfa.EInvalid, Message: "不是紧急稿件"}
	}
	pol, err := s.PolicyFor(ctx, it.UnitID)
	if err != nil {
		return nil, err
	}
	cl := &Clock{ItemID: it.ID, UnitID: it.UnitID, AuthorID: it.AuthorID, Title: c.Title, EventTime: it.CreatedAt, State: it.State, level: it.Level}
	if c.EventTime != nil {
		cl.EventTime = *c.EventTime
	}
	if it.State == tongfa.StateInReview {
		if sub, err := s.DB.ActiveSubmission(ctx, it.ID); err == nil && it.Level >= 1 && it.Level <= len(sub.Chain) {
			cl.role = sub.Chain[it.Level-1]
		}
	}
	accounts, err := s.DB.AccountsByID(ctx, c.Targets)
	if err != nil {
		return nil, err
	}
	ds, err := s.DB.ItemDeliveries(ctx, it.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range accounts {
		if span, ok := pol.UrgentSpan(a.Platform); ok {
			cl.Channels = append(cl.Channels, s.channel(cl, a, span, ds, pol, now))
		}
	}
	for _, ch := range cl.Channels {
		cl.Open = cl.Open || ch.DeliveredAt == nil && it.State != tongfa.StateWithdrawn
	}
	return cl, nil
}

func (s *Service) channel(cl *Clock, a tongfa.Account, span Span, ds []tongfa.Delivery, pol *Policy, now time.Time) ChannelClock {
	cal := s.Calendar()
	ch := ChannelClock{AccountID: a.ID, AccountName: a.Name, Platform: a.Platform, SLA: span.String(), span: span,
		Deadline: span.End(cal, cl.EventTime)}
	ch.DeadlineEstimated = span.Estimated(cal, cl.EventTime, ch.Deadline)
	var last *tongfa.Delivery
	for i := range ds {
		d := &ds[i]
		if d.AccountID != a.ID {
			continue
		}
		last = d
		if d.DeliveredAt != nil && (ch.DeliveredAt == nil || d.DeliveredAt.Before(*ch.DeliveredAt)) {
			ch.DeliveredAt = d.DeliveredAt
		}
	}
	at := now
	if ch.DeliveredAt != nil {
		at = *ch.DeliveredAt
	}
	ch.Elapsed = span.Elapsed(cal, cl.EventTime, ch.Deadline, at)
	ch.Remaining = int64(max(ch.Deadline.Sub(now), 0) / time.Second)
	switch {
	case ch.DeliveredAt != nil && !ch.DeliveredAt.After(ch.Deadline):
		ch.State = Met
	case ch.DeliveredAt != nil:
		ch.State = Missed
	case ch.Elapsed >= 1:
		ch.State = Breached
	case len(pol.AtRisk) > 0 && ch.Elapsed >= pol.AtRisk[0]:
		ch.State = AtRisk
	default:
		ch.State = OnTrack
	}
	if ch.DeliveredAt == nil {
		ch.Waiting = waiting(cl, last)
	} else if last != nil && last.ErrorCode == "mass_fallback" {
		ch.Note = last.Error
	}
	return ch
}

// waiting says what holds a channel up.
func waiting(cl *Clock, d *tongfa.Delivery) string {
	switch cl.State {
	case tongfa.StateDraft, tongfa.StateRejected:
		return "等待编辑送审"
	case tongfa.StateInReview:
		return fmt.Sprintf("等待第 %d 级（%s）审签", cl.level, cl.role.Label())
	case tongfa.StateWithdrawn:
		return "稿件已撤回"
	}
	if d == nil {
		return "等待投递"
	}
	switch d.State {
	case tongfa.DeliveryPending, tongfa.DeliveryQueued:
		if d.Error != "" {
			return "投递重试中：" + d.Error
		}
		return "排队投递中"
	case tongfa.DeliverySending:
		return "正在投递"
	case tongfa.DeliveryUnconfirmed:
		return "正在核实是否已发布"
	case tongfa.DeliveryManual:
		return "等待运营人员人工发布并提交链接"
	case tongfa.DeliveryFailed:
		return "投递失败：" + d.Error
	}
	return "投递已" + string(d.State)
}

// levelName names an alert threshold: at_risk_50, at_risk_75, breached.
func levelName(f float64) string {
	if f >= 1 {
		return Breached
	}
	return fmt.Sprintf("at_risk_%d", int(f*100+0.5))
}

// Check raises every alert of item whose threshold has passed and has not
// fired yet; it returns how many it raised.
func (s *Service) Check(ctx context.Context, itemID int64, now time.Time) (int, error) {
	cl, err := s.Status(ctx, itemID, now)
	if err != nil || !cl.Open {
		return 0, err
	}
	pol, err := s.PolicyFor(ctx, cl.UnitID)
	if err != nil {
		return 0, err
	}
	fired := 0
	for _, ch := range cl.Channels {
		if ch.DeliveredAt != nil {
			continue
		}
		for _, f := range pol.thresholds() {
			if ch.Elapsed < f {
				break
			}
			ok, err := s.alert(ctx, cl, ch, f)
			if err != nil {
				return fired, err
			}
			if ok {
				fired++
			}
		}
	}
	return fired, nil
}

// alert fires one threshold of one channel, once, to the author, the
// signers the item waits for and the unit's principal leaders.
func (s *Service) alert(ctx context.Context, cl *Clock, ch ChannelClock, f float64) (bool, error) {
	title := "【紧急稿件即将超时】"
	if f >= 1 {
		title = "【紧急稿件已超时】"
	}
	// The threshold is named as well as the time used: a check that runs a
	// moment late still says which warning this is.
	used := fmt.Sprintf("已用 %d%%", int(ch.Elapsed*100))
	if f < 1 {
		used += fmt.Sprintf("（过 %d%% 预警线）", int(f*100))
	}
	msg := fmt.Sprintf("%s「%s」%s首发时限 %s，%s，%s。当前：%s", title, cl.Title, ch.Platform.Label(), ch.SLA,
		used, deadlineText(ch), ch.Waiting)
	var fired bool
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		fired, err = tx.FireAlert(ctx, fmt.Sprintf("item:%d/account:%d", cl.ItemID, ch.AccountID), "urgent", levelName(f), &cl.UnitID, msg)
		if err != nil || !fired {
			return err
		}
		to, err := s.recipients(ctx, tx, cl)
		if err != nil {
			return err
		}
		tx.Audit(store.SystemActor, "clock.alert", fmt.Sprintf("item:%d", cl.ItemID), &cl.UnitID,
			map[string]any{"platform": ch.Platform, "level": levelName(f), "elapsed": ch.Elapsed, "waiting": ch.Waiting})
		return tx.Notify(ctx, to, &cl.ItemID, "urgent."+levelName(f), true, msg)
	})
	if fired && err == nil {
		s.Notify.Unit(ctx, cl.UnitID, notify.Message{Title: title, Text: msg})
	}
	return fired, err
}

func deadlineText(ch ChannelClock) string {
	if ch.Remaining <= 0 {
		return "已于 " + ch.Deadline.In(workday.Location()).Format("01-02 15:04") + " 超时"
	}
	left := time.Duration(ch.Remaining) * time.Second
	if left >= time.Hour {
		return fmt.Sprintf("剩余 %d 小时 %d 分钟", left/time.Hour, left%time.Hour/time.Minute)
	}
	if left >= time.Minute {
		return fmt.Sprintf("剩余 %d 分钟", left/time.Minute)
	}
	return fmt.Sprintf("剩余 %d 秒", left/time.Second)
}

func (s *Service) recipients(ctx context.Context, tx *store.Tx, cl *Clock) ([]int64, error) {
	roles := []tongfa.Role{tongfa.RolePrincipal}
	if cl.role != "" {
		roles = append(roles, cl.role)
	}
	to, err := tx.UsersWithRole(ctx, []int64{cl.UnitID}, roles...)
	if err != nil {
		return nil, err
	}
	to = append(to, cl.AuthorID)
	slices.Sort(to)
	return slices.Compact(to), nil
}

// Alerts lists the newest alerts of the units p may read.
func (s *Service) Alerts(ctx context.Context, p *access.Principal, limit int) ([]store.Alert, error) {
	list, err := s.DB.Alerts(ctx, p.Tree.Readable(p.User), limit)
	if list == nil {
		list = []store.Alert{}
	}
	return list, err
}
