package sensitive

import (
	"slices"
	"strings"
	"unicode"
)

// lists reports leaders listed against protocol order: runs of two or more
// serving leaders (each with the titles written with them) joined by 、,
// 和, 及 or — between titled items — a comma (市委书记张三，市长李四).
func (lt *leaderText) lists() {
	var run []*mention
	flush := func() {
		if len(run) >= 2 {
			lt.checkOrder(run)
		}
		run = run[:0]
	}
	for i := range lt.names {
		m := &lt.names[i]
		if !m.listed {
			flush()
			continue
		}
		if len(run) > 0 && !lt.joined(run[len(run)-1], m) {
			flush()
		}
		run = append(run, m)
	}
	flush()
}

// joined reports whether b follows a as the next item of a list.
func (lt *leaderText) joined(a, b *mention) bool {
	if b.elem.start < a.elem.end {
		return false
	}
	switch strings.TrimSpace(lt.text[a.elem.end:b.elem.start]) {
	case "、", "和", "及", "以及":
		return true
	case "，", ",":
		return a.titled() && b.titled() || lt.endsList(b)
	}
	return false
}

// listEnds follow the last name of a list (张三，李四出席); a comma between
// untitled names joins them only then, so 讲话的是张三，李四随后总结 is no
// list.
var listEnds = []string{"、", "和", "及", "等", "出席", "参加", "陪同", "一同", "分别", "共同", "同志"}

func (lt *leaderText) endsList(m *mention) bool {
	rest := strings.TrimLeftFunc(lt.text[m.elem.end:], unicode.IsSpace)
	for _, e := range listEnds {
		if strings.HasPrefix(rest, e) {
			return true
		}
	}
	return false
}

func (m *mention) titled() bool { return len(m.chain) > 0 || m.after >= 0 }

// checkOrder reports a list whose protocol orders are not ascending, with
// the items (titles kept with their names) reordered as the fix. Titles
// written only before the first name belong to the whole list (副市长
// 冯卫国、孙丽) and stay in front.
func (lt *leaderText) checkOrder(run []*mention) {
	sorted := slices.Clone(run)
	slices.SortStableFunc(sorted, func(a, b *mention) int { return a.order - b.order })
	if slices.Equal(sorted, run) {
		return
	}
	items := make([]span, len(run))
	shared := true
	for i, m := range run {
		items[i] = m.elem
		shared = shared && (i == 0 && m.after < 0 || i > 0 && !m.titled())
	}
	s := span{run[0].elem.start, run[len(run)-1].elem.end}
	if shared {
		items[0].start = run[0].start
	}
	var repl strings.Builder
	repl.WriteString(lt.text[s.start:items[0].start])
	names := make([]string, len(sorted))
	for i, m := range sorted {
		j := slices.Index(run, m)
		repl.WriteString(lt.text[items[j].start:items[j].end])
		if i+1 < len(run) {
			repl.WriteString(lt.text[items[i].end:items[i+1].start])
		}
		names[i] = lt.ix.persons[m.person].Name
	}
	order := strings.Join(names, "、")
	lt.add(s, LevelReview, LeaderOrder, order, "按排序应为："+order, repl.String())
}
