package inbox

import (
	"context"
	"fmt"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/notify"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/workday"
)

// AtRisk is the share of a message's reply window after which it is
// reported at risk.
const AtRisk = 0.75

// UnitNotifier sends a unit's robot messages (notify.Notifier).
type UnitNotifier interface {
	Unit(ctx context.Context, unitID int64, m notify.Message)
}

// Sweep raises, once each, the at-risk and overdue alerts of open
// messages: to the assignee, or else the unit's editors, and the unit's
// administrators, in the console and through the unit's robots. It first
// recounts the open deadlines (Recount), so that a holiday notice
// imported since they were set is what the alerts judge by.
func (s *Service) Sweep(ctx context.Context, now time.Time, robots UnitNotifier) (int, error) {
	if _, err := s.Recount(ctx); err != nil {
		return 0, err
	}
	ms, err := s.DB.MessagesAtRisk(ctx, now, AtRisk)
	if err != nil {
		return 0, err
	}
	fired := 0
	for _, m := range ms {
		level, title := "at_risk", "【留言即将超期】"
		if now.After(m.Deadline) {
			level, title = "overdue", "【留言已超期】"
		}
		msg := fmt.Sprintf("%s%s收到的%s留言（%s）答复时限为 %s，当前状态：%s。", title, m.ReceivedAt.In(workday.Location()).Format("01-02 15:04"),
			platformLabel(m.Platform), m.Class, m.Deadline.In(workday.Location()).Format("01-02 15:04"), stateLabel(m.State))
		ok, err := s.alert(ctx, m, level, msg)
		if err != nil {
			return fired, err
		}
		if ok {
			fired++
			if robots != nil {
				robots.Unit(ctx, m.UnitID, notify.Message{Title: title, Text: msg})
			}
		}
	}
	return fired, nil
}

func (s *Service) alert(ctx context.Context, m tongfa.Message, level, msg string) (bool, error) {
	var fired bool
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if fired, err = tx.FireAlert(ctx, fmt.Sprintf("message:%d", m.ID), "reply", level, &m.UnitID, msg); err != nil || !fired {
			return err
		}
		var to []int64
		if m.AssigneeID != nil {
			to = append(to, *m.AssigneeID)
		} else if to, err = tx.UsersWithRole(ctx, []int64{m.UnitID}, tongfa.RoleEditor); err != nil {
			return err
		}
		admins, err := tx.UsersWithRole(ctx, []int64{m.UnitID}, tongfa.RoleAdmin)
		if err != nil {
			return err
		}
		return tx.Notify(ctx, append(to, admins...), nil, "reply."+level, level == "overdue", msg)
	})
	return fired, err
}

func platformLabel(p string) string { return tongfa.Platform(p).Label() }

func stateLabel(s tongfa.MessageState) string {
	switch s {
	case tongfa.MessageNew:
		return "未分派"
	case tongfa.MessageAssigned:
		return "已分派待答复"
	case tongfa.MessageAnswered:
		return "已答复"
	}
	return "已关闭"
}
