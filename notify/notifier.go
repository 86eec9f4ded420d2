package notify

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/secret"
	"github.com/tongfa/tongfa/store"
)

// Notifier tells people what waits for them: in the console (rows written
// with the change) and through the unit's group robots (after commit).
type Notifier struct {
	DB     *store.DB
	Robots *Sender
	Box    *secret.Box
	Log    *slog.Logger
	// Wait, when set, is called with the goroutine that sends to robots;
	// tests use it to wait for the sends.
	Wait func(func())
}

// Pending announces a level waiting for signature to the robots of the
// unit it is signed in.
func (n *Notifier) Pending(ctx context.Context, it *tongfa.Item, unit int64, level int, role tongfa.Role, signers []int64) {
	title := "待审签稿件"
	if it.Version.Content.Urgency == tongfa.UrgencyUrgent {
		title = "【紧急】待审签稿件"
	}
	n.Unit(ctx, unit, Message{Title: title,
		Text: fmt.Sprintf("稿件「%s」（第 %d 级）待%s审签，共 %d 人可签。", it.Version.Content.Title, level, role.Label(), len(signers))})
}

// Author leaves a console notification for the item's author.
func (n *Notifier) Author(ctx context.Context, it *tongfa.Item, kind, msg string) {
	if n == nil {
		return
	}
	err := n.DB.InTx(ctx, func(tx *store.Tx) error {
		return tx.Notify(ctx, []int64{it.AuthorID}, &it.ID, kind, it.Version.Content.Urgency == tongfa.UrgencyUrgent, msg)
	})
	if err != nil {
		n.Log.Warn("notify author", slog.Int64("item_id", it.ID), slog.Any("error", err))
	}
}

// Unit sends m to every enabled robot of a unit, in the background with a
// bounded time: an alert must never hold up the work that raised it.
func (n *Notifier) Unit(ctx context.Context, unitID int64, m Message) {
	if n == nil || n.Robots == nil {
		return
	}
	robots, err := n.DB.RobotWebhooks(ctx, unitID)
	if err != nil || len(robots) == 0 {
		return
	}
	send := func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		for _, r := range robots {
			if err := n.Robots.Send(ctx, n.robot(r), m); err != nil {
				n.Log.Warn("robot webhook", slog.Int64("robot_id", r.ID), slog.Any("error", err))
			}
		}
	}
	if n.Wait != nil {
		n.Wait(send)
		return
	}
	go send()
}

func (n *Notifier) robot(r store.RobotWebhook) Robot {
	out := Robot{Kind: r.Kind, URL: r.URL}
	if len(r.Secret) > 0 && n.Box != nil {
		if b, err := n.Box.Open(r.Secret, RobotAAD(r.ID)); err == nil {
			out.Secret = string(b)
		}
	}
	return out
}

// RobotAAD binds a sealed robot secret to its row.
func RobotAAD(id int64) []byte { return fmt.Appendf(nil, "robot:%d", id) }

// Notifications lists the newest console notifications of the person
// asking (only their own).
func (n *Notifier) Notifications(ctx context.Context, p *access.Principal, limit int) ([]store.Notification, error) {
	list, err := n.DB.Notifications(ctx, p.User.ID, limit)
	if list == nil {
		list = []store.Notification{}
	}
	return list, err
}
