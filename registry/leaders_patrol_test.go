package registry_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/items"
	"github.com/tongfa/tongfa/registry"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/store"
)

var cst = time.FixedZone("CST", 8*3600)

// publish stores a published item of unit whose current version, with
// body text, was last changed (and, no channel having confirmed it,
// published) at; event is its event time, if any.
func (tr *tree) publish(t *testing.T, unit int64, text string, at time.Time, event *time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	c := tongfa.Content{Title: "工作动态", Body: "<p>" + text + "</p>", Category: "news", Kind: tongfa.KindOriginal,
		Importance: tongfa.ImportanceRoutine, Urgency: tongfa.UrgencyNormal, EventTime: event, Targets: []int64{}}
	js, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	err = tr.db.InTx(ctx, func(tx *store.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO items (unit_id, author_id, state, version_number, required_tier, created_at, updated_at)
			VALUES ($1, $2, 'published', 1, 'routine', $3, $3) RETURNING id`, unit, tr.hostAdmin.ID, at).Scan(&id)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO item_versions (item_id, number, hash, author_id, created_at, title, category, urgency, content)
			VALUES ($1, 1, $2, $3, $4, $5, 'news', 'normal', $6)`, id, fmt.Sprintf("%064d", id), tr.hostAdmin.ID, at, c.Title, js)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

const (
	leadersBefore = "张建国\t市委书记\t2019-06-01\t\t1\tserving\n" +
		"李振华\t副市长\t2018-01-10\t\t9\tserving\n" +
		"孙力\t副市长\t2021-06-01\t\t10\tserving\n" // the name was mistyped all along
	// 李振华 became mayor on 2025-01-15; 孙丽's name is corrected.
	leadersAfter = "张建国\t市委书记\t2019-06-01\t\t1\tserving\n" +
		"李振华\t副市长\t2018-01-10\t2025-01-15\t9\tserving\n" +
		"李振华\t市长\t2025-01-15\t\t2\tserving\n" +
		"孙丽\t副市长\t2021-06-01\t\t10\tserving\n"
)

// TestLeadersPatrolJudgesEachItemOnItsOwnDate: after the city's table
// records a promotion and corrects a name, the patrol re-checks the
// year's published items of the city's subtree, each on its own day (the
// event time, else when it was published). A post that named the deputy
// mayor while he was one stays quiet although the title is wrong today; a
// post that gave him the old title after his promotion is found; so is
// the misspelt name, wrong all along. Another city's items and items
// older than a year are not checked.
func TestLeadersPatrolJudgesEachItemOnItsOwnDate(t *testing.T) {
	tr := newTree(t)
	ctx := context.Background()
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, cst)
	tr.db.Now = func() time.Time { return now }
	checker := sensitive.NewDefault()
	p := &registry.Patrol{DB: tr.db, Checker: checker, Leaders: tr.tables, Batch: 2, Log: tr.svc.Log}
	tr.svc.Patrol = p
	tr.set(t, tr.cityAdmin, tr.city.ID, leadersBefore)

	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, cst) }
	eve := day(2024, 12, 20)
	rightThen := tr.publish(t, tr.host.ID, "副市长李振华出席全市安全生产会议。", day(2024, 10, 1), nil)
	wrongThen := tr.publish(t, tr.host.ID, "副市长李振华调研春耕生产。", day(2025, 3, 1), nil)
	byEvent := tr.publish(t, tr.sub.ID, "副市长李振华调研春耕生产。", day(2025, 3, 1), &eve)
	misspelt := tr.publish(t, tr.sub.ID, "副市长孙力主持召开防汛工作会议。", day(2024, 8, 1), nil)
	tr.publish(t, tr.other.ID, "副市长孙力主持召开防汛工作会议。", day(2024, 8, 1), nil)
	tr.publish(t, tr.host.ID, "副市长李振华调研春耕生产。", day(2024, 5, 1), nil) // outside the year

	change := tr.set(t, tr.cityAdmin, tr.city.ID, leadersAfter)
	slices.Sort(change.Changed)
	if want := []string{"孙丽", "孙力", "李振华"}; !slices.Equal(change.Changed, want) {
		t.Fatalf("changed leaders %v, want %v", change.Changed, want)
	}
	run := change.Patrol
	if run == nil || run.Kind != store.PatrolLeaders || run.UnitID == nil || *run.UnitID != tr.city.ID || run.Total != 4 {
		t.Fatalf("patrol %+v, want a leaders run over the city's 4 items of the year", run)
	}

	// Judged today, the first post would be wrong: the date is what keeps it quiet.
	table, _ := tr.tables.Effective(ctx, tr.host.ID)
	today := items.CheckContent(ctx, checker, tongfa.Content{Title: "工作动态", Body: "<p>副市长李振华出席全市安全生产会议。</p>"},
		sensitive.Options{Leaders: table, On: sensitive.DateOf(now)})
	if len(today.Findings) == 0 || today.Findings[0].Kind != sensitive.KindLeader {
		t.Fatalf("judged today the old post has %+v, want the former title", today.Findings)
	}

	if err := p.Run(ctx, run.ID); err != nil {
		t.Fatal(err)
	}
	done, _ := tr.db.PatrolRun(ctx, run.ID)
	if done.State != "done" || done.Checked != 4 || done.Found != 2 {
		t.Fatalf("run %+v, want done with 4 checked and 2 found", done)
	}
	fs, err := tr.db.PatrolFindings(ctx, run.ID, []int64{tr.city.ID, tr.host.ID, tr.sub.ID, tr.other.ID})
	if err != nil {
		t.Fatal(err)
	}
	found := map[int64]store.PatrolFinding{}
	for _, f := range fs {
		found[f.ItemID] = f
	}
	if len(fs) != 2 {
		t.Fatalf("findings %+v, want one on each of 2 items", fs)
	}
	if f := found[wrongThen]; f.Kind != sensitive.KindLeader || f.Level != sensitive.LevelBlock || f.Rule != "李振华" || f.Text != "副市长李振华" {
		t.Errorf("the post after the promotion: %+v, want the old title blocked", f)
	}
	if f := found[misspelt]; f.Category != sensitive.LeaderNearName || f.Level != sensitive.LevelReview || f.Rule != "孙丽" || f.Text != "副市长孙力" {
		t.Errorf("the misspelt name: %+v, want a near name of 孙丽", f)
	}
	for name, id := range map[string]int64{"the post before the promotion": rightThen, "the post whose event preceded it": byEvent} {
		if f, ok := found[id]; ok {
			t.Errorf("%s was flagged: %+v", name, f)
		}
	}
	var alerts int
	tr.db.Pool.QueryRow(ctx, `SELECT count(*) FROM alerts WHERE kind = 'patrol'`).Scan(&alerts) //nolint:errcheck
	if alerts != 2 {
		t.Errorf("%d alerts, want one per item found", alerts)
	}

	if _, err := tr.svc.PatrolRun(ctx, tr.as(t, tr.otherAdmin), run.ID); tongfa.ErrorCode(err) != tongfa.ENotFound {
		t.Errorf("another city's administrator reads the run: %v", err)
	}
	view, err := tr.svc.PatrolRun(ctx, tr.as(t, tr.hostEditor), run.ID)
	if err != nil || len(view.Findings) != 1 || view.Findings[0].ItemID != wrongThen {
		t.Errorf("the host's editor sees %+v (%v), want the finding of the host's own item", view, err)
	}
}
