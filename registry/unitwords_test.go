package registry_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/registry"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/store"
)

const (
	hostWords = "# 甲局自定义词\n东湖改造\tcustom\tblock\t项目尚未批复，请勿发布\n!代办证件窗口\n"
	cityWords = "西山隧道\tcustom\treview\t工程名称以批复为准\n"
)

// words returns the rules of words that apply to unit's content.
func (tr *tree) words(t *testing.T, unit int64) []string {
	t.Helper()
	opts, err := registry.UnitRules{Words: tr.svc.Words}.Options(context.Background(), unit)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	if opts.Words != nil {
		for _, e := range opts.Words.Entries {
			out = append(out, e.Word)
		}
	}
	return out
}

// TestUnitWordsApplyToTheSubtreeOnly (isolation finding 11): a unit's
// administrators add words for their unit and the units below; they
// reach neither the unit above nor a sibling tree; a supervising unit's
// words come first; the unit's allowed phrase clears an installation word
// for its content only.
func TestUnitWordsApplyToTheSubtreeOnly(t *testing.T) {
	tr := newTree(t)
	ctx := context.Background()
	tr.svc.Words = &registry.UnitWords{DB: tr.db, Log: tr.svc.Log}
	if _, err := tr.svc.SetUnitWords(ctx, tr.as(t, tr.hostAdmin), tr.host.ID, hostWords, "甲局专项"); err != nil {
		t.Fatal(err)
	}
	if _, err := tr.svc.SetUnitWords(ctx, tr.as(t, tr.cityAdmin), tr.city.ID, cityWords, "市级"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		unit int64
		want string
	}{{tr.city.ID, "西山隧道"}, {tr.host.ID, "西山隧道,东湖改造"}, {tr.sub.ID, "西山隧道,东湖改造"}, {tr.other.ID, ""}} {
		if got := join(tr.words(t, c.unit)); got != c.want {
			t.Errorf("unit %d: words %q, want %q", c.unit, got, c.want)
		}
	}
	sub, _ := registry.UnitRules{Words: tr.svc.Words}.Options(ctx, tr.sub.ID)
	again, _ := registry.UnitRules{Words: tr.svc.Words}.Options(ctx, tr.sub.ID)
	if sub.Words != again.Words {
		t.Error("the merged words were built twice: the checker would compile them twice")
	}

	checker := sensitive.NewDefault()
	text := "东湖改造下月开工，代办证件窗口迁至二楼。"
	for unit, want := range map[int64]string{tr.sub.ID: "东湖改造", tr.other.ID: "代办证件"} {
		opts, _ := registry.UnitRules{Words: tr.svc.Words}.Options(ctx, unit)
		var got []string
		for _, f := range checker.Check(ctx, text, opts).Findings {
			got = append(got, f.Rule)
		}
		if join(got) != want {
			t.Errorf("checked for unit %d: %v, want %s", unit, got, want)
		}
	}

	// The view: the unit's own words in full, those above counted only.
	v, err := tr.svc.UnitWords(ctx, tr.as(t, tr.hostAdmin), tr.host.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Version != 1 || v.Words != 1 || v.Allowed != 1 || v.Content != hostWords || len(v.Above) != 1 ||
		v.Above[0].UnitID != tr.city.ID || v.Above[0].Words != 1 || len(v.Versions) != 1 {
		t.Fatalf("view %+v", v)
	}
	var audited int
	tr.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'unit_words.activate'`).Scan(&audited) //nolint:errcheck
	if audited != 2 {
		t.Errorf("%d audit rows, want one per change", audited)
	}
}

func join(ws []string) string { return strings.Join(ws, ",") }

// TestUnitWordsAuthorization: only the administrators of the unit or of a
// unit above change its words; an editor of the unit is forbidden; the
// administrator of another city, a unit's subordinate administrator
// reaching up and the system administrator (whose grant reaches no unit's
// content) find no such unit; a bad line is refused with its number and
// nothing is stored.
func TestUnitWordsAuthorization(t *testing.T) {
	tr := newTree(t)
	ctx := context.Background()
	tr.svc.Words = &registry.UnitWords{DB: tr.db, Log: tr.svc.Log}
	for _, c := range []struct {
		who  string
		as   *tongfa.User
		unit int64
		code string
	}{
		{"the unit's editor", tr.hostEditor, tr.host.ID, tongfa.EForbidden},
		{"another city's administrator", tr.otherAdmin, tr.host.ID, tongfa.ENotFound},
		{"a bureau's administrator, upwards", tr.hostAdmin, tr.city.ID, tongfa.ENotFound},
		{"the system administrator", tr.sysAdmin, tr.host.ID, tongfa.ENotFound},
	} {
		if _, err := tr.svc.SetUnitWords(ctx, tr.as(t, c.as), c.unit, hostWords, ""); tongfa.ErrorCode(err) != c.code {
			t.Errorf("%s set words: %v, want %s", c.who, err, c.code)
		}
		if _, err := tr.svc.UnitWords(ctx, tr.as(t, c.as), c.unit); tongfa.ErrorCode(err) != c.code {
			t.Errorf("%s read words: %v, want %s", c.who, err, c.code)
		}
	}
	if _, err := tr.svc.SetUnitWords(ctx, tr.as(t, tr.cityAdmin), tr.sub.ID, hostWords, ""); err != nil {
		t.Errorf("the city's administrator sets a bureau's words: %v", err)
	}
	_, err := tr.svc.SetUnitWords(ctx, tr.as(t, tr.hostAdmin), tr.host.ID, "好词\tcustom\n", "")
	var te *tongfa.Error
	if tongfa.ErrorCode(err) != tongfa.EInvalid || !errors.As(err, &te) || te.Fields["content"] == "" || !strings.HasPrefix(te.Message, "本单位词库第 1 行") {
		t.Errorf("a bad line: %v, want invalid naming line 1", err)
	}
	if got := tr.words(t, tr.host.ID); len(got) != 0 {
		t.Errorf("after the refused change the host has words %v", got)
	}
}

// TestUnitWordsPatrolTheSubtree: the words a unit adds are looked for in
// the last year's published items of its subtree only (R11).
func TestUnitWordsPatrolTheSubtree(t *testing.T) {
	tr := newTree(t)
	ctx := context.Background()
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, cst)
	tr.db.Now = func() time.Time { return now }
	tr.svc.Words = &registry.UnitWords{DB: tr.db, Log: tr.svc.Log}
	p := &registry.Patrol{DB: tr.db, Checker: sensitive.NewDefault(), Leaders: tr.tables, Words: tr.svc.Words, Batch: 2, Log: tr.svc.Log}
	tr.svc.Patrol = p
	day := time.Date(2025, 3, 1, 10, 0, 0, 0, cst)
	inSub := tr.publish(t, tr.sub.ID, "东湖改造方案公示。", day, nil)
	tr.publish(t, tr.host.ID, "春耕生产有序推进。", day, nil)
	tr.publish(t, tr.other.ID, "东湖改造方案公示。", day, nil)
	tr.publish(t, tr.city.ID, "东湖改造方案公示。", day, nil)

	change, err := tr.svc.SetUnitWords(ctx, tr.as(t, tr.hostAdmin), tr.host.ID, hostWords, "")
	if err != nil {
		t.Fatal(err)
	}
	run := change.Patrol
	if join(change.Added) != "东湖改造" || run == nil || run.Kind != store.PatrolDictionary || run.UnitID == nil || *run.UnitID != tr.host.ID || run.Total != 2 {
		t.Fatalf("change %+v run %+v, want a run over the host's 2 items for 东湖改造", change, run)
	}
	if err := p.Run(ctx, run.ID); err != nil {
		t.Fatal(err)
	}
	fs, err := tr.db.PatrolFindings(ctx, run.ID, []int64{tr.city.ID, tr.host.ID, tr.sub.ID, tr.other.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].ItemID != inSub || fs[0].Rule != "东湖改造" || fs[0].Level != sensitive.LevelBlock {
		t.Fatalf("findings %+v, want 东湖改造 in the sub-unit's item only", fs)
	}
	// Changing nothing new starts no patrol.
	if again, err := tr.svc.SetUnitWords(ctx, tr.as(t, tr.hostAdmin), tr.host.ID, hostWords+"\n", ""); err != nil || again.Patrol != nil {
		t.Fatalf("same words again: %+v %v, want no patrol", again, err)
	}
}
