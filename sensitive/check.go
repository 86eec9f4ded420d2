package sensitive

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/tongfa/tongfa"
)

// Finding is one problem in a text. Start and End are byte offsets into the
// original UTF-8 input; Text is that original substring.
type Finding struct {
	Kind        string `json:"kind"` // word, expression, secret, ad, pii or leader
	Category    string `json:"category"`
	Level       string `json:"level"` // block, review or notice
	Start       int    `json:"start"`
	End         int    `json:"end"`
	Text        string `json:"text"`
	Rule        string `json:"rule"`
	Suggestion  string `json:"suggestion"`
	Replacement string `json:"replacement"`
}

// Report is the result of a check (the JSON of `tongfa check --json` and
// POST /api/v1/check).
type Report struct {
	Findings     []Finding   `json:"findings"`
	MaskedText   string      `json:"masked_text"`
	RequiredTier tongfa.Tier `json:"required_tier"`
	Blocked      bool        `json:"blocked"`
	Reasons      []string    `json:"reasons"`
}

// Options tune one check.
type Options struct {
	// Exemption keeps personal data (惩戒公示, 强制性信息披露): it is reported
	// as a notice, not masked, and raises the tier to at least deputy.
	Exemption *tongfa.Exemption
	// Leaders is the table of the unit's leaders (Merge a unit's with its
	// ancestors'); nil checks no names or titles. Keep one *Leaders per
	// table version and reuse it: it is compiled once per pointer.
	Leaders *Leaders
	// On is the day titles are judged on; zero is today in China time.
	On Date
	// Words are a unit's own dictionary entries and allowed phrases (Merge
	// a unit's with its ancestors'), checked beside the installation's;
	// its allowed phrases also clear the installation's words inside them,
	// for that unit only. nil adds none. Like Leaders, keep one *Dictionary
	// per version: it is compiled once per pointer.
	Words *Dictionary
	// Contacts are the unit's own public contact numbers (Merge a unit's
	// with its ancestors'): reported as notices, left as written.
	Contacts *Contacts
	// MaskPersonalData says the text is sent masked rather than refused
	// (an answer to the public): personal data that will be masked is
	// then reported at review level, saying what it becomes, and does not
	// block — the level says what happens.
	MaskPersonalData bool
}

// Checker checks texts against the current dictionary. Reload swaps the
// whole automaton atomically: checks in flight finish on the old one and
// none waits.
type Checker struct {
	norm    Normalization
	cur     atomic.Pointer[compiled]
	gens    atomic.Uint64
	leaders sync.Map // weak.Pointer[Leaders] → *leaderIndex
	words   sync.Map // weak.Pointer[Dictionary] → *compiled
}

// New builds a checker over dictionaries (merged in order).
func New(norm Normalization, dicts ...*Dictionary) (*Checker, error) {
	c := &Checker{norm: norm}
	return c, c.Reload(dicts...)
}

// NewDefault builds a checker over the shipped dictionaries with every
// normalization on.
func NewDefault() *Checker {
	c, err := New(DefaultNormalization, DefaultDictionary())
	if err != nil {
		panic("sensitive: shipped dictionaries do not compile: " + err.Error())
	}
	return c
}

// Reload compiles dicts and makes them current.
func (c *Checker) Reload(dicts ...*Dictionary) error {
	cp, err := compile(MergeDictionaries(dicts...), c.norm)
	if err != nil {
		return err
	}
	cp.generation = c.gens.Add(1)
	c.cur.Store(cp)
	return nil
}

// Size reports how many dictionary entries are loaded.
func (c *Checker) Size() int { return len(c.cur.Load().entries) }

// Generation numbers the loaded dictionaries: 1 after New, one more after
// each Reload. The patrol (R11) re-checks published items checked under an
// older generation.
func (c *Checker) Generation() uint64 { return c.cur.Load().generation }

// Check runs every rule over text. It never fails: a text with nothing to
// report gets an empty, unblocked, routine report. ctx is accepted for the
// callers' uniformity; a check of an article takes well under a
// millisecond, so it is not polled.
func (c *Checker) Check(ctx context.Context, text string, opts Options) Report {
	rep := Report{RequiredTier: tongfa.TierRoutine, Reasons: []string{}}
	fs := c.scan(text, opts, &rep)
	fs = append(fs, detectPII(text, opts.Contacts)...)
	sortFindings(fs)
	rep.Findings = fs
	keep := opts.Exemption != nil
	if keep {
		keep = keepPII(&rep, opts.Exemption)
	}
	rep.MaskedText = applyMasks(text, rep.Findings, keep)
	if opts.MaskPersonalData && !keep {
		willMask(rep.Findings)
	}
	for _, f := range rep.Findings {
		rep.Blocked = rep.Blocked || f.Level == LevelBlock
	}
	rep.tier()
	if rep.Findings == nil {
		rep.Findings = []Finding{}
	}
	return rep
}

