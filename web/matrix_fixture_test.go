package web_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/auth"
	"github.com/tongfa/tongfa/inbox"
	"github.com/tongfa/tongfa/store"
)

// fixture makes, for the authorization matrix, fresh objects in any unit:
// directly in the store where no rule is under test, through the services
// (as a fixture administrator of every city) where the object needs them.
type fixture struct {
	t    *testing.T
	h    *harness
	god  *access.Principal
	seq  atomic.Int64
	apps map[int64]*tongfa.Account
	// manual are units' 视频号 accounts (one per unit and platform, R9).
	manual map[int64]int64
}

func newFixture(t *testing.T, h *harness) *fixture {
	ctx := context.Background()
	var god *tongfa.User
	err := h.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if god, err = tx.CreateUser(ctx, store.NewUser{Username: "fixture", UnitID: h.city.ID, PasswordHash: "x"}); err != nil {
			return err
		}
		for _, u := range []int64{h.city.ID, h.city2.ID} {
			if err := tx.Grant(ctx, god.ID, u, tongfa.RoleAdmin); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	god, _ = h.db.User(ctx, god.ID)
	return &fixture{t: t, h: h, god: h.as(god), apps: map[int64]*tongfa.Account{}, manual: map[int64]int64{}}
}

// as is the principal of u, with its grants and the unit tree as stored.
func (h *harness) as(u *tongfa.User) *access.Principal {
	ctx := context.Background()
	units, err := h.db.Units(ctx)
	if err == nil {
		u, err = h.db.User(ctx, u.ID)
	}
	if err != nil {
		h.t.Fatal(err)
	}
	return &access.Principal{User: u, Tree: access.NewTree(units), IP: "127.0.0.1"}
}

// editorOf is the editor the harness seeds in unit u.
func (f *fixture) editorOf(u *tongfa.Unit) *tongfa.User {
	h := f.h
	name := map[int64]string{h.unitA.ID: "editor", h.unitA1.ID: "editorA1", h.unitB.ID: "editorB", h.unitC.ID: "editorC"}[u.ID]
	return h.users[name]
}

func (f *fixture) n() int64 { return f.seq.Add(1) }

// item stores a draft of unit u, by its editor, moved to state st.
func (f *fixture) item(u *tongfa.Unit, st tongfa.ItemState) *tongfa.Item {
	ctx := context.Background()
	c := tongfa.Content{Title: fmt.Sprintf("矩阵稿件%d", f.n()), Body: "<p>市政府召开常务会议。</p>", Category: tongfa.CategoryNews,
		Kind: tongfa.KindOriginal, Importance: tongfa.ImportanceRoutine, Urgency: tongfa.UrgencyNormal, Targets: []int64{}, ArchiveOnly: true}
	it, err := f.h.db.CreateItem(ctx, u.ID, f.editorOf(u).ID, c, store.SystemActor, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	if st == tongfa.StateInReview {
		if _, err := f.h.hub.Review.Submit(ctx, f.h.as(f.editorOf(u)), it.ID); err != nil {
			f.t.Fatal(err)
		}
	} else if st != tongfa.StateDraft {
		f.setState(it.ID, st)
	}
	it, _ = f.h.db.Item(ctx, it.ID)
	return it
}

func (f *fixture) setState(id int64, st tongfa.ItemState) {
	ctx := context.Background()
	err := f.h.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.UpdateItemState(ctx, id, store.ItemUpdate{From: []tongfa.ItemState{tongfa.StateDraft}, To: st, Tier: tongfa.TierRoutine})
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

// app is unit u's app account (one per unit and platform, R9).
func (f *fixture) app(u *tongfa.Unit) *tongfa.Account {
	if a, ok := f.apps[u.ID]; ok {
		return a
	}
	a, _ := f.h.db.Account(context.Background(), f.h.account(u.ID, tongfa.PlatformApp, u.Name+"客户端"))
	f.apps[u.ID] = a
	return a
}

// failedDelivery is a failed delivery of an approved item of unit u.
func (f *fixture) failedDelivery(u *tongfa.Unit) int64 {
	return f.approvedDelivery(u, f.app(u).ID, func(tx *store.Tx, id int64, _ *tongfa.Item) error {
		return tx.SetDeliveryState(context.Background(), id, []tongfa.DeliveryState{tongfa.DeliveryPending}, tongfa.DeliveryFailed, "平台拒绝")
	})
}

// approvedDelivery approves a new item of unit u for account and plans
// its one delivery, which then changes in the same transaction.
func (f *fixture) approvedDelivery(u *tongfa.Unit, account int64, then func(tx *store.Tx, id int64, it *tongfa.Item) error) int64 {
	ctx := context.Background()
	it := f.item(u, tongfa.StateDraft)
	it.Version.Content.Targets = []int64{account}
	var ids []int64
	err := f.h.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateItemState(ctx, it.ID, store.ItemUpdate{From: []tongfa.ItemState{tongfa.StateDraft}, To: tongfa.StateApproved}); err != nil {
			return err
		}
		var err error
		if ids, err = tx.PlanDeliveries(ctx, it); err != nil || len(ids) != 1 {
			return fmt.Errorf("planned %v: %w", ids, err)
		}
		return then(tx, ids[0], it)
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return ids[0]
}

// message is a new message from the public to unit u's app.
func (f *fixture) message(u *tongfa.Unit) int64 {
	ms, err := f.h.hub.Inbox.Ingest(context.Background(), []inbox.Incoming{{Account: f.app(u), Kind: "comment",
		PlatformMsgID: fmt.Sprint(f.n()), Body: "请问社保卡补办需要哪些材料", At: time.Now()}})
	if err != nil || len(ms) != 1 {
		f.t.Fatalf("message: %v %v", ms, err)
	}
	return ms[0].ID
}

// answer is a pending answer, drafted by unit u's editor.
func (f *fixture) answer(u *tongfa.Unit) int64 {
	a, err := f.h.hub.Inbox.Answer(context.Background(), f.h.as(f.editorOf(u)), f.message(u), inbox.AnswerInput{Text: "请携带身份证到窗口办理。"})
	if err != nil {
		f.t.Fatal(err)
	}
	return a.ID
}

// request is a pending request to close unit u's app account; approved
// when asked.
func (f *fixture) request(u *tongfa.Unit, approved bool) int64 {
	ctx := context.Background()
	why := "矩阵测试"
	a := &tongfa.Account{UnitID: u.ID, Platform: tongfa.PlatformWebsite, Name: fmt.Sprintf("%s网站%d", u.Name, f.n()),
		Status: tongfa.AccountActive, Responsible: "值班员", Exception: &why}
	if err := f.h.db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateAccount(ctx, a, nil) }); err != nil {
		f.t.Fatal(err)
	}
	q, err := f.h.hub.Registry.RequestChange(ctx, f.god, a.ID, "close", nil, "矩阵测试")
	if err == nil && approved {
		_, err = f.h.hub.Registry.Decide(ctx, f.god, q.ID, true, "")
	}
	if err != nil {
		f.t.Fatal(err)
	}
	return q.ID
}

// user is a fresh editor of unit u.
func (f *fixture) user(u *tongfa.Unit) int64 {
	ctx := context.Background()
	var id int64
	err := f.h.db.InTx(ctx, func(tx *store.Tx) error {
		nu, err := tx.CreateUser(ctx, store.NewUser{Username: fmt.Sprintf("m%d", f.n()), DisplayName: "矩阵用户", UnitID: u.ID, PasswordHash: "x"})
		if err == nil {
			id = nu.ID
			err = tx.Grant(ctx, nu.ID, u.ID, tongfa.RoleEditor)
		}
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

// token is a token of a fresh user of unit u.
func (f *fixture) token(u *tongfa.Unit) int64 {
	ctx := context.Background()
	t := &store.Token{UserID: f.user(u), Name: "矩阵", ExpiresAt: time.Now().Add(time.Hour)}
	if err := f.h.db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateToken(ctx, t, []byte(fmt.Sprint("h", f.n()))) }); err != nil {
		f.t.Fatal(err)
	}
	return t.ID
}

// grant lets the city's bureau B publish on unit u's app (B itself: A).
func (f *fixture) grant(u *tongfa.Unit) (account, unit int64) {
	ctx := context.Background()
	to := f.h.unitB.ID
	if u.ID == to {
		to = f.h.unitA.ID
	}
	a := f.app(u)
	err := f.h.db.InTx(ctx, func(tx *store.Tx) error { _, err := tx.GrantPublishing(ctx, a.ID, to, nil); return err })
	if err != nil {
		f.t.Fatal(err)
	}
	return a.ID, to
}

// deputyIn is a deputy of unit u other than the actor: unit A's second
// deputy, else a fresh one.
func (f *fixture) deputyIn(u *tongfa.Unit) int64 {
	switch u.ID {
	case f.h.unitA.ID:
		return f.h.users["deputy2"].ID
	case f.h.unitB.ID:
		return f.h.users["deputyB"].ID
	case f.h.unitC.ID:
		return f.h.users["deputyC"].ID
	}
	ctx := context.Background()
	id := f.user(u)
	f.h.db.InTx(ctx, func(tx *store.Tx) error { return tx.Grant(ctx, id, u.ID, tongfa.RoleDeputy) }) //nolint:errcheck
	return id
}

// leaders imports a leaders table for unit u and returns its version.
func (f *fixture) leaders(u *tongfa.Unit) int {
	ch, err := f.h.hub.Registry.SetLeaders(context.Background(), f.god, u.ID, bureauLeadersTSV, "矩阵")
	if err != nil {
		f.t.Fatal(err)
	}
	return ch.Version.Version
}

// unitWords stores a version of unit u's own words and returns its number.
func (f *fixture) unitWords(u *tongfa.Unit) int {
	ch, err := f.h.hub.Registry.SetUnitWords(context.Background(), f.god, u.ID, "矩阵专用词\tcustom\treview\n", "矩阵")
	if err != nil {
		f.t.Fatal(err)
	}
	return ch.Version.Version
}

// totpUser is a fresh editor of unit u who has enrolled a second factor.
func (f *fixture) totpUser(u *tongfa.Unit) int64 {
	ctx := context.Background()
	id := f.user(u)
	hash, err := auth.HashPassword(password, auth.TestParams)
	if err == nil {
		_, err = f.h.db.Pool.Exec(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1`, id, hash)
	}
	if err != nil {
		f.t.Fatal(err)
	}
	u2, _ := f.h.db.User(ctx, id)
	p := f.h.as(u2)
	e, err := f.h.hub.Identity.StartEnrolment(ctx, p, password)
	if err == nil {
		var code string
		if code, err = totp.GenerateCode(e.Secret, time.Now()); err == nil {
			_, err = f.h.hub.Identity.ConfirmEnrolment(ctx, p, code)
		}
	}
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}
