package registry

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/store"
)

// MaxUnitWords bounds a unit's words, in bytes of TSV.
const MaxUnitWords = 1 << 20

// UnitWordsView is a unit's own words with their versions, and how many
// words each supervising unit adds to the unit's content (their words are
// theirs to read, not their subordinates').
type UnitWordsView struct {
	UnitID   int64                 `json:"unit_id"`
	UnitName string                `json:"unit_name"`
	Version  int                   `json:"version"` // the active version; 0 when the unit keeps none
	Content  string                `json:"content"` // the active version's TSV
	Words    int                   `json:"words"`   // entries in the active version
	Allowed  int                   `json:"allowed"` // allowed phrases in the active version
	Above    []UnitWordsCount      `json:"above"`   // supervising units with words, top first
	Versions []store.ConfigVersion `json:"versions"`
}

// UnitWordsCount is how many words a supervising unit's active version
// holds.
type UnitWordsCount struct {
	UnitID   int64  `json:"unit_id"`
	UnitName string `json:"unit_name"`
	Version  int    `json:"version"`
	Words    int    `json:"words"`
}

// UnitWordsChange is what an upload or a rollback of a unit's words did.
type UnitWordsChange struct {
	Version *store.ConfigVersion `json:"version"`
	Added   []string             `json:"added_words"`
	// Patrol re-checks the last year's published items of the unit and
	// the units below it for the added words (R11); nil when none.
	Patrol *store.PatrolRun `json:"patrol"`
}

// mayReadUnitWords: the administrators and auditors of a unit (or of a
// unit above it) read its words; others who may read the unit are
// forbidden; to the rest the unit is not found.
func mayReadUnitWords(p *access.Principal, unit int64) error {
	if !p.Tree.CanRead(p.User, unit) {
		return fmt.Errorf("registry: words of unit %d: %w", unit, tongfa.ErrNotFound)
	}
	if !p.Tree.Administers(p.User, unit) && !p.Tree.Has(p.User, unit, tongfa.RoleAuditor) {
		return &tongfa.Error{Code: tongfa.EForbidden, Message: "只有本单位或上级单位的管理员、审计员可以查看本单位词库"}
	}
	return nil
}

// UnitWords returns unit's own words for those who may read them.
func (s *Service) UnitWords(ctx context.Context, p *access.Principal, unit int64) (*UnitWordsView, error) {
	if err := mayReadUnitWords(p, unit); err != nil {
		return nil, err
	}
	out := &UnitWordsView{UnitID: unit, UnitName: p.Tree.Name(unit), Above: []UnitWordsCount{}}
	err := eachActive(ctx, s.DB, p.Tree, KindUnitWords, unit, parseUnitWords, func(u int64, v *store.ConfigVersion, d *sensitive.Dictionary) {
		if u == unit {
			out.Version, out.Content, out.Words, out.Allowed = v.Version, v.Content, len(d.Entries), len(d.Allow)
			return
		}
		out.Above = append(out.Above, UnitWordsCount{UnitID: u, UnitName: p.Tree.Name(u), Version: v.Version, Words: len(d.Entries)})
	})
	if err != nil {
		return nil, err
	}
	versions, err := s.DB.ConfigVersions(ctx, KindUnitWords, strconv.FormatInt(unit, 10))
	out.Versions = nonNil(versions)
	return out, err
}

// SetUnitWords stores content (the dictionary TSV) as a new version of
// unit's own words and makes it active. A bad line is refused with its
// number.
func (s *Service) SetUnitWords(ctx context.Context, p *access.Principal, unit int64, content, note string) (*UnitWordsChange, error) {
	if err := mayChangeUnitData(p, unit, "本单位词库"); err != nil {
		return nil, err
	}
	if err := checkUnitDataInput("本单位词库", MaxUnitWords, content, note); err != nil {
		return nil, err
	}
	if _, err := parseUnitWords(0, content); err != nil {
		return nil, lineError("本单位词库", err)
	}
	return s.changeUnitWords(ctx, p, unit, func(tx *store.Tx) (*store.ConfigVersion, error) {
		return tx.AddConfigVersion(ctx, KindUnitWords, strconv.FormatInt(unit, 10), content, note, &p.User.ID)
	})
}

// RollbackUnitWords makes an earlier version of unit's words active again.
func (s *Service) RollbackUnitWords(ctx context.Context, p *access.Principal, unit int64, version int) (*UnitWordsChange, error) {
	if err := mayChangeUnitData(p, unit, "本单位词库"); err != nil {
		return nil, err
	}
	return s.changeUnitWords(ctx, p, unit, func(tx *store.Tx) (*store.ConfigVersion, error) {
		return tx.ActivateConfigVersion(ctx, KindUnitWords, strconv.FormatInt(unit, 10), version)
	})
}

// changeUnitWords records the version, reloads the words and starts a
// patrol of the subtree's published items for the words it added.
func (s *Service) changeUnitWords(ctx context.Context, p *access.Principal, unit int64, change func(*store.Tx) (*store.ConfigVersion, error)) (*UnitWordsChange, error) {
	scope := strconv.FormatInt(unit, 10)
	before := map[string]bool{}
	if v, err := s.DB.ActiveConfig(ctx, KindUnitWords, scope); err == nil {
		for _, w := range wordsOf(v.Content) {
			before[w] = true
		}
	}
	v, err := s.activate(ctx, p, "unit_words.activate", "unit:"+scope, &unit, change)
	if err != nil {
		return nil, err
	}
	out := &UnitWordsChange{Version: v, Added: []string{}}
	for _, w := range wordsOf(v.Content) {
		if !before[w] {
			out.Added = append(out.Added, w)
		}
	}
	// The change is committed: what follows must not report it failed.
	if s.Words != nil {
		if _, err := s.Words.Reload(ctx); err != nil {
			s.Log.Warn("reload unit words; the watcher retries", slog.Any("error", err))
		}
	}
	if len(out.Added) > 0 && s.Patrol != nil {
		reason := fmt.Sprintf("「%s」本单位词库第 %d 版生效", p.Tree.Name(unit), v.Version)
		run, err := s.Patrol.StartWords(ctx, reason, out.Added, unit)
		if err != nil {
			s.Log.Warn("start patrol after a unit words change", slog.Any("error", err))
		}
		out.Patrol = run
	}
	return out, nil
}
