package sensitive

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// nearNames reports a name one character off a leader's, written next to
// a title that leader holds on the date (副市长李泗 when 李四 is 副市长).
// Only titles without a known name next to them are looked at, and only
// current names are suggested (a former name is matched as the person).
func (lt *leaderText) nearNames() {
	for k := range lt.titles {
		t := &lt.titles[k]
		if t.used || len(lt.ix.holders[t.title]) == 0 || formerBefore(lt.text, t.start) {
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
	runes, bounds := lt.window(t, after)
	var names []string
	var at span
	for _, i := range lt.ix.holders[t.title] {
		name := lt.ix.names[i]
		k := len(name)
		if k > len(runes) || !oneOff(runes[:k], name, after) {
			continue
		}
		s := span{t.end, bounds[k-1]}
		if !after {
			s = span{bounds[k-1], t.start}
		}
		p := &lt.ix.persons[i]
		if p.dismissedBy(lt.on) || !lt.holdsOn(i, t.title) || !lt.standsAlone(s, after) {
			continue
		}
		if len(names) == 0 {
			at = span{min(s.start, t.start), max(s.end, t.end)}
			names = append(names, lt.text[at.start:s.start]+p.Name+lt.text[s.end:at.end])
		}
		names = append(names, p.Name)
	}
	if len(names) == 0 {
		return false
	}
	lt.add(at, LevelReview, LeaderNearName, names[1], "是否为「"+strings.Join(names[1:], "」或「")+"」？", names[0])
	return true
}

// window returns up to the longest name's length of the Han characters
// right after title t (or right before it, nearest first), normalized,
// and the byte offset where each ends (or, before, starts).
func (lt *leaderText) window(t *titleHit, after bool) ([]rune, []int) {
	var runes [8]rune
	var bounds [8]int
	n, i := 0, t.end
	if !after {
		i = t.start
	}
	for n < min(lt.ix.longest, len(runes)) {
		var r rune
		var size int
		if after {
			r, size = utf8.DecodeRuneInString(lt.text[i:])
			i += size
		} else {
			r, size = utf8.DecodeLastRuneInString(lt.text[:i])
			i -= size
		}
		if size == 0 || !unicode.Is(unicode.Han, r) {
			break
		}
		runes[n], bounds[n] = lt.ix.norm.normalize(r), i
		n++
	}
	return runes[:n:n], bounds[:n:n]
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

// oneOff reports whether the characters next to a title (nearest first
// when before it) differ from name in exactly one, and that one is not a
// character that usually starts the next word (副市长李在会上 is not 李四).
func oneOff(got, name []rune, after bool) bool {
	diff := -1
	for i, r := range name {
		g := got[i]
		if !after {
			g = got[len(name)-1-i]
		}
		if g != r {
			if diff >= 0 {
				return false
			}
			diff = i
		}
	}
	if diff < 0 {
		return false
	}
	if !after {
		diff = len(name) - 1 - diff
	}
	return !strings.ContainsRune(nearStop, got[diff])
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
