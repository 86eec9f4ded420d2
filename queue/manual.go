package queue

import (
	"context"
	"strings"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/store"
)

// task turns a delivery to a manual channel into a publishing task for
// the account's operators: the rendered text, the files to post and the
// deadline are kept with the delivery, which waits (state manual) until
// an operator reports the published URL (package manual). A retried task
// gets a new deadline.
func (a *attempt) task(ctx context.Context, post *connectors.Post) (store.DeliveryOutcome, error) {
	now := a.w.DB.Now()
	due := now.Add(24 * time.Hour)
	if a.w.Deadline != nil {
		var err error
		if due, err = a.w.Deadline(ctx, a.dc.Item, a.dc.Account, now); err != nil {
			return store.DeliveryOutcome{State: a.openState()}, wait(5*time.Second, "暂时无法计算发布期限")
		}
	}
	pl := post.Payload
	media := append([]string{}, pl.Images...)
	if pl.Video != "" {
		media = append(media, pl.Video)
	}
	a.steps.Note(map[string]string{store.StepTaskText: pl.Text, store.StepTaskMedia: strings.Join(media, "\n"),
		store.StepTaskDeadline: due.UTC().Format(time.RFC3339)})
	return store.DeliveryOutcome{State: tongfa.DeliveryManual, PayloadHash: pl.Hash()}, nil
}
