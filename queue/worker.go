package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/wechat"
	"github.com/tongfa/tongfa/group"
	"github.com/tongfa/tongfa/secret"
	"github.com/tongfa/tongfa/store"
)

// Platforms builds the connector for an account.
type Platforms interface {
	Publisher(acc connectors.Account) (connectors.Publisher, error)
}

// Renderer turns an approved version into one platform's payload. link is
// the item's public URL (the website article) where one exists.
type Renderer interface {
	Render(it *tongfa.Item, acc connectors.Account, link string) (connectors.Payload, error)
}

// Worker sends deliveries.
type Worker struct {
	DB        *store.DB
	Box       *secret.Box
	Platforms Platforms
	Render    Renderer
	Limiter   *Limiter
	Log       *slog.Logger
	Enqueuer  *Enqueuer // for withdrawals of posts that land after their item was withdrawn
	// Inspector, when set, wakes the deliveries that wait for the website's
	// article link as soon as the website delivery is done, instead of
	// leaving them to their next scheduled try.
	Inspector *asynq.Inspector
	// Deadline is when the publishing task of a manual channel is due
	// (clocks.Service.TaskDeadline); nil: a day after it was set.
	Deadline func(ctx context.Context, it *tongfa.Item, acc *tongfa.Account, now time.Time) (time.Time, error)
	// Guard keeps the clock of mass sends awaiting an administrator's
	// confirmation (群发保护); nil: no clock or alerts.
	Guard *Guard
	Owner string        // lease owner: unique per process
	Lease time.Duration // how long a silent worker keeps a delivery

	// Claims and finishes that come together are written together
	// (package group): one round trip and one commit for all of them.
	claims    group.Group[store.ClaimRequest, store.ClaimResult]
	finishes  group.Group[store.Finish, store.FinishResult]
	groupsSet sync.Once
}

// groups readies the claim and finish groups on first use.
func (w *Worker) groups() {
	w.groupsSet.Do(func() {
		// Few flushers make for larger batches: one claim batch at a time
		// measured best, and two finish batches, so that a finish waiting
		// for its item's lock does not hold up every other.
		w.claims.Flushers, w.finishes.Flushers = 1, 2
		w.claims.Flush = func(ctx context.Context, rs []store.ClaimRequest) ([]store.ClaimResult, error) {
			return w.DB.ClaimDeliveries(ctx, rs), nil
		}
		w.finishes.Flush = func(ctx context.Context, fs []store.Finish) ([]store.FinishResult, error) {
			return w.DB.FinishDeliveries(ctx, fs), nil
		}
	})
}

// claim takes the lease on delivery id (store.ClaimDelivery).
func (w *Worker) claim(ctx context.Context, id int64) (*store.Claim, error) {
	w.groups()
	r, err := w.claims.Do(ctx, store.ClaimRequest{ID: id, Owner: w.Owner, Lease: w.Lease})
	if err != nil {
		return nil, err
	}
	return r.Claim, r.Err
}

// nearTime is how early a scheduled task may find its delivery and still
// wait for the time in the handler: asynq keeps a task's time in whole
// seconds and looks for due tasks once a second, so a task runs up to a
// second before its time; waiting here is exact, a retry would not be.
const nearTime = 2 * time.Second

// claimOnTime is claim, waiting for a delivery scheduled within nearTime.
func (w *Worker) claimOnTime(ctx context.Context, id int64) (*store.Claim, error) {
	claim, err := w.claim(ctx, id)
	var notYet *store.ErrNotYet
	if !errors.As(err, &notYet) || time.Until(notYet.At) > nearTime {
		return claim, err
	}
	t := time.NewTimer(time.Until(notYet.At))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
	}
	return w.claim(ctx, id)
}