// scan finds the dictionary words (the installation's and the unit's)
// and, with a leaders table, the leader findings, in one pass over text
// for the installation's words and leaders. A table or a unit dictionary
// that does not compile is skipped with a reason.
func (c *Checker) scan(text string, opts Options, rep *Report) []Finding {
	cp := c.cur.Load()
	var also *walk
	var hits []hit
	var ix *leaderIndex
	if opts.Leaders != nil {
		var err error
		if ix, err = c.leaderIndex(opts.Leaders); err != nil {
			rep.Reasons = append(rep.Reasons, "领导名单有误，未核对领导姓名和职务："+err.Error())
		} else {
			hits = make([]hit, 0, 256)
			also = ix.m.walk(func(h hit) { hits = append(hits, h) })
		}
	}
	fs, allows := cp.raw(text, also)
	if opts.Words != nil {
		unit, err := c.unitWords(opts.Words)
		if err != nil {
			rep.Reasons = append(rep.Reasons, "本单位词库有误，未按本单位词库检查："+err.Error())
		} else {
			more, moreAllows := unit.raw(text, nil)
			fs, allows = append(fs, more...), append(allows, moreAllows...)
			slices.SortStableFunc(allows, func(a, b hit) int { return a.end - b.end })
		}
	}
	fs = dropContained(dropAllowed(fs, allows))
	if ix == nil {
		return fs
	}
	on := opts.On
	if on.IsZero() {
		on = Today()
	}
	return append(fs, ix.findings(text, hits, on)...)
}

// unitWords returns a unit's dictionary compiled, once per *Dictionary
// while it lives.
func (c *Checker) unitWords(d *Dictionary) (*compiled, error) {
	return weakCached(&c.words, d, func() (*compiled, error) { return compile(d, c.norm) })
}

// Scan reports only the dictionary findings of text, sorted, without
// personal data, masking or tier: the cheap pass for re-checking published
// items after a dictionary reload (R11), when only the words can have
// changed.
func (c *Checker) Scan(text string) []Finding { return c.cur.Load().words(text, nil) }

// Mask returns text with personal data de-identified; it needs no
// dictionary, so it is also a function of the package.
func (c *Checker) Mask(text string) string { return Mask(text) }

// Mask returns text with personal data de-identified: ID, mobile and card
// numbers keep only their ends, names become 王某某, an address keeps its
// road. Office telephones and hotlines are public and stay.
func Mask(text string) string {
	fs := detectPII(text, nil)
	sortFindings(fs)
	return applyMasks(text, fs, false)
}

var exemptionNames = map[string]string{tongfa.ExemptionDisciplinary: "惩戒公示", tongfa.ExemptionMandatory: "强制性信息披露"}

// keepPII turns masked personal data into kept notices under a valid
// exemption and reports whether it did; an exemption without a known type
// or a legal basis keeps nothing.
func keepPII(rep *Report, ex *tongfa.Exemption) bool {
	name, basis := exemptionNames[ex.Type], strings.TrimSpace(ex.Basis)
	if name == "" || basis == "" {
		rep.Reasons = append(rep.Reasons, "豁免类型无效或未写明法律依据，个人信息仍须脱敏")
		return false
	}
	kept := 0
	for i := range rep.Findings {
		f := &rep.Findings[i]
		if f.Kind == KindPII && f.Replacement != "" {
			f.Level, f.Replacement = LevelNotice, ""
			f.Suggestion = "依据「" + name + "」保留"
			kept++
		}
	}
	if kept > 0 {
		rep.RequiredTier = tongfa.MaxTier(rep.RequiredTier, tongfa.TierDeputy)
		rep.Reasons = append(rep.Reasons, fmt.Sprintf("依据「%s」（%s）保留 %d 处个人信息，需至少分管领导审签", name, basis, kept))
	}
	return true
}

// willMask reports personal data that will be masked as what it is: a
// review-level finding saying what it becomes.
func willMask(fs []Finding) {
	for i := range fs {
		f := &fs[i]
		if f.Kind == KindPII && f.Replacement != "" {
			f.Level = LevelReview
			f.Suggestion = "将被遮盖为「" + f.Replacement + "」"
		}
	}
}

// tier applies what the findings demand: a sensitive topic needs the
// principal leader (R1).
func (r *Report) tier() {
	seen := map[string]bool{}
	for _, f := range r.Findings {
		if f.Category == CategorySensitiveTopic && !seen[f.Rule] {
			seen[f.Rule] = true
			r.RequiredTier = tongfa.TierPrincipal
			r.Reasons = append(r.Reasons, "检测到敏感话题「"+f.Rule+"」，需主要领导审签")
		}
	}
}

func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Start != fs[j].Start {
			return fs[i].Start < fs[j].Start
		}
		return fs[i].End > fs[j].End
	})
}

// applyMasks replaces each maskable finding's bytes with its replacement,
// skipping overlaps. keep leaves personal data in place (exemption).
func applyMasks(text string, fs []Finding, keep bool) string {
	var b strings.Builder
	pos := 0
	for _, f := range fs {
		if f.Kind != KindPII || f.Replacement == "" || keep || f.Start < pos {
			continue
		}
		b.WriteString(text[pos:f.Start])
		b.WriteString(f.Replacement)
		pos = f.End
	}
	if pos == 0 {
		return text
	}
	b.WriteString(text[pos:])
	return b.String()
}

// dropContained removes findings inside a longer one that is at least as
// severe, so one problem is highlighted once. Sorted by start, a finding
// is contained when an earlier kept one of at least its level reaches as
// far: the furthest end per level answers that in one pass.
func dropContained(fs []Finding) []Finding {
	sortFindings(fs)
	out := fs[:0]
	var reach [4]int // by level rank: the furthest end of a kept finding
	for _, f := range fs {
		r := levelRank[f.Level]
		if slices.Max(reach[r:]) >= f.End {
			continue
		}
		reach[r] = max(reach[r], f.End)
		out = append(out, f)
	}
	return out
}

// Each calls fn with the byte range of every raw dictionary occurrence in
// text (allowed phrases and overlaps not yet resolved): the cheapest pass,
// for counting and benchmarks.
func (c *Checker) Each(text string, fn func(start, end int)) {
	c.cur.Load().m.scan(text, func(h hit) { fn(h.start, h.end) })
}
