package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"unicode/utf8"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/store"
)

// MaxLeadersTable bounds a leaders table's TSV, in bytes.
const MaxLeadersTable = 1 << 20

// LeaderTable is a unit's own leaders table with its versions, and the
// tables that apply to the unit's content.
type LeaderTable struct {
	UnitID   int64  `json:"unit_id"`
	UnitName string `json:"unit_name"`
	Version  int    `json:"version"` // the active version; 0 when the unit keeps none
	Content  string `json:"content"` // the active version's TSV
	// Leaders is the unit's own table (empty when it keeps none).
	Leaders *sensitive.Leaders `json:"leaders"`
	// Chain is every table that applies, the top supervising unit first
	// and the unit's own last; Effective merges them, as the checker does.
	Chain     []ChainTable          `json:"chain"`
	Effective *sensitive.Leaders    `json:"effective"`
	Versions  []store.ConfigVersion `json:"versions"`
}

// ChainTable is the active table of one unit of a chain.
type ChainTable struct {
	UnitID   int64              `json:"unit_id"`
	UnitName string             `json:"unit_name"`
	Version  int                `json:"version"`
	Leaders  *sensitive.Leaders `json:"leaders"`
}

// LeadersChange is what an import or a rollback did.
type LeadersChange struct {
	Version *store.ConfigVersion `json:"version"`
	// Changed names the leaders the change added, removed or altered:
	// what the patrol looks for.
	Changed []string `json:"changed_leaders"`
	// Patrol re-checks the last year's published items of the unit and
	// the units below it, each on its own date; nil when no leader changed.
	Patrol *store.PatrolRun `json:"patrol"`
}

// LeaderTable returns unit's table for a reader of the unit; to others
// the unit is not found.
func (s *Service) LeaderTable(ctx context.Context, p *access.Principal, unit int64) (*LeaderTable, error) {
	if !p.Tree.CanRead(p.User, unit) {
		return nil, fmt.Errorf("registry: leaders of unit %d: %w", unit, tongfa.ErrNotFound)
	}
	out := &LeaderTable{UnitID: unit, UnitName: p.Tree.Name(unit), Leaders: &sensitive.Leaders{Persons: []sensitive.Leader{}}}
	var tables []*sensitive.Leaders
	err := eachActive(ctx, s.DB, p.Tree, KindLeaders, unit, parseLeaders, func(u int64, v *store.ConfigVersion, t *sensitive.Leaders) {
		out.Chain = append(out.Chain, ChainTable{UnitID: u, UnitName: p.Tree.Name(u), Version: v.Version, Leaders: t})
		tables = append(tables, t)
		if u == unit {
			out.Version, out.Content, out.Leaders = v.Version, v.Content, t
		}
	})
	if err != nil {
		return nil, err
	}
	out.Chain, out.Effective = nonNil(out.Chain), sensitive.Merge(tables...)
	versions, err := s.DB.ConfigVersions(ctx, KindLeaders, strconv.FormatInt(unit, 10))
	out.Versions = nonNil(versions)
	return out, err
}

// CanChangeUnitData reports whether p changes the data a unit keeps for
// itself and the units below — its leaders table and its policies: the
// administrators of the unit or of a unit above it.
func CanChangeUnitData(p *access.Principal, unit int64) bool {
	return p.Tree.Administers(p.User, unit)
}

// canChangeLeaders decides who changes unit's table (CanChangeUnitData).
func canChangeLeaders(p *access.Principal, unit int64) error {
	return mayChangeUnitData(p, unit, "领导名单")
}

// mayChangeUnitData: the administrators of a unit or of a unit above it
// change what (its leaders table, its words). Others who may read the
// unit are forbidden; to the rest it is not found.
func mayChangeUnitData(p *access.Principal, unit int64, what string) error {
	if !p.Tree.CanRead(p.User, unit) {
		return fmt.Errorf("registry: %s of unit %d: %w", what, unit, tongfa.ErrNotFound)
	}
	if !CanChangeUnitData(p, unit) {
		return &tongfa.Error{Code: tongfa.EForbidden, Message: "只有本单位或上级单位的管理员可以修改" + what}
	}
	return nil
}

// SetLeaders stores content (the TSV sensitive.ParseLeaders reads) as a
// new version of unit's table and makes it active. A bad row is refused
// with its line number.
func (s *Service) SetLeaders(ctx context.Context, p *access.Principal, unit int64, content, note string) (*LeadersChange, error) {
	if err := canChangeLeaders(p, unit); err != nil {
		return nil, err
	}
	if err := checkUnitDataInput("领导名单", MaxLeadersTable, content, note); err != nil {
		return nil, err
	}
	if _, err := checkLeaders(content); err != nil {
		return nil, err
	}
	return s.changeLeaders(ctx, p, unit, func(tx *store.Tx) (*store.ConfigVersion, error) {
		return tx.AddConfigVersion(ctx, KindLeaders, strconv.FormatInt(unit, 10), content, note, &p.User.ID)
	})
}

