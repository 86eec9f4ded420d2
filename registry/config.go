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
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/review"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/store"
)

// Dictionaries keeps the checker in step with the dictionaries
// administrators manage: the shipped and file ones (Base) plus the active
// version of each stored one. Every process polls for changes, so an
// upload reloads the checker everywhere without a restart.
type Dictionaries struct {
	DB      *store.DB
	Checker *sensitive.Checker
	Base    []*sensitive.Dictionary
	Log     *slog.Logger

	mu    sync.Mutex
	stamp string
}

// Reload rebuilds the checker if the stored dictionaries changed.
func (d *Dictionaries) Reload(ctx context.Context) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	stamp, err := d.DB.ConfigStamp(ctx, "dictionary")
	if err != nil || stamp == d.stamp {
		return false, err
	}
	active, err := d.DB.ActiveConfigs(ctx, "dictionary")
	if err != nil {
		return false, err
	}
	all := append([]*sensitive.Dictionary{}, d.Base...)
	for _, v := range active {
		dict, err := parseDictionary(v.Scope, v.Version, v.Content)
		if err != nil {
			return false, err
		}
		all = append(all, dict)
	}
	if err := d.Checker.Reload(all...); err != nil {
		return false, err
	}
	d.stamp = stamp
	return true, nil
}

func parseDictionary(name string, version int, content string) (*sensitive.Dictionary, error) {
	d := &sensitive.Dictionary{}
	return d, d.Parse(fmt.Sprintf("%s@v%d", name, version), strings.NewReader(content))
}

// Watch reloads whenever another process changed the dictionaries.
func (d *Dictionaries) Watch(ctx context.Context, every time.Duration) {
	watch(ctx, every, d.Log, "reload dictionaries", d.Reload)
}

// DictionaryChange is what an upload or rollback did.
type DictionaryChange struct {
	Version *store.ConfigVersion `json:"version"`
	Added   []string             `json:"added_words"` // new words: what the patrol looks for
	// Patrol re-checks the last year's published content for the added
	// words (R11); nil when the change added none.
	Patrol *store.PatrolRun `json:"patrol"`
}

var errNotSysAdmin = &tongfa.Error{Code: tongfa.EForbidden, Message: "只有系统管理员可以维护全局词库"}

// SetDictionary stores a new version of a named dictionary (system
// administrators), makes it active, reloads the checker and starts a
// patrol for the words it adds.
func (s *Service) SetDictionary(ctx context.Context, p *access.Principal, name, content, note string) (*DictionaryChange, error) {
	if !p.Tree.IsSysAdmin(p.User) {
		return nil, errNotSysAdmin
	}
	if name == "" || strings.ContainsAny(name, " /\\") || len(name) > 64 {
		return nil, &tongfa.Error{Code: tongfa.EInvalid, Message: "词库名称须为 1–64 个字符，不含空格和斜杠", Fields: map[string]string{"name": "名称无效"}}
	}
	return s.changeDictionary(ctx, p, name, func(tx *store.Tx) (*store.ConfigVersion, error) {
		if _, err := parseDictionary(name, 0, content); err != nil {
			return nil, &tongfa.Error{Code: tongfa.EInvalid, Message: "词库格式错误：" + err.Error(), Err: err}
		}
		return tx.AddConfigVersion(ctx, "dictionary", name, content, note, &p.User.ID)
	})
}

// RollbackDictionary makes an earlier version of a dictionary active again.
func (s *Service) RollbackDictionary(ctx context.Context, p *access.Principal, name string, version int) (*DictionaryChange, error) {
	if !p.Tree.IsSysAdmin(p.User) {
		return nil, errNotSysAdmin
	}
	return s.changeDictionary(ctx, p, name, func(tx *store.Tx) (*store.ConfigVersion, error) {
		return tx.ActivateConfigVersion(ctx, "dictionary", name, version)
	})
}

func (s *Service) changeDictionary(ctx context.Context, p *access.Principal, name string, change func(*store.Tx) (*store.ConfigVersion, error)) (*DictionaryChange, error) {
	before := activeWords(ctx, s.DB, name)
	v, err := s.activate(ctx, p, "dictionary.activate", "dictionary:"+name, nil, change)
	if err != nil {
		return nil, err
	}
	out := &DictionaryChange{Version: v}
	for _, w := range wordsOf(out.Version.Content) {
		if !before[w] {
			out.Added = append(out.Added, w)
		}
	}
	// The change is committed: what follows must not report it failed.
	if _, err := s.Dictionaries.Reload(ctx); err != nil {
		s.Log.Warn("reload dictionaries; the watcher retries", slog.Any("error", err))
	}
	if len(out.Added) > 0 {
		run, err := s.Patrol.Start(ctx, "词库「"+name+"」第 "+strconv.Itoa(out.Version.Version)+" 版生效", out.Added)
		if err != nil {
			s.Log.Warn("start patrol after a dictionary change", slog.Any("error", err))
		}
		out.Patrol = run
	}
	return out, nil
}

