package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/items"
	"github.com/tongfa/tongfa/notify"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/tasks"
)

// PatrolWindow is how far back a patrol re-checks published content (R11).
const PatrolWindow = 365 * 24 * time.Hour

// Patrol re-checks published content after a dictionary or a leaders
// table changed (R11).
type Patrol struct {
	DB      *store.DB
	Checker *sensitive.Checker
	// Leaders gives a leaders run each unit's current table; Words gives
	// every run each unit's own words, Contacts its public numbers.
	Leaders  *LeaderTables
	Words    *UnitWords
	Contacts *UnitContacts
	Notify   *notify.Notifier
	Log      *slog.Logger
	Batch    int // items per progress update
	// Tasks runs the patrols Start records (nil: they wait for a worker
	// that is given them).
	Tasks tasks.Client
}

// Start records a run over the last year's published items and hands it
// to the workers, who Run it.
func (p *Patrol) Start(ctx context.Context, reason string, words []string) (*store.PatrolRun, error) {
	return p.start(ctx, store.NewPatrol{Kind: store.PatrolDictionary, Reason: reason, Words: words})
}

// StartLeaders records a run over the last year's published items of unit
// and the units below it, after unit's leaders table changed the leaders
// named, and hands it to the workers.
func (p *Patrol) StartLeaders(ctx context.Context, reason string, names []string, unit int64) (*store.PatrolRun, error) {
	return p.start(ctx, store.NewPatrol{Kind: store.PatrolLeaders, Reason: reason, Words: names, UnitID: unit})
}

// StartWords records a run over the last year's published items of unit
// and the units below it, after unit's own words added words, and hands
// it to the workers.
func (p *Patrol) StartWords(ctx context.Context, reason string, words []string, unit int64) (*store.PatrolRun, error) {
	return p.start(ctx, store.NewPatrol{Kind: store.PatrolDictionary, Reason: reason, Words: words, UnitID: unit})
}

func (p *Patrol) start(ctx context.Context, n store.NewPatrol) (*store.PatrolRun, error) {
	n.Since = p.DB.Now().Add(-PatrolWindow)
	run, err := p.DB.CreatePatrolRun(ctx, n)
	if err != nil {
		return nil, err
	}
	return run, tasks.Enqueue(ctx, p.Tasks, NewPatrolTask(run.ID), asynq.TaskID(fmt.Sprintf("patrol:%d", run.ID)),
		asynq.Queue("low"), asynq.Timeout(time.Hour), asynq.MaxRetry(3))
}

// Run checks every item of the run, recording progress after each batch,
// and alerts the units whose live content has new problems: block-level
// findings, and review-level ones the change added.
func (p *Patrol) Run(ctx context.Context, runID int64) error {
	run, err := p.DB.PatrolRun(ctx, runID)
	if err != nil {
		return err
	}
	if run.Kind == store.PatrolLeaders {
		if _, err := p.Leaders.Reload(ctx); err != nil {
			return err
		}
	}
	if p.Words != nil {
		if _, err := p.Words.Reload(ctx); err != nil {
			return err
		}
	}
	var unit int64
	if run.UnitID != nil {
		unit = *run.UnitID
	}
	batch := max(p.Batch, 1)
	var after int64
	checked, found := 0, 0
	for {
		list, err := p.DB.PublishedItems(ctx, run.StartedAt.Add(-PatrolWindow), unit, after, batch)
		if err != nil {
			p.DB.PatrolProgress(ctx, runID, checked, found, "failed") //nolint:errcheck
			return err
		}
		for _, it := range list {
			n, err := p.check(ctx, run, it)
			if err != nil {
				p.DB.PatrolProgress(ctx, runID, checked, found, "failed") //nolint:errcheck
				return err
			}
			checked++
			if n > 0 {
				found++
			}
			after = it.ID
		}
		state := "running"
		if len(list) < batch {
			state = "done"
		}
		if err := p.DB.PatrolProgress(ctx, runID, checked, found, state); err != nil || state == "done" {
			return err
		}
	}
}

