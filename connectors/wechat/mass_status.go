package wechat

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/tongfa/tongfa/connectors"
)

// MassState is how far a mass send got.
type MassState string

// States of a mass send. Only sent, failed and deleted are final.
const (
	// MassSending: WeChat took the send and is pushing it to followers.
	MassSending MassState = "sending"
	// MassAwaitingConfirmation: the account has mass-send protection
	// (群发保护) on and an administrator has until ConfirmBy to confirm on
	// their phone.
	MassAwaitingConfirmation MassState = "awaiting_confirmation"
	MassSent                 MassState = "sent"
	// MassFailed: Reason says why — refused by review or the
	// original-content check, rejected by the administrator, or not
	// confirmed within 30 minutes.
	MassFailed  MassState = "failed"
	MassDeleted MassState = "deleted"
)

// Label is the state as the console shows it.
func (s MassState) Label() string {
	return map[MassState]string{MassSending: "群发中", MassAwaitingConfirmation: "待管理员在手机上确认",
		MassSent: "已群发", MassFailed: "群发失败", MassDeleted: "已删除"}[s]
}

// Final reports whether the state can no longer change by itself.
func (s MassState) Final() bool { return s == MassSent || s == MassFailed || s == MassDeleted }

// DefaultConfirmWithin is how long WeChat waits for an administrator to
// confirm a protected mass send.
const DefaultConfirmWithin = 30 * time.Minute

// MassReceipt is what the hub keeps of a mass send.
type MassReceipt struct {
	MsgID       string    `json:"msg_id"`
	MsgDataID   string    `json:"msg_data_id,omitempty"`
	ClientMsgID string    `json:"clientmsgid"`
	State       MassState `json:"state"`
	Reason      string    `json:"reason,omitempty"` // Chinese, for failed and deleted
	SentAt      time.Time `json:"sent_at"`          // the first sendall
	// ConfirmBy is set while awaiting confirmation: SentAt + 30 minutes.
	// SentAt is the first attempt's, so it errs early, never late.
	ConfirmBy time.Time `json:"confirm_by,omitzero"`
	// Result is the MASSSENDJOBFINISH push once recorded: counts, the
	// original-content check, the articles' URLs.
	Result *MassJobFinished `json:"result,omitempty"`
}

// MassStatus reads the send's status (message/mass/get): it never sends.
// The edition must have a msg_id (SendEdition saves it).
func (c *Client) MassStatus(ctx context.Context, acc connectors.Account, s connectors.Steps) (MassReceipt, error) {
	if _, ok := s.Get(StepMsgID); !ok {
		return MassReceipt{}, permanent("", "本期尚无群发编号，请先群发")
	}
	a, err := c.account(acc)
	if err != nil {
		return MassReceipt{}, err
	}
	return c.status(ctx, a, acc, s)
}

// follow is MassStatus after a send: a failed read leaves the receipt as
// the steps have it, since the send itself went through.
func (c *Client) follow(ctx context.Context, a *account, acc connectors.Account, s connectors.Steps) MassReceipt {
	r, err := c.status(ctx, a, acc, s)
	if err != nil {
		return receiptOf(s)
	}
	return r
}

func (c *Client) status(ctx context.Context, a *account, acc connectors.Account, s connectors.Steps) (MassReceipt, error) {
	r := receiptOf(s)
	var status string
	err := connectors.Reread(ctx, func() error {
		return a.retryToken("mass_status", func() error {
			res, err := a.oa.GetBroadcast().GetMassStatus(r.MsgID)
			if err == nil {
				status = res.MsgStatus
			}
			return err
		})
	})
	if err != nil {
		return r, err
	}
	r.apply(status, protected(acc), c.ConfirmWithin, time.Now())
	return r, nil
}

// receiptOf is the receipt as the steps know it.
func receiptOf(s connectors.Steps) MassReceipt {
	r := MassReceipt{State: MassSending}
	r.MsgID, _ = s.Get(StepMsgID)
	r.MsgDataID, _ = s.Get(StepMsgDataID)
	r.ClientMsgID, _ = s.Get(StepClientMsgID)
	sent, _ := s.Get(StepMassSent)
	r.SentAt, _ = time.Parse(time.RFC3339, sent)
	if raw, ok := s.Get(StepMassResult); ok {
		var ev MassJobFinished
		if json.Unmarshal([]byte(raw), &ev) == nil {
			r.Result, r.State, r.Reason = &ev, ev.State, ev.Reason
		}
	}
	return r
}

// apply reads message/mass/get's msg_status. A recorded push said how
// the send ended and only a deletion changes that. WeChat reports a send
// that waits for the administrator as SENDING, so with protection on a
// send is taken to await confirmation for its first 30 minutes.
func (r *MassReceipt) apply(status string, protected bool, window time.Duration, now time.Time) {
	if r.Result != nil && status != "DELETE" {
		return
	}
	deadline := r.SentAt.Add(window)
	switch status {
	case "SEND_SUCCESS":
		r.State, r.Reason = MassSent, ""
	case "DELETE":
		r.State, r.Reason = MassDeleted, "群发消息已被删除"
	case "SEND_FAIL":
		r.State, r.Reason = MassFailed, "群发失败，请到公众平台查看原因"
		if protected && !now.Before(deadline) {
			r.Reason = "群发失败：管理员未在 30 分钟内确认（或已拒绝）"
		}
	default:
		r.State = MassSending
		if protected && now.Before(deadline) {
			r.State, r.ConfirmBy = MassAwaitingConfirmation, deadline
		}
	}
}

// protected reports the account setting mass_protection (群发保护), which
// WeChat's API does not tell.
func protected(acc connectors.Account) bool {
	on, _ := strconv.ParseBool(acc.Settings["mass_protection"])
	return on || acc.Settings["mass_protection"] == "on"
}

// RecordMassJob keeps the MASSSENDJOBFINISH push of this edition's send
// in its steps — the only place WeChat gives the counts and the
// original-content check — and returns the receipt with it. A push for
// another msg_id is refused: the hub matches pushes to editions by the
// msg_id it saved.
func RecordMassJob(ctx context.Context, s connectors.Steps, ev *MassJobFinished) (MassReceipt, error) {
	if id, _ := s.Get(StepMsgID); id == "" || id != ev.MsgID {
		return MassReceipt{}, fmt.Errorf("wechat: push for mass send %s does not belong to this edition (msg_id %q)", ev.MsgID, id)
	}
	raw, err := json.Marshal(ev)
	if err != nil {
		return MassReceipt{}, fmt.Errorf("wechat: encode mass result: %w", err)
	}
	if err := s.Save(ctx, StepMassResult, string(raw)); err != nil {
		return MassReceipt{}, err
	}
	return receiptOf(s), nil
}
