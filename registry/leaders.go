package registry

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/store"
)

// KindLeaders is the config_versions kind of a unit's leaders table; its
// scope is the unit id.
const KindLeaders = "leaders"

// LeaderTables gives the checker the leaders table that applies to a
// unit's content: the tables of its supervising units from the top down,
// then its own, merged (sensitive.Merge). Each effective table is built
// once per combination of active versions and kept while that combination
// is in force, so the checker, which compiles each *sensitive.Leaders once
// and holds it weakly, compiles it once too. Every process polls for
// changes (Watch); a change made here reloads at once.
type LeaderTables struct {
	DB  *store.DB
	Log *slog.Logger

	mu     sync.Mutex
	stamp  string
	loaded bool
	parent map[int64]int64               // units never move, so this only grows
	active map[int64]int64               // unit → id of its active version
	parsed map[int64]*sensitive.Leaders  // version id → its table
	merged map[string]*sensitive.Leaders // active version ids, top down → the effective table
}

// Effective returns the table for the content of unit, nil when neither
// the unit nor a unit above it keeps one.
func (l *LeaderTables) Effective(ctx context.Context, unit int64) (*sensitive.Leaders, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.loaded {
		if err := l.reload(ctx); err != nil {
			return nil, err
		}
	}
	if _, ok := l.parent[unit]; !ok {
		if err := l.loadUnits(ctx); err != nil {
			return nil, err
		}
		if _, ok := l.parent[unit]; !ok {
			return nil, fmt.Errorf("registry: leaders of unit %d: %w", unit, tongfa.ErrNotFound)
		}
	}
	var ids []int64
	for u := unit; u != 0; u = l.parent[u] {
		if v, ok := l.active[u]; ok {
			ids = append([]int64{v}, ids...)
		}
	}
	return l.table(ids), nil
}

// table is the merged table of versions ids (supervising units first),
// built on first use.
func (l *LeaderTables) table(ids []int64) *sensitive.Leaders {
	switch len(ids) {
	case 0:
		return nil
	case 1:
		return l.parsed[ids[0]]
	}
	key := chainKey(ids)
	if t, ok := l.merged[key]; ok {
		return t
	}
	tables := make([]*sensitive.Leaders, len(ids))
	for i, id := range ids {
		tables[i] = l.parsed[id]
	}
	t := sensitive.Merge(tables...)
	l.merged[key] = t
	return t
}

func chainKey(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ">")
}

// Reload reads the active tables again if they changed since the last
// load, and reports whether they had.
func (l *LeaderTables) Reload(ctx context.Context) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	stamp, err := l.DB.ConfigStamp(ctx, KindLeaders)
	if err != nil || l.loaded && stamp == l.stamp {
		return false, err
	}
	return true, l.reload(ctx)
}

// reload reads the unit tree and every active table. Tables still active
// keep their values, and merges of them stay, so the checker's compiled
// forms of unchanged tables survive.
func (l *LeaderTables) reload(ctx context.Context) error {
	stamp, err := l.DB.ConfigStamp(ctx, KindLeaders)
	if err != nil {
		return err
	}
	if err := l.loadUnits(ctx); err != nil {
		return err
	}
	vs, err := l.DB.ActiveConfigs(ctx, KindLeaders)
	if err != nil {
		return err
	}
	active, parsed := map[int64]int64{}, map[int64]*sensitive.Leaders{}
	for _, v := range vs {
		unit, err := strconv.ParseInt(v.Scope, 10, 64)
		if err != nil {
			continue
		}
		t, ok := l.parsed[v.ID]
		if !ok {
			if t, err = parseLeaders(v.Version, v.Content); err != nil {
				// Stored versions were checked when saved; skip one that no
				// longer parses rather than stop every check.
				l.Log.Error("leaders table does not parse", slog.Int64("unit_id", unit), slog.Int("version", v.Version), slog.Any("error", err))
				continue
			}
		}
		active[unit], parsed[v.ID] = v.ID, t
	}
	merged := map[string]*sensitive.Leaders{}
	for key, t := range l.merged {
		if allActive(key, parsed) {
			merged[key] = t
		}
	}
	l.active, l.parsed, l.merged, l.stamp, l.loaded = active, parsed, merged, stamp, true
	return nil
}

func allActive(key string, parsed map[int64]*sensitive.Leaders) bool {
	for _, part := range strings.Split(key, ">") {
		id, _ := strconv.ParseInt(part, 10, 64)
		if parsed[id] == nil {
			return false
		}
	}
	return true
}

func (l *LeaderTables) loadUnits(ctx context.Context) error {
	units, err := l.DB.Units(ctx)
	if err != nil {
		return err
	}
	parent := make(map[int64]int64, len(units))
	for _, u := range units {
		if u.ParentID != nil {
			parent[u.ID] = *u.ParentID
		} else {
			parent[u.ID] = 0
		}
	}
	l.parent = parent
	return nil
}

// parseLeaders reads a stored version.
func parseLeaders(version int, content string) (*sensitive.Leaders, error) {
	return sensitive.ParseLeaders(fmt.Sprintf("领导名单第 %d 版", version), strings.NewReader(content))
}

// Watch reloads whenever another process changed a leaders table.
func (l *LeaderTables) Watch(ctx context.Context, every time.Duration) {
	watch(ctx, every, l.Log, "reload leaders tables", l.Reload)
}

// watch calls reload every period until ctx ends, logging failures.
func watch(ctx context.Context, every time.Duration, log *slog.Logger, what string, reload func(context.Context) (bool, error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := reload(ctx); err != nil && ctx.Err() == nil {
				log.Error(what, slog.Any("error", err))
			}
		}
	}
}