// RollbackLeaders makes an earlier version of unit's table active again.
func (s *Service) RollbackLeaders(ctx context.Context, p *access.Principal, unit int64, version int) (*LeadersChange, error) {
	if err := canChangeLeaders(p, unit); err != nil {
		return nil, err
	}
	return s.changeLeaders(ctx, p, unit, func(tx *store.Tx) (*store.ConfigVersion, error) {
		v, err := tx.ActivateConfigVersion(ctx, KindLeaders, strconv.FormatInt(unit, 10), version)
		if err == nil {
			_, err = checkLeaders(v.Content)
		}
		return v, err
	})
}

// checkLeaders parses a table for the operator: a bad row is a
// validation error naming its line, in Chinese.
func checkLeaders(content string) (*sensitive.Leaders, error) {
	t, err := parseLeaders(0, content)
	return t, lineError("领导名单", err)
}

// checkUnitDataInput bounds what an administrator uploads as a unit's
// data (what: its name, in Chinese).
func checkUnitDataInput(what string, limit int, content, note string) error {
	if len(content) > limit {
		return &tongfa.Error{Code: tongfa.EInvalid, Message: fmt.Sprintf("%s不能超过 %d KB", what, limit/1024),
			Fields: map[string]string{"content": "内容过长"}}
	}
	if utf8.RuneCountInString(note) > 500 {
		return &tongfa.Error{Code: tongfa.EInvalid, Message: "修改说明不能超过 500 字", Fields: map[string]string{"note": "说明过长"}}
	}
	return nil
}

// lineError makes a parse error of a unit's data (what) a validation
// error naming its line, in Chinese.
func lineError(what string, err error) error {
	var pe *sensitive.ParseError
	if errors.As(err, &pe) {
		return &tongfa.Error{Code: tongfa.EInvalid, Message: fmt.Sprintf("%s第 %d 行有误：%s", what, pe.Line, pe.Msg),
			Fields: map[string]string{"content": fmt.Sprintf("第 %d 行：%s", pe.Line, pe.Msg)}, Data: map[string]int{"line": pe.Line}, Err: err}
	}
	return err
}

// changeLeaders records the version, reloads the tables and starts a
// patrol of the subtree's published items for the leaders it changed.
func (s *Service) changeLeaders(ctx context.Context, p *access.Principal, unit int64, change func(*store.Tx) (*store.ConfigVersion, error)) (*LeadersChange, error) {
	scope := strconv.FormatInt(unit, 10)
	var before *sensitive.Leaders
	if v, err := s.DB.ActiveConfig(ctx, KindLeaders, scope); err == nil {
		before, _ = parseLeaders(v.Version, v.Content)
	}
	v, err := s.activate(ctx, p, "leaders.activate", "unit:"+scope, &unit, change)
	if err != nil {
		return nil, err
	}
	out := &LeadersChange{Version: v}
	after, _ := parseLeaders(out.Version.Version, out.Version.Content)
	out.Changed = nonNil(changedLeaders(before, after))
	// The change is committed: what follows must not report it failed.
	if s.Leaders != nil {
		if _, err := s.Leaders.Reload(ctx); err != nil {
			s.Log.Warn("reload leaders tables; the watcher retries", slog.Any("error", err))
		}
	}
	if len(out.Changed) > 0 && s.Patrol != nil {
		reason := fmt.Sprintf("「%s」领导名单第 %d 版生效", p.Tree.Name(unit), out.Version.Version)
		run, err := s.Patrol.StartLeaders(ctx, reason, out.Changed, unit)
		if err != nil {
			s.Log.Warn("start patrol after a leaders change", slog.Any("error", err))
		}
		out.Patrol = run
	}
	return out, nil
}

// changedLeaders names the people whose rows differ between two versions
// of a table: added, removed or with any title, date, order, status or
// former name changed.
func changedLeaders(before, after *sensitive.Leaders) []string {
	old := map[string]string{}
	if before != nil {
		for _, p := range before.Persons {
			old[p.Name] = personKey(p)
		}
	}
	var out []string
	if after != nil {
		for _, p := range after.Persons {
			if k, ok := old[p.Name]; !ok || k != personKey(p) {
				out = append(out, p.Name)
			}
			delete(old, p.Name)
		}
	}
	if before != nil {
		for _, p := range before.Persons {
			if _, gone := old[p.Name]; gone {
				out = append(out, p.Name)
			}
		}
	}
	return out
}

func personKey(p sensitive.Leader) string {
	b, _ := json.Marshal(p)
	return string(b)
}
