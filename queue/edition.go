package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/wechat"
	"github.com/tongfa/tongfa/store"
)

// TypeEdition sends a confirmed WeChat edition at its time; never rename.
const TypeEdition = "edition:send"

type editionPayload struct {
	EditionID int64 `json:"edition_id"`
}

// EditionTaskID is the deterministic task id of an edition's send.
func EditionTaskID(id int64) string { return "edition:" + strconv.FormatInt(id, 10) }

// EnqueueEdition queues an edition's send for at; one already queued
// counts as done.
func (e *Enqueuer) EnqueueEdition(ctx context.Context, id int64, at time.Time) error {
	payload, _ := json.Marshal(editionPayload{EditionID: id})
	opts := []asynq.Option{asynq.TaskID(EditionTaskID(id)), asynq.Queue("default"), asynq.MaxRetry(maxRetry), asynq.Timeout(2 * time.Minute)}
	if at.After(time.Now()) {
		opts = append(opts, asynq.ProcessAt(at))
	}
	_, err := e.Client.EnqueueContext(ctx, asynq.NewTask(TypeEdition, payload), opts...)
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("queue: enqueue edition %d: %w", id, err)
	}
	return nil
}

// editionSteps keeps an edition's mass-send checkpoints in PostgreSQL.
type editionSteps struct {
	db *store.DB
	id int64
	m  map[string]string
}

func (s *editionSteps) Get(k string) (string, bool) { v, ok := s.m[k]; return v, ok }

func (s *editionSteps) Save(ctx context.Context, k, v string) error {
	return s.SaveMany(ctx, map[string]string{k: v})
}

func (s *editionSteps) SaveMany(ctx context.Context, kv map[string]string) error {
	if err := s.db.SaveEditionSteps(ctx, s.id, kv); err != nil {
		return err
	}
	if s.m == nil {
		s.m = map[string]string{}
	}
	maps.Copy(s.m, kv)
	if id, ok := kv[wechat.StepMsgID]; ok {
		// A MASSSENDJOBFINISH push may have come before the msg_id.
		early, err := s.db.TakeEarlyPushForEdition(ctx, s.id, id)
		if err != nil {
			return err
		}
		maps.Copy(s.m, early)
	}
	return nil
}