// check re-checks one item and reports how many new problems it has.
func (p *Patrol) check(ctx context.Context, run *store.PatrolRun, it store.ItemContent) (int, error) {
	var c tongfa.Content
	if err := json.Unmarshal(it.Content, &c); err != nil {
		return 0, err
	}
	isNew := newByDictionary
	opts, err := UnitRules{Words: p.Words, Contacts: p.Contacts}.Options(ctx, it.UnitID)
	if err != nil {
		return 0, err
	}
	if run.Kind == store.PatrolLeaders {
		if opts.Leaders, err = p.Leaders.Effective(ctx, it.UnitID); err != nil {
			return 0, err
		}
		isNew = newByLeaders
	}
	opts.On = items.CheckDay(c, it.PublishedAt)
	// Each item is judged on its own day: a title right when it was
	// published stays right after the leader moved on.
	var fs []store.PatrolFinding
	for _, f := range items.CheckContent(ctx, p.Checker, c, opts).Findings {
		if isNew(run, f.Finding) {
			fs = append(fs, store.PatrolFinding{RunID: run.ID, ItemID: it.ID, UnitID: it.UnitID, Field: f.Field, Kind: f.Kind,
				Category: f.Category, Level: f.Level, Text: f.Text, Rule: f.Rule})
		}
	}
	if len(fs) == 0 {
		return 0, nil
	}
	if err := p.DB.AddPatrolFindings(ctx, fs); err != nil {
		return 0, err
	}
	return len(fs), p.alert(ctx, run, it, c, fs)
}

// newByDictionary: after a dictionary change, any block-level finding and
// review-level ones of the words it added.
func newByDictionary(run *store.PatrolRun, f sensitive.Finding) bool {
	return f.Kind != sensitive.KindLeader &&
		(f.Level == sensitive.LevelBlock || f.Level == sensitive.LevelReview && slices.Contains(run.Words, f.Rule))
}

// newByLeaders: after a leaders table changed, the leader findings about
// the leaders it changed (an order finding's rule lists its names).
func newByLeaders(run *store.PatrolRun, f sensitive.Finding) bool {
	if f.Kind != sensitive.KindLeader {
		return false
	}
	for _, name := range strings.Split(f.Rule, "、") {
		if slices.Contains(run.Words, name) {
			return true
		}
	}
	return false
}

// alert tells the unit's editors and administrators, once per run and
// item, with the channel links and where to correct or withdraw.
func (p *Patrol) alert(ctx context.Context, run *store.PatrolRun, it store.ItemContent, c tongfa.Content, fs []store.PatrolFinding) error {
	var words []string
	for _, f := range fs {
		words = append(words, "「"+f.Text+"」")
	}
	ds, _ := p.DB.ItemDeliveries(ctx, it.ID)
	var links []string
	for _, d := range ds {
		if d.State == tongfa.DeliveryDelivered && d.URL != "" {
			links = append(links, d.Platform.Label()+" "+d.URL)
		}
	}
	msg := fmt.Sprintf("【巡查发现问题】已发布稿件「%s」含有 %s。请在稿件页一键更正（重新审签后替换各平台内容）或撤回。已发布：%s",
		c.Title, strings.Join(words, "、"), strings.Join(links, "；"))
	var fired bool
	err := p.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if fired, err = tx.FireAlert(ctx, fmt.Sprintf("item:%d", it.ID), "patrol", fmt.Sprintf("run:%d", run.ID), &it.UnitID, msg); err != nil || !fired {
			return err
		}
		var to []int64
		for _, r := range []tongfa.Role{tongfa.RoleEditor, tongfa.RoleAdmin} {
			ids, err := tx.UsersWithRole(ctx, []int64{it.UnitID}, r)
			if err != nil {
				return err
			}
			to = append(to, ids...)
		}
		tx.Audit(store.SystemActor, "patrol.finding", fmt.Sprintf("item:%d", it.ID), &it.UnitID, map[string]any{"run_id": run.ID, "findings": len(fs)})
		return tx.Notify(ctx, to, &it.ID, "patrol", true, msg)
	})
	if fired && err == nil {
		p.Notify.Unit(ctx, it.UnitID, notify.Message{Title: "巡查发现问题", Text: msg})
	}
	return err
}