// activate makes a configuration version active (change) and records
// action on target in the same transaction.
func (s *Service) activate(ctx context.Context, p *access.Principal, action, target string, unit *int64,
	change func(*store.Tx) (*store.ConfigVersion, error)) (*store.ConfigVersion, error) {
	var v *store.ConfigVersion
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if v, err = change(tx); err != nil {
			return err
		}
		tx.Audit(store.UserActor(p.User, p.IP), action, target, unit, map[string]any{"version": v.Version, "note": v.Note})
		return nil
	})
	return v, err
}

func activeWords(ctx context.Context, db *store.DB, name string) map[string]bool {
	seen := map[string]bool{}
	vs, _ := db.ConfigVersions(ctx, "dictionary", name)
	for _, v := range vs {
		if v.Active {
			for _, w := range wordsOf(v.Content) {
				seen[w] = true
			}
		}
	}
	return seen
}

func wordsOf(content string) []string {
	d, err := parseDictionary("", 0, content)
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(d.Entries))
	for _, e := range d.Entries {
		out = append(out, e.Word)
	}
	return out
}

// SetPolicy stores a new version of a unit's tier or clock policy (its
// administrators), checked before it takes effect.
func (s *Service) SetPolicy(ctx context.Context, p *access.Principal, kind string, unit int64, content, note string) (*store.ConfigVersion, error) {
	if err := mayChangePolicy(p, unit); err != nil {
		return nil, err
	}
	if err := checkPolicy(kind, content); err != nil {
		return nil, err
	}
	return s.changePolicy(ctx, p, kind, unit, func(tx *store.Tx) (*store.ConfigVersion, error) {
		return tx.AddConfigVersion(ctx, kind, strconv.FormatInt(unit, 10), content, note, &p.User.ID)
	})
}

// RollbackPolicy makes an earlier version of a unit's policy current.
func (s *Service) RollbackPolicy(ctx context.Context, p *access.Principal, kind string, unit int64, version int) (*store.ConfigVersion, error) {
	if err := mayChangePolicy(p, unit); err != nil {
		return nil, err
	}
	return s.changePolicy(ctx, p, kind, unit, func(tx *store.Tx) (*store.ConfigVersion, error) {
		return tx.ActivateConfigVersion(ctx, kind, strconv.FormatInt(unit, 10), version)
	})
}

// mayChangePolicy: a unit's administrators (or those above) change its
// policies, which apply to it and the units below; a unit the person
// cannot see is not found.
func mayChangePolicy(p *access.Principal, unit int64) error {
	if !p.Tree.CanRead(p.User, unit) {
		return fmt.Errorf("registry: unit %d: %w", unit, tongfa.ErrNotFound)
	}
	if !CanChangeUnitData(p, unit) {
		return &tongfa.Error{Code: tongfa.EForbidden, Message: "只有该单位的管理员可以修改策略"}
	}
	return nil
}

func checkPolicy(kind, content string) error {
	var err error
	switch kind {
	case "tier_policy":
		_, err = review.ParsePolicy([]byte(content))
	case "clock_policy":
		_, err = clocks.ParsePolicy([]byte(content))
	default:
		return &tongfa.Error{Code: tongfa.ENotFound, Message: "未知的策略类型"}
	}
	if err != nil {
		return &tongfa.Error{Code: tongfa.EInvalid, Message: "策略有误：" + err.Error(), Err: err}
	}
	return nil
}

// changePolicy records the version and writes it as the unit's current
// policy, which review and the clocks read.
func (s *Service) changePolicy(ctx context.Context, p *access.Principal, kind string, unit int64, change func(*store.Tx) (*store.ConfigVersion, error)) (*store.ConfigVersion, error) {
	var v *store.ConfigVersion
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if v, err = change(tx); err != nil {
			return err
		}
		if kind == "tier_policy" {
			err = tx.SetUnitPolicy(ctx, unit, v.Content, &p.User.ID)
		} else {
			err = tx.SetClockPolicy(ctx, unit, v.Content)
		}
		tx.Audit(store.UserActor(p.User, p.IP), kind+".activate", fmt.Sprintf("unit:%d", unit), &unit, map[string]any{"version": v.Version, "note": v.Note})
		return err
	})
	return v, err
}
