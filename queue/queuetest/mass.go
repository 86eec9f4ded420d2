package queuetest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/store"
)

// AddMassWeChat adds a WeChat service account (服务号, four mass sends
// a month) of the env's unit that mass-sends (wechat_mode mass), with its
// own app id on the simulator. A service account's quota would let a
// duplicate send through, so tests see one rather than a refusal.
func (e *Env) AddMassWeChat(t testing.TB, n int) *tongfa.Account {
	t.Helper()
	ctx := context.Background()
	exception := "各区县分号集中群发（测试）"
	a := &tongfa.Account{UnitID: e.Unit.ID, Platform: tongfa.PlatformWeChat, Name: fmt.Sprintf("示范市发布%d号", n),
		APIBase: e.SimURL + "/wechat", Exception: &exception, Settings: map[string]string{"rate_per_minute": "100000",
			"wechat_mode": "mass", "wechat_type": "service"}}
	appID := fmt.Sprintf("wx%d-mass%d", e.Unit.ID, n)
	e.Sim.SetWechatAccount(appID, sim.WechatAccount{Type: "service", Followers: 1000})
	creds, _ := json.Marshal(map[string]string{"app_id": appID, "app_secret": "sim-secret"})
	err := e.DB.InTx(ctx, func(tx *store.Tx) error {
		return tx.CreateAccount(ctx, a, func(id int64) ([]byte, error) { return e.Box.Seal(creds, connectors.AccountAAD(id)), nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// Edition approves one item per title for acc alone and assembles them,
// in order, into an edition confirmed for at (as a reviewer would); it
// returns the edition and the items.
func (e *Env) Edition(t testing.TB, acc *tongfa.Account, titles []string) (*store.Edition, []int64) {
	t.Helper()
	ctx := context.Background()
	ed := &store.Edition{UnitID: e.Unit.ID, AccountID: acc.ID, PublishAt: e.DB.Now(), CreatedBy: e.Author.ID}
	var items []int64
	for i, title := range titles {
		c := tongfa.Content{Title: title, Body: "<p>" + title + "。请广大市民知悉。</p>", Summary: "请广大市民知悉",
			Category: tongfa.CategoryNotice, Kind: tongfa.KindOriginal, Importance: tongfa.ImportanceRoutine,
			Urgency: tongfa.UrgencyNormal, Targets: []int64{acc.ID}}
		it, _ := e.ApproveContent(t, c)
		items = append(items, it.ID)
		ed.Items = append(ed.Items, store.EditionItem{Position: i + 1, ItemID: it.ID, VersionNumber: it.Version.Number,
			VersionHash: it.Version.Hash, Title: title})
	}
	err := e.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateEdition(ctx, ed); err != nil {
			return err
		}
		by := e.Author.ID
		return tx.SetEditionState(ctx, ed.ID, []string{"draft"}, "scheduled", &by)
	})
	if err != nil {
		t.Fatal(err)
	}
	return ed, items
}
