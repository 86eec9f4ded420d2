package clocks_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/notify"
	"github.com/tongfa/tongfa/queue/queuetest"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
	"github.com/tongfa/tongfa/workday"
)

type fixture struct {
	*queuetest.Env
	svc *clocks.Service
	ctx context.Context
}

func setup(t *testing.T) *fixture {
	t.Helper()
	db := storetest.New(t)
	env := queuetest.New(t, db)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := &clocks.Service{DB: db, Calendar: workday.Default, Log: log, Notify: &notify.Notifier{DB: db, Log: log}}
	return &fixture{Env: env, svc: svc, ctx: context.Background()}
}

// urgent creates an urgent item whose event happened at event.
func (f *fixture) urgent(t *testing.T, event time.Time) *tongfa.Item {
	t.Helper()
	c := tongfa.Content{Title: "关于寒潮天气的紧急通告", Body: "<p>请注意防寒。</p>", Category: tongfa.CategoryNotice,
		Kind: tongfa.KindOriginal, Importance: tongfa.ImportanceRoutine, Urgency: tongfa.UrgencyUrgent, EventTime: &event, Targets: f.Targets()}
	it, err := f.DB.CreateItem(f.ctx, f.Unit.ID, f.Author.ID, c, store.SystemActor, nil)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func (f *fixture) channel(t *testing.T, cl *clocks.Clock, p tongfa.Platform) clocks.ChannelClock {
	t.Helper()
	for _, ch := range cl.Channels {
		if ch.Platform == p {
			return ch
		}
	}
	t.Fatalf("no %s channel", p)
	return clocks.ChannelClock{}
}

func (f *fixture) alerts(t *testing.T) []string {
	t.Helper()
	rows, err := f.DB.Pool.Query(f.ctx, `SELECT subject || ' ' || level FROM alerts ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	return out
}

// TestWeiboThresholds walks the one-hour Weibo clock through every
// threshold: each alert fires once, at its time.
func TestWeiboThresholds(t *testing.T) {
	f := setup(t)
	event := time.Date(2026, 11, 24, 10, 0, 0, 0, workday.Location()) // a Tuesday
	it := f.urgent(t, event)
	weibo := f.Accounts[tongfa.PlatformWeibo].ID
	steps := []struct {
		after time.Duration
		state string
		fired int
	}{
		{29 * time.Minute, clocks.OnTrack, 0},
		{31 * time.Minute, clocks.AtRisk, 1},   // 50 %
		{40 * time.Minute, clocks.AtRisk, 0},   // nothing new
		{46 * time.Minute, clocks.AtRisk, 1},   // 75 %
		{61 * time.Minute, clocks.Breached, 1}, // 100 %
		{90 * time.Minute, clocks.Breached, 0}, // never twice
	}
	for _, s := range steps {
		now := event.Add(s.after)
		cl, err := f.svc.Status(f.ctx, it.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		if ch := f.channel(t, cl, tongfa.PlatformWeibo); ch.State != s.state {
			t.Errorf("at +%s weibo is %s, want %s", s.after, ch.State, s.state)
		}
		n, err := f.svc.Check(f.ctx, it.ID, now)
		if err != nil || n != s.fired {
			t.Errorf("at +%s fired %d alerts (%v), want %d", s.after, n, err, s.fired)
		}
	}
	want := []string{"at_risk_50", "at_risk_75", "breached"}
	got := f.alerts(t)
	if len(got) != 3 {
		t.Fatalf("alerts %v", got)
	}
	for i, a := range got {
		if !strings.HasPrefix(a, fmt.Sprintf("item:%d/account:%d", it.ID, weibo)) || !strings.HasSuffix(a, want[i]) {
			t.Errorf("alert %d = %q, want weibo %s", i, a, want[i])
		}
	}
}

// TestWorkingDayClock: WeChat's one working day from a Friday afternoon
// runs over the weekend and ends Monday afternoon.
func TestWorkingDayClock(t *testing.T) {
	f := setup(t)
	event := time.Date(2026, 11, 27, 16, 0, 0, 0, workday.Location()) // Friday
	it := f.urgent(t, event)
	cl, _ := f.svc.Status(f.ctx, it.ID, event.Add(time.Hour))
	ch := f.channel(t, cl, tongfa.PlatformWeChat)
	if want := time.Date(2026, 11, 30, 16, 0, 0, 0, workday.Location()); !ch.Deadline.Equal(want) {
		t.Fatalf("deadline %s, want %s", ch.Deadline, want)
	}
	sunday := time.Date(2026, 11, 29, 20, 0, 0, 0, workday.Location())
	cl, _ = f.svc.Status(f.ctx, it.ID, sunday)
	if ch := f.channel(t, cl, tongfa.PlatformWeChat); ch.State != clocks.OnTrack || ch.Elapsed > 0.34 {
		t.Fatalf("Sunday evening: %s at %.2f (only Friday's 8 hours count)", ch.State, ch.Elapsed)
	}
	monday := time.Date(2026, 11, 30, 5, 0, 0, 0, workday.Location())
	cl, _ = f.svc.Status(f.ctx, it.ID, monday)
	if ch := f.channel(t, cl, tongfa.PlatformWeChat); ch.State != clocks.AtRisk {
		t.Fatalf("Monday 05:00 (13 of 24 working hours): %s", ch.State)
	}
}

// TestDeliveryStopsTheClock: a confirmed post stops its channel's clock
// (met), and a late one is missed; neither alerts any more.
func TestDeliveryStopsTheClock(t *testing.T) {
	f := setup(t)
	event := time.Now().Add(-2 * time.Hour)
	it := f.urgent(t, event)
	f.deliver(t, it, tongfa.PlatformWeibo, event.Add(40*time.Minute))
	f.deliver(t, it, tongfa.PlatformWebsite, event.Add(30*time.Minute))
	cl, _ := f.svc.Status(f.ctx, it.ID, time.Now())
	if ch := f.channel(t, cl, tongfa.PlatformWeibo); ch.State != clocks.Met {
		t.Fatalf("weibo posted at 40 minutes: %s", ch.State)
	}
	if n, _ := f.svc.Check(f.ctx, it.ID, time.Now()); n != 0 {
		for _, a := range f.alerts(t) {
			if strings.Contains(a, fmt.Sprintf("account:%d", f.Accounts[tongfa.PlatformWeibo].ID)) {
				t.Fatalf("a delivered channel alerted: %s", a)
			}
		}
	}
}

// deliver records a confirmed post of item on platform at `at`.
func (f *fixture) deliver(t *testing.T, it *tongfa.Item, p tongfa.Platform, at time.Time) {
	t.Helper()
	_, err := f.DB.Pool.Exec(f.ctx, `INSERT INTO deliveries (item_id, version_number, version_hash, account_id, platform, state,
		platform_post_id, url, created_at, updated_at, delivered_at) VALUES ($1, $2, $3, $4, $5, 'delivered', 'p', 'u', $6, $6, $6)`,
		it.ID, it.VersionNumber, it.Version.Hash, f.Accounts[p].ID, string(p), at)
	if err != nil {
		t.Fatal(err)
	}
}

// TestAlertsSayWhatTheItemWaitsFor: the author, the pending signers and
// the unit's principal are told, and the message names the level.
func TestAlertsSayWhatTheItemWaitsFor(t *testing.T) {
	f := setup(t)
	ctx := f.ctx
	var reviewer, principal *tongfa.User
	f.DB.InTx(ctx, func(tx *store.Tx) error {
		reviewer, _ = tx.CreateUser(ctx, store.NewUser{Username: fmt.Sprint("rv", f.Unit.ID), UnitID: f.Unit.ID, PasswordHash: "x"})
		principal, _ = tx.CreateUser(ctx, store.NewUser{Username: fmt.Sprint("pr", f.Unit.ID), UnitID: f.Unit.ID, PasswordHash: "x"})
		tx.Grant(ctx, reviewer.ID, f.Unit.ID, tongfa.RoleReviewer)
		return tx.Grant(ctx, principal.ID, f.Unit.ID, tongfa.RolePrincipal)
	})
	event := time.Now().Add(-40 * time.Minute)
	it := f.urgent(t, event)
	f.DB.InTx(ctx, func(tx *store.Tx) error {
		tx.CreateSubmission(ctx, &store.Submission{ItemID: it.ID, VersionNumber: 1, VersionHash: it.Version.Hash,
			Tier: tongfa.TierDeputy, Chain: []tongfa.Role{tongfa.RoleReviewer, tongfa.RoleDeputy}, Reasons: []byte("[]"), SubmittedBy: f.Author.ID})
		return tx.UpdateItemState(ctx, it.ID, store.ItemUpdate{From: []tongfa.ItemState{tongfa.StateDraft}, To: tongfa.StateInReview, Level: 1, Tier: tongfa.TierDeputy})
	})
	if n, err := f.svc.Check(ctx, it.ID, time.Now()); err != nil || n != 1 {
		t.Fatalf("fired %d (%v)", n, err)
	}
	for _, u := range []int64{f.Author.ID, reviewer.ID, principal.ID} {
		ns, _ := f.DB.Notifications(ctx, u, 10)
		if len(ns) != 1 || !strings.Contains(ns[0].Message, "等待第 1 级（审核员）审签") || !ns[0].Urgent {
			t.Errorf("user %d notifications %+v", u, ns)
		}
	}
}

// TestUpdateFrequency seeds a week of posts: one account is fine, one will
// fall short unless it posts within two days, one is short already.
func TestUpdateFrequency(t *testing.T) {
	f := setup(t)
	now := time.Now()
	posts := map[tongfa.Platform][]float64{ // days ago
		tongfa.PlatformWeChat: {0.5, 1, 2, 3},
		tongfa.PlatformWeibo:  {1, 5.5, 6},
		tongfa.PlatformApp:    {3},
	}
	for p, ago := range posts {
		for i, d := range ago {
			it := f.item(t, fmt.Sprintf("%s 第%d条", p, i))
			f.deliver(t, it, p, now.Add(-time.Duration(d*24*float64(time.Hour))))
		}
	}
	fs, err := f.svc.Frequencies(f.ctx, f.reader(t), now)
	if err != nil {
		t.Fatal(err)
	}
	want := map[tongfa.Platform]string{tongfa.PlatformWeChat: clocks.FreqOK, tongfa.PlatformWeibo: clocks.FreqWarning, tongfa.PlatformApp: clocks.FreqBreached}
	for _, fr := range fs {
		if w, ok := want[fr.Platform]; ok && fr.State != w {
			t.Errorf("%s: %s (%s), want %s", fr.Platform, fr.State, fr.Message, w)
		}
	}
	n, err := f.svc.FrequencySweep(f.ctx, now)
	if err != nil || n < 2 {
		t.Fatalf("sweep raised %d alerts (%v)", n, err)
	}
	if again, _ := f.svc.FrequencySweep(f.ctx, now.Add(time.Hour)); again != 0 {
		t.Fatalf("the same week alerted again: %d", again)
	}
	rows, err := f.svc.Weekly(f.ctx, f.reader(t), now.AddDate(0, 0, -14), now)
	if err != nil || len(rows) == 0 {
		t.Fatalf("weekly table: %v %v", rows, err)
	}
}

func (f *fixture) item(t *testing.T, title string) *tongfa.Item {
	t.Helper()
	return f.itemIn(t, title, tongfa.CategoryNews)
}

func (f *fixture) itemIn(t *testing.T, title, category string) *tongfa.Item {
	t.Helper()
	c := tongfa.Content{Title: title, Body: "<p>x</p>", Category: category, Kind: tongfa.KindOriginal,
		Importance: tongfa.ImportanceRoutine, Urgency: tongfa.UrgencyNormal}
	it, err := f.DB.CreateItem(f.ctx, f.Unit.ID, f.Author.ID, c, store.SystemActor, nil)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

// TestInterpretationDeadline: a policy document published on a Friday must
// be interpreted by Wednesday; the interpretation stops the clock.
func TestInterpretationDeadline(t *testing.T) {
	f := setup(t)
	doc := f.itemIn(t, "关于印发《示范市促进就业若干措施》的通知", tongfa.CategoryPolicy)
	published := time.Date(2026, 11, 27, 9, 0, 0, 0, workday.Location())
	f.deliver(t, doc, tongfa.PlatformWebsite, published)
	list, err := f.svc.Interpretations(f.ctx, f.reader(t), published.Add(time.Hour))
	if err != nil || len(list) != 1 {
		t.Fatalf("documents %v %v", list, err)
	}
	if want := time.Date(2026, 12, 2, 9, 0, 0, 0, workday.Location()); !list[0].Deadline.Equal(want) {
		t.Fatalf("deadline %s, want %s", list[0].Deadline, want)
	}
	late := time.Date(2026, 12, 2, 10, 0, 0, 0, workday.Location())
	if n, _ := f.svc.InterpretationSweep(f.ctx, late); n != 3 {
		t.Fatalf("late sweep raised %d alerts, want 3 (50 %%, 75 %%, breached)", n)
	}
}

func TestInterpretationStopsTheClock(t *testing.T) {
	f := setup(t)
	doc := f.itemIn(t, "关于印发《示范市稳岗就业办法》的通知", tongfa.CategoryPolicy)
	published := time.Now().Add(-time.Hour)
	f.deliver(t, doc, tongfa.PlatformWebsite, published)
	c := tongfa.Content{Title: "图解：示范市稳岗就业办法", Body: "<p>解读</p>", Category: tongfa.CategoryInterpretation,
		Kind: tongfa.KindOriginal, Importance: tongfa.ImportanceRoutine, Urgency: tongfa.UrgencyNormal, PolicyItemID: &doc.ID}
	in, err := f.DB.CreateItem(f.ctx, f.Unit.ID, f.Author.ID, c, store.SystemActor, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.deliver(t, in, tongfa.PlatformWebsite, published.Add(30*time.Minute))
	list, _ := f.svc.Interpretations(f.ctx, f.reader(t), time.Now())
	if len(list) != 1 || list[0].State != clocks.Met || len(list[0].Interpretations) != 1 {
		t.Fatalf("%+v", list)
	}
}

// reader is the author as a principal: they read their own unit.
func (f *fixture) reader(t *testing.T) *access.Principal {
	t.Helper()
	u, err := f.DB.User(f.ctx, f.Author.ID)
	if err != nil {
		t.Fatal(err)
	}
	units, err := f.DB.Units(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The fixture's author holds no grant in the store; as the unit's
	// editor they read it (an empty scope reads nothing).
	u.Grants = append(u.Grants, tongfa.Grant{UnitID: f.Unit.ID, Role: tongfa.RoleEditor})
	return &access.Principal{User: u, Tree: access.NewTree(units)}
}

// TestOpenReadsOnlyUndelivered: the dashboard's open clocks, computed for
// the urgent items with a target not yet reached, are exactly those the
// item-by-item computation over every urgent item of the month finds.
func TestOpenReadsOnlyUndelivered(t *testing.T) {
	f := setup(t)
	now := time.Now()
	event := now.Add(-2 * time.Hour)
	none := f.urgent(t, event)
	all := f.urgent(t, event)
	for p := range f.Accounts {
		f.deliver(t, all, p, event.Add(20*time.Minute))
	}
	some := f.urgent(t, event)
	f.deliver(t, some, tongfa.PlatformWeibo, event.Add(30*time.Minute))
	f.deliver(t, some, tongfa.PlatformWebsite, event.Add(30*time.Minute))
	failed := f.urgent(t, event) // every channel tried and failed: not reached
	for p, a := range f.Accounts {
		if _, err := f.DB.Pool.Exec(f.ctx, `INSERT INTO deliveries (item_id, version_number, version_hash, account_id, platform, state,
			error, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'failed', '平台拒绝', $6, $6)`,
			failed.ID, failed.VersionNumber, failed.Version.Hash, a.ID, string(p), event.Add(10*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	withdrawn := f.urgent(t, event)
	old := f.urgent(t, now.AddDate(0, 0, -40))
	if _, err := f.DB.Pool.Exec(f.ctx, `UPDATE items SET state = 'withdrawn' WHERE id = $1;`, withdrawn.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.DB.Pool.Exec(f.ctx, `UPDATE items SET created_at = $2 WHERE id = $1`, old.ID, now.AddDate(0, 0, -40)); err != nil {
		t.Fatal(err)
	}
	for _, units := range [][]int64{nil, {f.Unit.ID}, {f.Unit.ID + 1000}} {
		got, err := f.svc.OpenOf(f.ctx, units, now)
		if err != nil {
			t.Fatal(err)
		}
		want, err := f.svc.OpenPerItem(f.ctx, units, now)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("units %v: open clocks %+v, item by item %+v", units, got, want)
		}
		var ids []int64
		for _, c := range got {
			ids = append(ids, c.ItemID)
		}
		slices.Sort(ids)
		if units == nil || units[0] == f.Unit.ID {
			if want := []int64{none.ID, some.ID, failed.ID}; !slices.Equal(ids, want) {
				t.Fatalf("open items %v, want %v (all delivered %d, withdrawn %d, old %d)", ids, want, all.ID, withdrawn.ID, old.ID)
			}
		} else if len(ids) != 0 {
			t.Fatalf("another unit's scope sees %v", ids)
		}
	}
}
