package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/store"
)

// TypeWithdraw removes one delivered post from its platform. Never rename.
const TypeWithdraw = "delivery:withdraw"

// EnqueueWithdraw queues the removal of delivered posts; TaskID
// "withdraw:<delivery id>" keeps it to one task each.
func (e *Enqueuer) EnqueueWithdraw(ctx context.Context, ids []int64) error {
	var errs []error
	for _, id := range ids {
		payload, _ := json.Marshal(deliverPayload{DeliveryID: id})
		_, err := e.Client.EnqueueContext(ctx, asynq.NewTask(TypeWithdraw, payload), asynq.TaskID(fmt.Sprintf("withdraw:%d", id)),
			asynq.Queue("urgent"), asynq.MaxRetry(maxRetry), asynq.Timeout(time.Minute))
		if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
			errs = append(errs, fmt.Errorf("queue: enqueue withdrawal of delivery %d: %w", id, err))
		}
	}
	return errors.Join(errs...)
}

// HandleWithdraw is the asynq handler of TypeWithdraw.
func (w *Worker) HandleWithdraw(ctx context.Context, t *asynq.Task) error {
	var p deliverPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("queue: bad payload: %w", asynq.SkipRetry)
	}
	d, err := w.DB.Delivery(ctx, p.DeliveryID)
	if err != nil || d.State != tongfa.DeliveryDelivered {
		return nil // gone or already withdrawn
	}
	acc, err := w.DB.Account(ctx, d.AccountID)
	if err != nil {
		return err
	}
	cacc, err := connectors.Connect(w.Box, acc)
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	pub, err := w.Platforms.Publisher(cacc)
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	post := &connectors.Post{DeliveryID: d.ID, Key: fmt.Sprintf("tongfa-d%d", d.ID), Account: cacc}
	if err := pub.Withdraw(ctx, post, connectors.Receipt{PlatformPostID: d.PlatformPostID, URL: d.URL}); err != nil {
		if connectors.ClassOf(err) == connectors.Permanent {
			err = fmt.Errorf("%w: %w", err, asynq.SkipRetry)
		}
		return err
	}
	return w.DB.InTx(ctx, func(tx *store.Tx) error {
		tx.Audit(store.SystemActor, "delivery.withdrawn", fmt.Sprintf("delivery:%d", d.ID), nil,
			map[string]any{"item_id": d.ItemID, "platform_post_id": d.PlatformPostID, "url": d.URL})
		return tx.SetDeliveryState(ctx, d.ID, []tongfa.DeliveryState{tongfa.DeliveryDelivered}, tongfa.DeliveryWithdrawn, "")
	})
}
