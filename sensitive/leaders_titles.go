package sensitive

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// titleVerdict is what one written title says about a person on the date.
type titleVerdict struct {
	k     int   // index in titles
	held  bool  // a title they hold
	ended *Term // else the latest term of it that had ended, if any
	later *Term // else a term of it that starts after the date, if any
}

// checkTitles reports the titles written with mention m that the person
// does not hold on the date, as one finding over the name and its titles;
// the fix puts titles they hold in place of the wrong ones.
func (lt *leaderText) checkTitles(m *mention, p *Leader) {
	var ks []int // in text order: the chain before the name, then the one after
	if !m.former {
		ks = append(ks, m.chain...)
		slices.Reverse(ks)
	}
	if m.after >= 0 {
		ks = append(ks, m.after)
	}
	vs := make([]titleVerdict, len(ks))
	wrong := false
	for i, k := range ks {
		vs[i] = lt.verdict(m.person, k)
		wrong = wrong || !vs[i].held
	}
	if !wrong {
		return
	}
	s := m.elem
	if m.former {
		s.start = m.start
	}
	repl := lt.fixTitles(m, vs)
	category, msg := lt.titleMessage(p, vs, repl)
	lt.add(s, LevelBlock, category, p.Name, msg, repl)
}

// verdict judges title k for persons[person].
func (lt *leaderText) verdict(person int32, k int) titleVerdict {
	p, title := &lt.ix.persons[person], lt.titles[k].title
	v := titleVerdict{k: k}
	for i := range p.Terms {
		term := &p.Terms[i]
		switch {
		case !accepts(lt.ix.terms[person][i], title):
		case term.heldOn(lt.on):
			return titleVerdict{k: k, held: true}
		case !term.To.IsZero() && !lt.on.Before(term.To):
			if v.ended == nil || v.ended.To.Before(term.To) {
				v.ended = term
			}
		default:
			v.later = term
		}
	}
	return v
}

// fixTitles rewrites the name with its titles: a held title stays as
// written, a wrong one becomes a title held and not yet written (the
// closest: 副市长 for 市长) or is dropped when none is left. "" when no
// title would remain.
func (lt *leaderText) fixTitles(m *mention, vs []titleVerdict) string {
	used := map[int]bool{}
	for _, v := range vs {
		if v.held {
			used[lt.spareTerm(m.person, lt.titles[v.k].title, used, true)] = true
		}
	}
	render := func(v titleVerdict) (string, bool) {
		t := lt.titles[v.k]
		if v.held {
			return lt.text[t.start:t.end], true
		}
		j := lt.spareTerm(m.person, t.title, used, false)
		if j < 0 {
			return "", false
		}
		used[j] = true
		return lt.unwritten(lt.ix.persons[m.person].Terms[j].Title, t.start), true
	}
	nBefore := len(vs)
	if m.after >= 0 {
		nBefore--
	}
	var before []string
	for _, v := range vs[:nBefore] {
		if s, ok := render(v); ok {
			before = append(before, s)
		}
	}
	var b strings.Builder
	if len(before) > 0 {
		b.WriteString(strings.Join(before, lt.chainSeparator(m)))
		b.WriteString(lt.text[lt.titles[m.chain[0]].end:m.start])
	}
	b.WriteString(lt.text[m.start:m.end])
	kept := len(before)
	if m.after >= 0 {
		if s, ok := render(vs[nBefore]); ok {
			if !vs[nBefore].held {
				s = lt.ix.shortTitle(s)
			}
			b.WriteString(lt.text[m.end:lt.titles[m.after].start] + s)
			kept++
		}
	}
	if kept == 0 {
		return ""
	}
	return b.String()
}

// unwritten is title without the part of it the text already has right
// before byte at: 市人大常委会副主任 becomes 市人大常委会主任 by putting 主任
// for 副主任, not 市人大常委会主任.
func (lt *leaderText) unwritten(title string, at int) string {
	head := lt.text[:at]
	for k := len(title) - 1; k > 0; k-- {
		if utf8.RuneStart(title[k]) && strings.HasSuffix(head, title[:k]) {
			return title[k:]
		}
	}
	return title
}

// spareTerm returns the index of the term of persons[person] held on the
// date that best stands for written: with accepting, one that accepts it;
// otherwise the unused one with the longest common ending, then the
// earliest in order. -1 when there is none.
func (lt *leaderText) spareTerm(person int32, written string, used map[int]bool, accepting bool) int {
	p := &lt.ix.persons[person]
	best, bestLen := -1, -1
	for i := range p.Terms {
		title := lt.ix.terms[person][i]
		if !p.Terms[i].heldOn(lt.on) || used[i] || accepting && !accepts(title, written) {
			continue
		}
		n := commonSuffix(title, written)
		if n > bestLen || n == bestLen && p.Terms[i].Order < p.Terms[best].Order {
			best, bestLen = i, n
		}
	}
	return best
}

// chainSeparator is what joins the titles before the name (、 or 兼).
func (lt *leaderText) chainSeparator(m *mention) string {
	if len(m.chain) < 2 {
		return "、"
	}
	return strings.TrimSpace(lt.text[lt.titles[m.chain[1]].end:lt.titles[m.chain[0]].start])
}

// titleMessage says what is wrong with each title and what p holds; a
// mention whose wrong titles were all held once is a former_title one.
func (lt *leaderText) titleMessage(p *Leader, vs []titleVerdict, repl string) (category, msg string) {
	var parts []string
	category, past := LeaderFormer, ""
	for _, v := range vs {
		t := lt.titles[v.k].title
		switch {
		case v.held:
			continue
		case v.ended != nil:
			parts = append(parts, fmt.Sprintf("已于%s卸任%s", v.ended.To.chinese(), t))
			if past == "" {
				past = t
			}
		case v.later != nil:
			parts = append(parts, fmt.Sprintf("自%s起任%s，%s时尚未任职", v.later.From.chinese(), t, lt.on.chinese()))
			category = LeaderTitle
		default:
			parts = append(parts, "未担任"+t)
			category = LeaderTitle
		}
	}
	msg = p.Name + strings.Join(parts, "，")
	switch current := lt.currentTitles(p); {
	case current != "" && repl != "":
		msg += fmt.Sprintf("；现任%s，应为「%s」", current, repl)
	case current != "":
		msg += "；现任" + current
	case past != "":
		msg += fmt.Sprintf("；如指其任职期间，请写「原%s」或「时任%s」", past, past)
	default:
		msg += "；现无职务"
	}
	return category, msg
}

// commonSuffix is the length in bytes of the longest common ending of a
// and b, on rune boundaries.
func commonSuffix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	for n > 0 && n < len(a) && a[len(a)-n]&0xC0 == 0x80 {
		n--
	}
	return n
}

// currentTitles lists the titles p holds on the date, in protocol order.
func (lt *leaderText) currentTitles(p *Leader) string {
	var held []Term
	for _, t := range p.Terms {
		if t.heldOn(lt.on) {
			held = append(held, t)
		}
	}
	slices.SortStableFunc(held, func(a, b Term) int { return a.Order - b.Order })
	titles := make([]string, len(held))
	for i, t := range held {
		titles[i] = t.Title
	}
	return strings.Join(titles, "、")
}
