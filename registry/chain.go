package registry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/store"
)

// unitData gives the checker what applies to a unit's content of one kind
// of unit data (S: leaders tables or a unit's own words): the versions of
// its supervising units from the top down, then its own, merged (chain).
// Every process polls for changes (Watch); a change made here reloads at
// once. The zero value with DB and Log set is ready.
type unitData[T comparable, S spec[T]] struct {
	DB  *store.DB
	Log *slog.Logger

	once  sync.Once
	chain *chain[T]
}

// spec names a kind of unit data: its config_versions kind, how a stored
// version is read and how a chain of them is merged.
type spec[T any] interface {
	kind() string
	parse(version int, content string) (T, error)
	merge(...T) T
}

func (u *unitData[T, S]) c() *chain[T] {
	u.once.Do(func() {
		var s S
		u.chain = &chain[T]{kind: s.kind(), parse: s.parse, merge: s.merge}
	})
	return u.chain
}

// Effective returns what applies to the content of unit, nil when neither
// the unit nor a unit above it keeps a version.
func (u *unitData[T, S]) Effective(ctx context.Context, unit int64) (T, error) {
	return u.c().effective(ctx, u.DB, u.Log, unit)
}

// Reload reads the active versions again if they changed since the last
// load, and reports whether they had.
func (u *unitData[T, S]) Reload(ctx context.Context) (bool, error) {
	return u.c().reloadIfChanged(ctx, u.DB, u.Log)
}

// Watch reloads whenever another process changed a version.
func (u *unitData[T, S]) Watch(ctx context.Context, every time.Duration) {
	watch(ctx, every, u.Log, "reload "+u.c().kind, u.Reload)
}

// chain keeps, for a kind of unit data that applies down the tree (a
// leaders table, a unit's own words), what applies to each unit: the
// active versions of its supervising units from the top down, then its
// own, merged. Each merge is built once per combination of active
// versions and kept while that combination is in force, so the checker,
// which compiles each value once per pointer and holds it weakly,
// compiles it once too.
type chain[T comparable] struct {
	kind  string
	parse func(version int, content string) (T, error)
	merge func(...T) T

	mu     sync.Mutex
	stamp  string
	loaded bool
	parent map[int64]int64 // units never move, so this only grows
	active map[int64]int64 // unit → id of its active version
	parsed map[int64]T     // version id → its value
	merged map[string]T    // active version ids, top down → the merge
}

// effective returns what applies to unit, the zero T when neither the
// unit nor a unit above it keeps a version.
func (c *chain[T]) effective(ctx context.Context, db *store.DB, log *slog.Logger, unit int64) (T, error) {
	var zero T
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.loaded {
		if err := c.reload(ctx, db, log); err != nil {
			return zero, err
		}
	}
	if _, ok := c.parent[unit]; !ok {
		if err := c.loadUnits(ctx, db); err != nil {
			return zero, err
		}
		if _, ok := c.parent[unit]; !ok {
			return zero, fmt.Errorf("registry: %s of unit %d: %w", c.kind, unit, tongfa.ErrNotFound)
		}
	}
	var ids []int64
	for u := unit; u != 0; u = c.parent[u] {
		if v, ok := c.active[u]; ok {
			ids = append([]int64{v}, ids...)
		}
	}
	return c.value(ids), nil
}

// value is the merge of versions ids (supervising units first), built on
// first use.
func (c *chain[T]) value(ids []int64) T {
	switch len(ids) {
	case 0:
		var zero T
		return zero
	case 1:
		return c.parsed[ids[0]]
	}
	key := chainKey(ids)
	if t, ok := c.merged[key]; ok {
		return t
	}
	values := make([]T, len(ids))
	for i, id := range ids {
		values[i] = c.parsed[id]
	}
	t := c.merge(values...)
	c.merged[key] = t
	return t
}

func chainKey(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ">")
}

// reloadIfChanged reads the active versions again if they changed since
// the last load, and reports whether they had.
func (c *chain[T]) reloadIfChanged(ctx context.Context, db *store.DB, log *slog.Logger) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	stamp, err := db.ConfigStamp(ctx, c.kind)
	if err != nil || c.loaded && stamp == c.stamp {
		return false, err
	}
	return true, c.reload(ctx, db, log)
}

// reload reads the unit tree and every active version. Versions still
// active keep their values, and merges of them stay, so the checker's
// compiled forms of unchanged ones survive.
func (c *chain[T]) reload(ctx context.Context, db *store.DB, log *slog.Logger) error {
	stamp, err := db.ConfigStamp(ctx, c.kind)
	if err != nil {
		return err
	}
	if err := c.loadUnits(ctx, db); err != nil {
		return err
	}
	vs, err := db.ActiveConfigs(ctx, c.kind)
	if err != nil {
		return err
	}
	active, parsed := map[int64]int64{}, map[int64]T{}
	for _, v := range vs {
		unit, err := strconv.ParseInt(v.Scope, 10, 64)
		if err != nil {
			continue
		}
		t, ok := c.parsed[v.ID]
		if !ok {
			if t, err = c.parse(v.Version, v.Content); err != nil {
				// Stored versions were checked when saved; skip one that no
				// longer parses rather than stop every check.
				log.Error("unit data does not parse", slog.String("kind", c.kind), slog.Int64("unit_id", unit), slog.Int("version", v.Version), slog.Any("error", err))
				continue
			}
		}
		active[unit], parsed[v.ID] = v.ID, t
	}
	merged := map[string]T{}
	for key, t := range c.merged {
		if allActive(key, parsed) {
			merged[key] = t
		}
	}
	c.active, c.parsed, c.merged, c.stamp, c.loaded = active, parsed, merged, stamp, true
	return nil
}

func allActive[T any](key string, parsed map[int64]T) bool {
	for _, part := range strings.Split(key, ">") {
		id, _ := strconv.ParseInt(part, 10, 64)
		if _, ok := parsed[id]; !ok {
			return false
		}
	}
	return true
}

func (c *chain[T]) loadUnits(ctx context.Context, db *store.DB) error {
	units, err := db.Units(ctx)
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
	c.parent = parent
	return nil
}

// eachActive calls fn, from the top unit above unit down to unit, for
// each unit that keeps an active version of kind, with that version
// parsed: what the console and the API show of a chain.
func eachActive[T any](ctx context.Context, db *store.DB, tree *access.Tree, kind string, unit int64,
	parse func(version int, content string) (T, error), fn func(u int64, v *store.ConfigVersion, t T)) error {
	var ups []int64
	for u := unit; u != 0; u = tree.Parent(u) {
		ups = append([]int64{u}, ups...)
	}
	for _, u := range ups {
		v, err := db.ActiveConfig(ctx, kind, strconv.FormatInt(u, 10))
		if errors.Is(err, tongfa.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		t, err := parse(v.Version, v.Content)
		if err != nil {
			return err
		}
		fn(u, v, t)
	}
	return nil
}
