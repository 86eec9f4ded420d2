// Package deliveries is what people do with an item's deliveries once it
// is approved: see where it went, retry or abandon a delivery, and take
// the item off every channel (R11). The queue's workers do the sending.
package deliveries

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/store"
)

// Items finds an item the principal may read (items.Service).
type Items interface {
	Get(ctx context.Context, p *access.Principal, id int64) (*tongfa.Item, error)
}

// Queue hands deliveries and withdrawals to the workers (queue.Enqueuer).
type Queue interface {
	EnqueueIDs(ctx context.Context, queue string, ids []int64) error
	EnqueueWithdraw(ctx context.Context, ids []int64) error
}

// StepUp confirms the person acting (identity.Service).
type StepUp interface {
	StepUp(ctx context.Context, p *access.Principal, password string) error
}

// Service owns the operators' rules on deliveries.
type Service struct {
	DB       *store.DB
	Items    Items
	Queue    Queue
	Identity StepUp
	Log      *slog.Logger
}

// View is a delivery as people see it.
type View struct {
	tongfa.Delivery
	AccountName   string `json:"account_name"`
	PlatformLabel string `json:"platform_label"`
	StateLabel    string `json:"state_label"`
}

func view(d tongfa.Delivery, account string) View {
	return View{Delivery: d, AccountName: account, PlatformLabel: d.Platform.Label(), StateLabel: d.State.Label()}
}

// ForItem lists the deliveries of an item p may read.
func (s *Service) ForItem(ctx context.Context, p *access.Principal, itemID int64) ([]View, error) {
	if _, err := s.Items.Get(ctx, p, itemID); err != nil {
		return nil, err
	}
	ds, err := s.DB.ItemDeliveries(ctx, itemID)
	if err != nil {
		return nil, err
	}
	names, err := s.accountNames(ctx, ds)
	if err != nil {
		return nil, err
	}
	out := make([]View, 0, len(ds))
	for _, d := range ds {
		out = append(out, view(d, names[d.AccountID]))
	}
	return out, nil
}

func (s *Service) accountNames(ctx context.Context, ds []tongfa.Delivery) (map[int64]string, error) {
	ids := make([]int64, 0, len(ds))
	for _, d := range ds {
		ids = append(ids, d.AccountID)
	}
	accounts, err := s.DB.AccountsByID(ctx, ids)
	names := make(map[int64]string, len(accounts))
	for _, a := range accounts {
		names[a.ID] = a.Name
	}
	return names, err
}

// Failed is a failed delivery on the dashboard.
type Failed struct {
	View
	Title string
}

// Failed lists the failed deliveries of current versions of the items p
// may read, newest first.
func (s *Service) Failed(ctx context.Context, p *access.Principal, limit int) ([]Failed, error) {
	list, err := s.DB.FailedDeliveries(ctx, p.Tree.Readable(p.User), limit)
	out := make([]Failed, 0, len(list))
	for _, f := range list {
		out = append(out, Failed{View: view(f.Delivery, f.AccountName), Title: f.Title})
	}
	return out, err
}

// CanAct reports whether p may retry or abandon the deliveries of an item
// of unit: its administrators and those above.
func CanAct(p *access.Principal, unit int64) bool { return p.Tree.Administers(p.User, unit) }

// Retry puts a failed delivery back in the queue.
func (s *Service) Retry(ctx context.Context, p *access.Principal, id int64, reason string) (*tongfa.Delivery, error) {
	return s.act(ctx, p, id, "retry", reason, []tongfa.DeliveryState{tongfa.DeliveryFailed}, tongfa.DeliveryQueued)
}

// Abandon gives up on a delivery that has not reached its channel.
func (s *Service) Abandon(ctx context.Context, p *access.Principal, id int64, reason string) (*tongfa.Delivery, error) {
	return s.act(ctx, p, id, "abandon", reason, []tongfa.DeliveryState{tongfa.DeliveryFailed, tongfa.DeliveryPending,
		tongfa.DeliveryQueued, tongfa.DeliveryUnconfirmed, tongfa.DeliveryManual}, tongfa.DeliveryAbandoned)
}

func (s *Service) act(ctx context.Context, p *access.Principal, id int64, action, reason string, from []tongfa.DeliveryState, to tongfa.DeliveryState) (*tongfa.Delivery, error) {
	d, err := s.DB.Delivery(ctx, id)
	var it *tongfa.Item
	if err == nil {
		it, err = s.Items.Get(ctx, p, d.ItemID)
	}
	if err != nil {
		return nil, fmt.Errorf("deliveries: delivery %d: %w", id, tongfa.ErrNotFound)
	}
	if !CanAct(p, it.UnitID) {
		return nil, &tongfa.Error{Code: tongfa.EForbidden, Message: "只有本单位管理员可以重试或放弃投递"}
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		tx.Audit(store.UserActor(p.User, p.IP), "delivery."+action, fmt.Sprintf("delivery:%d", d.ID), &it.UnitID,
			map[string]any{"item_id": d.ItemID, "reason": reason, "from": d.State})
		if err := tx.SetDeliveryState(ctx, d.ID, from, to, strings.TrimSpace("管理员操作："+reason)); err != nil {
			return err
		}
		_, err := tx.SettleItem(ctx, d.ItemID)
		return err
	})
	if err == nil && to == tongfa.DeliveryQueued {
		err = s.Queue.EnqueueIDs(ctx, d.Queue, []int64{d.ID})
	}
	if err != nil {
		return nil, err
	}
	return s.DB.Delivery(ctx, id)
}

// FailedItems lists the settled items p may read that did not reach every
// channel: 发布失败 and 部分发布失败, with the failing channels.
func (s *Service) FailedItems(ctx context.Context, p *access.Principal, limit int) ([]store.FailedItem, error) {
	return s.DB.FailedItems(ctx, p.Tree.Readable(p.User), limit)
}

// Failing are the rows of it's current version that did not reach their
// channel (failed or abandoned): what 部分发布失败 and 发布失败 name.
func Failing(it *tongfa.Item, rows []View) []View {
	var out []View
	for _, r := range rows {
		if r.VersionNumber == it.VersionNumber && (r.State == tongfa.DeliveryFailed || r.State == tongfa.DeliveryAbandoned) {
			out = append(out, r)
		}
	}
	return out
}
