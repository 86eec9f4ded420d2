package inbox

import (
	"context"
	"log/slog"

	"github.com/tongfa/tongfa/connectors/wechat"
)

// massJob keeps a MASSSENDJOBFINISH push — the only place WeChat gives a
// mass send's counts and original-content check — with the delivery or
// edition that made the send (matched by msg_id). A push for a send the
// hub does not know yet — it can come before the worker stored the
// msg_id sendall answered — is kept (store.KeepEarlyPush) and applied
// when the msg_id is stored; it is answered, so WeChat stops pushing it.
func (in *Intake) massJob(ctx context.Context, accountID int64, ev *wechat.MassJobFinished) error {
	steps := &massSteps{in: in, account: accountID, msgID: ev.MsgID}
	if _, err := wechat.RecordMassJob(ctx, steps, ev); err != nil {
		return err
	}
	if !steps.found && in.Log != nil {
		in.Log.Info("mass send result came before its msg_id was stored; kept until it is", slog.Int64("account_id", accountID), slog.String("msg_id", ev.MsgID))
	}
	return nil
}

// massSteps are the checkpoints of the send msgID, as RecordMassJob reads
// and writes them.
type massSteps struct {
	in      *Intake
	account int64
	msgID   string
	found   bool
}

func (s *massSteps) Get(k string) (string, bool) {
	if k == wechat.StepMsgID {
		return s.msgID, true
	}
	return "", false
}

func (s *massSteps) Save(ctx context.Context, k, v string) error {
	kv := map[string]string{k: v}
	found, err := s.in.Inbox.DB.SaveMassSteps(ctx, s.account, s.msgID, kv)
	if err == nil && !found {
		found, err = s.in.Inbox.DB.KeepEarlyPush(ctx, s.account, s.msgID, kv)
	}
	s.found = s.found || found
	return err
}
