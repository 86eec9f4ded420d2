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

// KindUnitContacts is the config_versions kind of a unit's list of its
// own public contact numbers (one a line, sensitive.ParseContacts); its
// scope is the unit id. A unit's numbers apply to its content and its
// descendants' (a county office may give the city's hotline), never to a
// unit above or beside it.
const KindUnitContacts = "unit_contacts"

// MaxUnitContacts bounds a unit's list, in bytes.
const MaxUnitContacts = 64 << 10

// UnitContacts gives the checker the public numbers that apply to a
// unit's content: its supervising units' and its own, merged.
type UnitContacts = unitData[*sensitive.Contacts, contactsSpec]

type contactsSpec struct{}

func (contactsSpec) kind() string { return KindUnitContacts }
func (contactsSpec) parse(version int, content string) (*sensitive.Contacts, error) {
	return parseUnitContacts(version, content)
}
func (contactsSpec) merge(cs ...*sensitive.Contacts) *sensitive.Contacts {
	return sensitive.MergeContacts(cs...)
}

func parseUnitContacts(version int, content string) (*sensitive.Contacts, error) {
	return sensitive.ParseContacts(fmt.Sprintf("本单位公开电话@v%d", version), content)
}

// UnitContactsView is a unit's own list with its versions, and the
// numbers its supervising units list, which apply to its content too.
type UnitContactsView struct {
	UnitID   int64                 `json:"unit_id"`
	UnitName string                `json:"unit_name"`
	Version  int                   `json:"version"` // the active version; 0 when the unit keeps none
	Content  string                `json:"content"` // the active version as written
	Contacts []sensitive.Contact   `json:"contacts"`
	Above    []UnitContactsList    `json:"above"` // supervising units with a list, top first
	Versions []store.ConfigVersion `json:"versions"`
}

// UnitContactsList is a supervising unit's active list.
type UnitContactsList struct {
	UnitID   int64               `json:"unit_id"`
	UnitName string              `json:"unit_name"`
	Version  int                 `json:"version"`
	Contacts []sensitive.Contact `json:"contacts"`
}

// UnitContacts returns the public numbers that apply to unit's content to
// anyone who may read the unit (they are public; authors need to know
// which numbers stay); to the rest the unit is not found.
func (s *Service) UnitContacts(ctx context.Context, p *access.Principal, unit int64) (*UnitContactsView, error) {
	if !p.Tree.CanRead(p.User, unit) {
		return nil, fmt.Errorf("registry: contacts of unit %d: %w", unit, tongfa.ErrNotFound)
	}
	out := &UnitContactsView{UnitID: unit, UnitName: p.Tree.Name(unit), Contacts: []sensitive.Contact{}, Above: []UnitContactsList{}}
	err := eachActive(ctx, s.DB, p.Tree, KindUnitContacts, unit, parseUnitContacts, func(u int64, v *store.ConfigVersion, c *sensitive.Contacts) {
		if u == unit {
			out.Version, out.Content, out.Contacts = v.Version, v.Content, c.List
			return
		}
		out.Above = append(out.Above, UnitContactsList{UnitID: u, UnitName: p.Tree.Name(u), Version: v.Version, Contacts: c.List})
	})
	if err != nil {
		return nil, err
	}
	versions, err := s.DB.ConfigVersions(ctx, KindUnitContacts, strconv.FormatInt(unit, 10))
	out.Versions = nonNil(versions)
	return out, err
}

// SetUnitContacts stores content as a new version of unit's list and
// makes it active (administrators of the unit or above; audited). A line
// that is no telephone number is refused with its number.
func (s *Service) SetUnitContacts(ctx context.Context, p *access.Principal, unit int64, content, note string) (*store.ConfigVersion, error) {
	const what = "本单位公开电话"
	if err := mayChangeUnitData(p, unit, what); err != nil {
		return nil, err
	}
	if err := checkUnitDataInput(what, MaxUnitContacts, content, note); err != nil {
		return nil, err
	}
	if _, err := parseUnitContacts(0, content); err != nil {
		return nil, lineError(what, err)
	}
	scope := strconv.FormatInt(unit, 10)
	v, err := s.activate(ctx, p, "unit_contacts.activate", "unit:"+scope, &unit, func(tx *store.Tx) (*store.ConfigVersion, error) {
		return tx.AddConfigVersion(ctx, KindUnitContacts, scope, content, note, &p.User.ID)
	})
	if err != nil {
		return nil, err
	}
	// The change is committed: what follows must not report it failed.
	if s.Contacts != nil {
		if _, err := s.Contacts.Reload(ctx); err != nil {
			s.Log.Warn("reload unit contacts; the watcher retries", slog.Any("error", err))
		}
	}
	return v, nil
}
