package sensitive

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// nearNames reports a name one character off a leader's, written next to
// a title that leader holds on the date (副市长李泗 when 李四 is 副市长).
// Only titles without a known name next to them are looked at, and only
// current names are suggested (a former name is matched as the person).
func (lt *leaderText) nearNames() {
	for k := range lt.titles {
		t := &lt.titles[k]
		if t.used || len(lt.ix.holders[t.title]) == 0 || len(lt.ix.lengths) == 0 || formerBefore(lt.text, t.start) {
			continue
		}
		if !lt.nearName(t, true) {
			lt.nearName(t, false)
		}
	}
}

// nearName looks at the Han characters after the title (or before it) for
// a near name of one of its holders and reports whether it found one.
func (lt *leaderText) nearName(t *titleHit, after bool) bool {
	runes, bounds, n := lt.window(t, after)
	var names []string // suggested
	var at span
	var repl string
	for _, k := range lt.ix.lengths {
		if k > n {
			break
		}
		s := span{t.end, bounds[k-1]}
		if !after {
			s = span{bounds[k-1], t.start}
		}
		key := nearKey{n: k}
		for j := range k { // in text order
			key.r[j] = runes[j]
			if !after {
				key.r[j] = runes[k-1-j]
			}
		}
		for j := range k {
			got := key.r[j]
			if strings.ContainsRune(nearStop, got) {
				continue // 副市长李在会上 is not 李四
			}
			key.r[j] = -1
			for _, i := range lt.ix.near[key] {
				p := &lt.ix.persons[i]
				if lt.ix.names[i][j] == got || slices.Contains(names, p.Name) ||
					p.dismissedBy(lt.on) || !lt.holdsOn(i, t.title) || !lt.standsAlone(s, after) {
					continue
				}
				if len(names) == 0 {
					at = span{min(s.start, t.start), max(s.end, t.end)}
					repl = lt.text[at.start:s.start] + p.Name + lt.text[s.end:at.end]
				}
				names = append(names, p.Name)
			}
			key.r[j] = got
		}
		if len(names) > 0 {
			break
		}
	}
	if len(names) == 0 {
		return false
	}
	lt.add(at, LevelReview, LeaderNearName, names[0], "是否为「"+strings.Join(names, "」或「")+"」？", repl)
	return true
}

// window returns up to maxNear Han characters right after title t (or
// right before it, nearest first), normalized, the byte offset where each
// ends (or, before, starts) and how many there are.
func (lt *leaderText) window(t *titleHit, after bool) (runes [maxNear]rune, bounds [maxNear]int, n int) {
	i := t.end
	if !after {
		i = t.start
	}
	for n < min(lt.ix.lengths[len(lt.ix.lengths)-1], maxNear) {
		var r rune
		var size int
		if after {
			r, size = utf8.DecodeRuneInString(lt.text[i:])
			i += size
		} else {
			r, size = utf8.DecodeLastRuneInString(lt.text[:i])
			i -= size
		}
		if size == 0 || !isHan(r) {
			break
		}
		runes[n], bounds[n] = lt.ix.read(r), i
		n++
	}
	return runes, bounds, n
}

// holdsOn reports whether persons[i] holds a title accepting title on the
// date.
func (lt *leaderText) holdsOn(i int32, title string) bool {
	p := &lt.ix.persons[i]
	for j := range p.Terms {
		if p.Terms[j].heldOn(lt.on) && accepts(lt.ix.terms[i][j], title) {
			return true
		}
	}
	return false
}

// standsAlone reports whether s, next to a title on one side, is bounded
// on the other and holds no known name.
func (lt *leaderText) standsAlone(s span, after bool) bool {
	for _, m := range lt.names {
		if m.start < s.end && m.end > s.start {
			return false
		}
	}
	if after {
		return boundaryAfter(lt.text, s.end) || lt.titleStartingAt(s.end) >= 0
	}
	return boundaryBefore(lt.text, s.start) || lt.titleEndingAt(s.start) >= 0
}