// HandleEdition is the asynq handler of TypeEdition: one mass send of the
// edition's articles in order, exactly once (wechat.SendEdition with the
// edition's checkpoints), followed until WeChat says how it ended.
func (w *Worker) HandleEdition(ctx context.Context, t *asynq.Task) error {
	var p editionPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.EditionID <= 0 {
		return fmt.Errorf("queue: bad payload %q: %w", t.Payload(), asynq.SkipRetry)
	}
	e, err := w.DB.Edition(ctx, p.EditionID)
	if errors.Is(err, tongfa.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if e.State != "scheduled" && e.State != "sending" {
		return nil // not confirmed, or ended
	}
	if d := time.Until(e.PublishAt); d > 0 {
		if d > nearTime {
			return wait(d, "群发时间未到")
		}
		time.Sleep(d)
	}
	if e.State == "scheduled" {
		if err := w.DB.InTx(ctx, func(tx *store.Tx) error {
			return tx.SetEditionState(ctx, e.ID, []string{"scheduled"}, "sending", nil)
		}); err != nil {
			return err
		}
	}
	r, err := w.sendEdition(ctx, e)
	var ce *connectors.Error
	switch {
	case err != nil && (connectors.ClassOf(err) == connectors.Permanent || tongfa.ErrorCode(err) == tongfa.EConflict):
		msg := tongfa.ErrorMessage(err)
		if errors.As(err, &ce) {
			msg = ce.Message
		}
		return w.endEdition(ctx, e, store.EditionOutcome{State: "failed", Error: msg}, fmt.Errorf("%w: %w", err, asynq.SkipRetry))
	case err != nil:
		if errors.As(err, &ce) && ce.RetryAfter > 0 {
			return wait(ce.RetryAfter, ce.Message)
		}
		return err
	case r.State == wechat.MassAwaitingConfirmation:
		w.Guard.awaiting(ctx, store.MassConfirmation{AccountID: e.AccountID, UnitID: e.UnitID, EditionID: &e.ID,
			Title: editionTitle(e)}, r)
	case r.State.Final():
		w.Guard.ended(ctx, e.AccountID, r)
	}
	switch {
	case r.State == wechat.MassSent:
		o := store.EditionOutcome{State: "sent", MsgID: r.MsgID, Result: r}
		if r.Result != nil {
			o.URLs = r.Result.ArticleURLs
		}
		return w.endEdition(ctx, e, o, nil)
	case r.State == wechat.MassFailed || r.State == wechat.MassDeleted:
		return w.endEdition(ctx, e, store.EditionOutcome{State: "failed", MsgID: r.MsgID, Error: r.Reason, Result: r}, nil)
	}
	return wait(massFollow[r.State], r.State.Label())
}

// editionTitle names an edition in alerts: its headline, and how many
// articles follow.
func editionTitle(e *store.Edition) string {
	if len(e.Items) == 0 {
		return fmt.Sprintf("第 %d 期", e.ID)
	}
	if len(e.Items) == 1 {
		return e.Items[0].Title
	}
	return fmt.Sprintf("%s（共 %d 篇）", e.Items[0].Title, len(e.Items))
}

func (w *Worker) endEdition(ctx context.Context, e *store.Edition, o store.EditionOutcome, ret error) error {
	if err := w.DB.InTx(ctx, func(tx *store.Tx) error { return tx.FinishEdition(ctx, e, o) }); err != nil {
		return err
	}
	return ret
}

// sendEdition renders the edition's items for the account, refusing one
// whose approved version changed since it was assembled, and sends.
func (w *Worker) sendEdition(ctx context.Context, e *store.Edition) (wechat.MassReceipt, error) {
	acc, err := w.DB.Account(ctx, e.AccountID)
	if err != nil {
		return wechat.MassReceipt{}, err
	}
	cacc, err := connectors.Connect(w.Box, acc)
	if err != nil {
		return wechat.MassReceipt{}, &tongfa.Error{Code: tongfa.EInternal, Message: "无法解密账号凭据，请检查服务器密钥", Err: err}
	}
	ed := &wechat.Edition{ID: fmt.Sprintf("e%d", e.ID)}
	for _, x := range e.Items {
		it, err := w.DB.Item(ctx, x.ItemID)
		if err != nil {
			return wechat.MassReceipt{}, err
		}
		if it.Version.Hash != x.VersionHash || !sendable(it, &tongfa.Delivery{VersionNumber: x.VersionNumber, VersionHash: x.VersionHash}) {
			return wechat.MassReceipt{}, tongfa.Errorf(tongfa.EConflict, "稿件「%s」审签后已修改或撤回，本期未群发", x.Title)
		}
		if msg := embargoed(it, e.Steps, w.DB.Now()); msg != "" {
			return wechat.MassReceipt{}, tongfa.Errorf(tongfa.EConflict, "稿件「%s」%s；本期未群发", x.Title, msg)
		}
		payload, err := w.Render.Render(it, cacc, "")
		if err != nil {
			return wechat.MassReceipt{}, &tongfa.Error{Code: tongfa.EConflict, Message: "内容无法按微信要求生成：" + err.Error(), Err: err}
		}
		ed.Articles = append(ed.Articles, payload)
	}
	pub, err := w.Platforms.Publisher(cacc)
	if err != nil {
		return wechat.MassReceipt{}, err
	}
	ms, ok := pub.(massSender)
	if !ok {
		return wechat.MassReceipt{}, tongfa.Errorf(tongfa.EConflict, "该账号的连接器不支持群发")
	}
	if err := w.Limiter.Wait(ctx, cacc); err != nil {
		return wechat.MassReceipt{}, err
	}
	return ms.SendEdition(ctx, cacc, ed, &editionSteps{db: w.DB, id: e.ID, m: e.Steps})
}