// HandleDeliver is the asynq handler of TypeDeliver.
func (w *Worker) HandleDeliver(ctx context.Context, t *asynq.Task) error {
	var p deliverPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.DeliveryID <= 0 {
		return fmt.Errorf("queue: bad payload %q: %w", t.Payload(), asynq.SkipRetry)
	}
	claim, err := w.claimOnTime(ctx, p.DeliveryID)
	var held *store.ErrLeaseHeld
	var notYet *store.ErrNotYet
	switch {
	case errors.As(err, &held):
		return wait(time.Until(held.Until)+time.Second, "另一进程正在投递")
	case errors.As(err, &notYet):
		return wait(max(time.Until(notYet.At), 10*time.Millisecond), "定时发布时间未到")
	case tongfa.ErrorCode(err) == tongfa.EInvalidState, errors.Is(err, tongfa.ErrNotFound):
		return nil // already done, or gone: nothing to do
	case err != nil:
		return err
	}
	a := &attempt{w: w, d: claim.Delivery, dc: claim.Context, takeOver: claim.TakeOver}
	out, herr := a.run(ctx)
	out.Steps = a.steps.notes()
	if last(ctx) && herr != nil && isFailure(herr) {
		switch out.State {
		case tongfa.DeliveryQueued:
			out.State, herr = tongfa.DeliveryFailed, fmt.Errorf("%w: %w", herr, asynq.SkipRetry)
			out.Error = "多次重试仍未成功：" + out.Error
		case tongfa.DeliveryUnconfirmed:
			// It may be on the platform: never give up verifying, never archive.
			herr = wait(time.Minute, "仍在核实平台上是否已发布")
		}
	}
	if err := w.finish(ctx, a.d, out); err != nil {
		return err
	}
	return herr
}

// last reports whether this is the task's final permitted attempt.
func last(ctx context.Context) bool {
	n, ok1 := asynq.GetRetryCount(ctx)
	m, ok2 := asynq.GetMaxRetry(ctx)
	return ok1 && ok2 && n >= m
}

// finish records the outcome, settles the item and audits, atomically. A
// post that landed after its item was withdrawn is removed again. A done
// website delivery starts the deliveries that need its article's link
// (see attempt.link): those held back are released and enqueued, those
// already waiting in the retry set run at once. A task that is not waiting
// (running, pending, gone) is left as it is; the scheduled retry and the
// reconciler remain the fallback.
func (w *Worker) finish(ctx context.Context, d *tongfa.Delivery, out store.DeliveryOutcome) error {
	w.groups()
	r, err := w.finishes.Do(ctx, store.Finish{Delivery: d, Owner: w.Owner, Outcome: out})
	if err == nil {
		err = r.Err
	}
	res := r.Finished
	if tongfa.ErrorCode(err) == tongfa.EConflict {
		w.Log.Warn("lost the lease; the worker that took over verifies on the platform", slog.Int64("delivery_id", d.ID))
		return nil
	}
	if err != nil {
		return err
	}
	if out.State == tongfa.DeliveryDelivered && res.Prior == tongfa.StateWithdrawn && w.Enqueuer != nil {
		err = w.Enqueuer.EnqueueWithdraw(ctx, []int64{d.ID})
	}
	if len(res.Released) > 0 && w.Enqueuer != nil {
		if _, _, err := w.Enqueuer.tasks(ctx, res.Released); err != nil {
			w.Log.Warn("enqueue deliveries held for the website link", slog.Int64("item_id", d.ItemID), slog.Any("error", err))
		}
	}
	if w.Inspector != nil {
		for _, s := range res.Waiting {
			w.Inspector.RunTask(s.Queue, TaskID(s.ID)) //nolint:errcheck // best effort: see above
		}
	}
	return err
}

// attempt is one try at one delivery.
type attempt struct {
	w        *Worker
	d        *tongfa.Delivery
	dc       *store.DeliveryContext
	takeOver bool
	steps    *dbSteps
}

// openState is where a failed attempt leaves the delivery: a delivery that
// may be on the platform stays unconfirmed until verified.
func (a *attempt) openState() tongfa.DeliveryState {
	if a.takeOver {
		return tongfa.DeliveryUnconfirmed
	}
	return tongfa.DeliveryQueued
}

func (a *attempt) fail(msg string, err error) (store.DeliveryOutcome, error) {
	return store.DeliveryOutcome{State: tongfa.DeliveryFailed, Error: msg}, fmt.Errorf("%s: %w", msg, errors.Join(err, asynq.SkipRetry))
}

