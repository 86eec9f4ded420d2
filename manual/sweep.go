package manual

import (
	"context"
	"fmt"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/tasks"
)

// TypeSweep is the periodic check of task deadlines.
const TypeSweep = "manual:sweep"

// Register adds the deadline sweep to m: every five minutes.
func (s *Service) Register(m tasks.Mux) error {
	m.Handle(TypeSweep, tasks.Periodic(func(ctx context.Context) error {
		_, err := s.Sweep(ctx, s.DB.Now())
		return err
	}))
	return m.Every("@every 5m", TypeSweep, "default")
}

// Sweep treats every task past its deadline like a failed delivery: the
// delivery fails with the reason (it shows among the failed deliveries,
// where an administrator retries it — a new task, a new deadline — or
// abandons it; its operators may still report the URL), an alert is
// raised once, and the account's editors and administrators are told.
// It returns how many tasks it failed.
func (s *Service) Sweep(ctx context.Context, now time.Time) (int, error) {
	list, err := s.DB.OverdueManualTasks(ctx, now)
	if err != nil {
		return 0, err
	}
	n := 0
	for i := range list {
		t := &list[i]
		msg := fmt.Sprintf("【人工发布逾期】稿件《%s》应于 %s 前在%s账号「%s」发布，至今未提交发布链接", t.Title,
			t.Deadline().In(china).Format("01-02 15:04"), t.Account.Platform.Label(), t.Account.Name)
		err := s.DB.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.SetDeliveryState(ctx, t.ID, []tongfa.DeliveryState{tongfa.DeliveryManual}, tongfa.DeliveryFailed,
				"超过发布期限仍未人工发布"); err != nil {
				return err
			}
			tx.Audit(store.SystemActor, "delivery.failed", fmt.Sprintf("delivery:%d", t.ID), &t.Account.UnitID,
				map[string]any{"item_id": t.ItemID, "account_id": t.Account.ID, "error": "超过发布期限仍未人工发布"})
			if _, err := tx.SettleItem(ctx, t.ItemID); err != nil {
				return err
			}
			unit := t.Account.UnitID
			fired, err := tx.FireAlert(ctx, fmt.Sprintf("delivery:%d", t.ID), "manual_task", "overdue", &unit, msg)
			if err != nil || !fired {
				return err
			}
			to, err := tx.UsersWithRole(ctx, []int64{unit}, tongfa.RoleEditor, tongfa.RoleAdmin)
			if err != nil {
				return err
			}
			return tx.Notify(ctx, to, &t.ItemID, "manual_task", true, msg)
		})
		if tongfa.ErrorCode(err) == tongfa.EInvalidState {
			continue // completed meanwhile
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

var china = time.FixedZone("CST", 8*3600)
