package sensitive

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Categories of leader findings (KindLeader).
const (
	LeaderTitle     = "title"        // a title the person does not hold on the date (block)
	LeaderFormer    = "former_title" // a title the person held but had left by the date (block)
	LeaderDismissed = "dismissed"    // a dismissed official: with a title block, named review
	LeaderOrder     = "order"        // leaders listed against protocol order (review)
	LeaderNearName  = "near_name"    // one character off a leader's name next to their title (review)
)

// span is a byte range of the text.
type span struct{ start, end int }

// titleHit is a title in the text; used once it belongs to a mention.
type titleHit struct {
	span
	title string // canonical
	used  bool
}

// mention is a leader's name in the text with the titles written next to
// it.
type mention struct {
	span         // the name
	person int32 // index in persons
	chain  []int // titles before the name, nearest first (市委副书记、市长张三)
	after  int   // a title right after the name (张三市长), or -1
	former bool  // the titles before are marked past (原市长张三, 时任市长张三)
	elem   span  // the name with its titles: one item of a list
	order  int   // protocol order on the date, when ordered
	listed bool  // serving, not dismissed nor marked past: may be checked for order
}

// leaderText is one check of a text against a compiled table.
type leaderText struct {
	ix     *leaderIndex
	text   string
	on     Date
	titles []titleHit
	names  []mention
	out    []Finding
}

// findings turns the automaton's hits over text into leader findings as of
// day on.
func (ix *leaderIndex) findings(text string, hits []hit, on Date) []Finding {
	if len(hits) == 0 {
		return nil
	}
	lt := &leaderText{ix: ix, text: text, on: on}
	lt.resolve(hits)
	lt.attach()
	for i := range lt.names {
		lt.judge(&lt.names[i])
	}
	lt.nearNames()
	lt.lists()
	return lt.out
}

// resolve keeps the whole titles and names: a hit inside a longer one of
// its kind is dropped (市长 inside 副市长), and so is a name overlapping a
// title.
func (lt *leaderText) resolve(hits []hit) {
	slices.SortFunc(hits, func(a, b hit) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return b.end - a.end
	})
	var names []hit
	reachT, reachN := 0, 0
	for _, h := range hits {
		r := lt.ix.ref(h.pat)
		switch {
		case r.person < 0 && h.end > reachT:
			lt.titles = append(lt.titles, titleHit{span: span{h.start, h.end}, title: r.title})
			reachT = h.end
		case r.person >= 0 && h.end > reachN:
			names = append(names, h)
			reachN = h.end
		}
	}
	lt.names = make([]mention, 0, len(names))
	for _, h := range names {
		if !lt.overlapsTitle(span{h.start, h.end}) {
			lt.names = append(lt.names, mention{span: span{h.start, h.end}, person: lt.ix.ref(h.pat).person, after: -1})
		}
	}
}

// overlapsTitle reports whether s overlaps a title.
func (lt *leaderText) overlapsTitle(s span) bool {
	i := lt.firstTitle(s.end, false)
	return i > 0 && lt.titles[i-1].end > s.start
}

// firstTitle is the index of the first title starting (or, with ends,
// ending) at byte i or later. Whole titles do not nest, so sorted by
// start they are sorted by end too.
func (lt *leaderText) firstTitle(i int, ends bool) int {
	lo, hi := 0, len(lt.titles)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		at := lt.titles[m].start
		if ends {
			at = lt.titles[m].end
		}
		if at < i {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// titleEndingAt returns the title ending at byte i (spaces before i
// skipped), or -1.
func (lt *leaderText) titleEndingAt(i int) int {
	i = len(strings.TrimRightFunc(lt.text[:i], unicode.IsSpace))
	if k := lt.firstTitle(i, true); k < len(lt.titles) && lt.titles[k].end == i {
		return k
	}
	return -1
}

// titleStartingAt returns the title starting at byte i (spaces after i
// skipped), or -1.
func (lt *leaderText) titleStartingAt(i int) int {
	i = len(lt.text) - len(strings.TrimLeftFunc(lt.text[i:], unicode.IsSpace))
	if k := lt.firstTitle(i, false); k < len(lt.titles) && lt.titles[k].start == i {
		return k
	}
	return -1
}

// attach gives each name the titles written next to it and drops names
// that are part of a longer word (a side without a title must be a word
// boundary).
func (lt *leaderText) attach() {
	kept := lt.names[:0]
	for _, m := range lt.names {
		before := lt.titleEndingAt(m.start)
		m.after = lt.titleStartingAt(m.end)
		if before < 0 && !boundaryBefore(lt.text, m.start) || m.after < 0 && !boundaryAfter(lt.text, m.end) {
			continue
		}
		m.elem = m.span
		for k := before; k >= 0; k = lt.chained(k) {
			m.chain = append(m.chain, k)
			lt.titles[k].used = true
			m.elem.start = lt.titles[k].start
		}
		if m.after >= 0 {
			lt.titles[m.after].used = true
			m.elem.end = lt.titles[m.after].end
		}
		m.former = len(m.chain) > 0 && formerBefore(lt.text, m.elem.start)
		kept = append(kept, m)
	}
	lt.names = kept
}

// chained returns the title joined to title k by 、 or 兼 before it
// (市委副书记、市长), or -1.
func (lt *leaderText) chained(k int) int {
	head := strings.TrimRightFunc(lt.text[:lt.titles[k].start], unicode.IsSpace)
	r, size := utf8.DecodeLastRuneInString(head)
	if r != '、' && r != '兼' {
		return -1
	}
	return lt.titleEndingAt(len(head) - size)
}

// judge reports what is wrong with one mention as of the date.
func (lt *leaderText) judge(m *mention) {
	p := &lt.ix.persons[m.person]
	if p.dismissedBy(lt.on) {
		lt.dismissed(m, p)
		return
	}
	m.order, m.listed = p.orderOn(lt.on)
	m.listed = m.listed && !m.former
	lt.checkTitles(m, p)
}

// dismissed reports a dismissed official: presented with a title, blocked;
// named (or with a title marked past), to be reviewed.
func (lt *leaderText) dismissed(m *mention, p *Leader) {
	when := p.Dismissed.chinese()
	titled := m.after >= 0 || len(m.chain) > 0 && !m.former
	if titled {
		lt.add(m.elem, LevelBlock, LeaderDismissed, p.Name,
			fmt.Sprintf("%s已于%s被查处（落马），不得再以职务称呼", p.Name, when), "")
		return
	}
	lt.add(m.elem, LevelReview, LeaderDismissed, p.Name,
		fmt.Sprintf("%s已于%s被查处（落马），请核实此处提及是否妥当", p.Name, when), "")
}

// add appends a finding over s.
func (lt *leaderText) add(s span, level, category, rule, suggestion, replacement string) {
	lt.out = append(lt.out, Finding{Kind: KindLeader, Category: category, Level: level, Start: s.start, End: s.end,
		Text: lt.text[s.start:s.end], Rule: rule, Suggestion: suggestion, Replacement: replacement})
}