func (a *attempt) run(ctx context.Context) (store.DeliveryOutcome, error) {
	dc := a.dc
	if !sendable(dc.Item, a.d) {
		return store.DeliveryOutcome{State: tongfa.DeliveryAbandoned, Error: "稿件已修改或撤回，该版本不再投递"}, nil
	}
	if msg := embargoed(dc.Item, a.d.Steps, a.w.DB.Now()); msg != "" && !a.takeOver {
		return store.DeliveryOutcome{State: tongfa.DeliveryFailed, ErrorCode: "embargo", Error: msg},
			fmt.Errorf("queue: delivery %d: %s: %w", a.d.ID, msg, asynq.SkipRetry)
	}
	post, pub, err := a.prepare(ctx, dc)
	if err != nil {
		var we *waitError
		if errors.As(err, &we) {
			return store.DeliveryOutcome{State: a.openState()}, err
		}
		return a.fail(tongfa.ErrorMessage(err), err)
	}
	steps := &dbSteps{db: a.w.DB, id: a.d.ID, owner: a.w.Owner, lease: a.w.Lease, m: a.d.Steps}
	a.steps = steps
	if pub == nil {
		return a.task(ctx, post)
	}
	var fallback string
	if dc.Account.MassMode() {
		if fallback, err = a.massFallback(ctx, dc); err != nil {
			return store.DeliveryOutcome{State: a.openState()}, err
		}
	}
	if dc.Account.MassMode() && fallback == "" {
		if err := a.w.Limiter.Wait(ctx, post.Account); err != nil {
			return store.DeliveryOutcome{State: a.openState()}, err
		}
		_, tried := steps.Get(wechat.StepMassSent)
		out, err := a.massSend(ctx, post, pub)
		if out.ErrorCode != "45028" || tried || !urgent(dc.Item) {
			return out, err
		}
		// The platform says no mass send is left and none was made:
		// an urgent item is published all the same.
		if fallback, err = a.fallBack(ctx, dc); err != nil {
			return store.DeliveryOutcome{State: a.openState()}, err
		}
	}
	if fallback != "" {
		out, err := a.publish(ctx, post, pub)
		if out.State == tongfa.DeliveryDelivered {
			out.ErrorCode, out.Error = "mass_fallback", fallback
		}
		return out, err
	}
	return a.publish(ctx, post, pub)
}

// publish puts the post on the platform (WeChat: freepublish), verifying
// first when an earlier attempt may have done so.
func (a *attempt) publish(ctx context.Context, post *connectors.Post, pub connectors.Publisher) (store.DeliveryOutcome, error) {
	steps := a.steps
	if a.takeOver {
		r, found, err := pub.Verify(ctx, post, steps)
		if err != nil {
			return a.platformError(err)
		}
		if found {
			return delivered(r, post), nil
		}
	}
	if err := a.w.Limiter.Wait(ctx, post.Account); err != nil {
		return store.DeliveryOutcome{State: a.openState()}, err
	}
	r, err := pub.Publish(ctx, post, steps)
	if err != nil {
		return a.platformError(err)
	}
	return delivered(r, post), nil
}

// embargoed says why an item may no longer be sent: its 时效截止 has
// passed. A send that may already have gone out (its first submit or
// sendall checkpointed) is only followed, never refused here.
func embargoed(it *tongfa.Item, steps map[string]string, now time.Time) string {
	if it.NotAfter == nil || now.Before(*it.NotAfter) {
		return ""
	}
	for _, k := range []string{wechat.StepMassSent, wechat.StepSubmitSent} {
		if _, ok := steps[k]; ok {
			return ""
		}
	}
	return fmt.Sprintf("已过时效截止时间 %s（此后禁止发布），本渠道未发布", tongfa.ChinaTime(*it.NotAfter))
}

// sendable is the last guard of R1: only the approved version is sent.
func sendable(it *tongfa.Item, d *tongfa.Delivery) bool {
	switch it.State {
	case tongfa.StateApproved, tongfa.StateScheduled, tongfa.StatePublishing, tongfa.StatePublished, tongfa.StateFailed:
		return it.Version.Number == d.VersionNumber && it.Version.Hash == d.VersionHash
	}
	return false
}

func delivered(r connectors.Receipt, p *connectors.Post) store.DeliveryOutcome {
	at := r.DeliveredAt
	if at.IsZero() {
		at = time.Now()
	}
	return store.DeliveryOutcome{State: tongfa.DeliveryDelivered, PlatformPostID: r.PlatformPostID, URL: r.URL,
		DeliveredAt: at, PayloadHash: p.Payload.Hash()}
}

// platformError turns a connector error into an outcome and a retry decision.
func (a *attempt) platformError(err error) (store.DeliveryOutcome, error) {
	var ce *connectors.Error
	msg, code := "平台接口调用失败", ""
	if errors.As(err, &ce) {
		msg, code = ce.Message, ce.Code
	}
	out := store.DeliveryOutcome{State: a.openState(), ErrorCode: code, Error: msg}
	switch connectors.ClassOf(err) {
	case connectors.Permanent:
		out.State = tongfa.DeliveryFailed
		return out, fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	case connectors.Unconfirmed:
		out.State = tongfa.DeliveryUnconfirmed
		return out, &retryError{After: 2 * time.Second, Err: err}
	case connectors.RateLimited:
		return out, wait(max(ce.RetryAfter, time.Second), msg)
	case connectors.Token:
		return out, &retryError{After: 100 * time.Millisecond, Err: err}
	}
	return out, err
}
