package registry

import (
	"context"

	"github.com/tongfa/tongfa/sensitive"
)

// KindUnitWords is the config_versions kind of a unit's own words (the
// dictionary TSV sensitive.Dictionary.Parse reads); its scope is the unit
// id. A unit's words apply to its content and its descendants', never to
// a unit above or beside it.
const KindUnitWords = "unit_words"

// UnitWords gives the checker the words that apply to a unit's content
// beside the installation's dictionaries: those of its supervising units
// from the top down, then its own, merged.
type UnitWords = unitData[*sensitive.Dictionary, wordsSpec]

type wordsSpec struct{}

func (wordsSpec) kind() string { return KindUnitWords }
func (wordsSpec) parse(version int, content string) (*sensitive.Dictionary, error) {
	return parseUnitWords(version, content)
}
func (wordsSpec) merge(ds ...*sensitive.Dictionary) *sensitive.Dictionary {
	return sensitive.MergeDictionaries(ds...)
}

func parseUnitWords(version int, content string) (*sensitive.Dictionary, error) {
	return parseDictionary("本单位词库", version, content)
}

// UnitRules gives the checker what a unit adds to it: the leaders table,
// the words and the public contact numbers that apply to the unit's
// content. Any may be nil.
type UnitRules struct {
	Leaders  *LeaderTables
	Words    *UnitWords
	Contacts *UnitContacts
}

// Options returns the checker options for content of unit (the day is
// the caller's to set).
func (r UnitRules) Options(ctx context.Context, unit int64) (sensitive.Options, error) {
	var opts sensitive.Options
	var err error
	if r.Leaders != nil {
		if opts.Leaders, err = r.Leaders.Effective(ctx, unit); err != nil {
			return opts, err
		}
	}
	if r.Words != nil {
		if opts.Words, err = r.Words.Effective(ctx, unit); err != nil {
			return opts, err
		}
	}
	if r.Contacts != nil {
		opts.Contacts, err = r.Contacts.Effective(ctx, unit)
	}
	return opts, err
}
