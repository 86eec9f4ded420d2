package sensitive

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Statuses of a leader in a table.
const (
	StatusServing   = "serving"   // holds the titles whose terms are open
	StatusLeft      = "left"      // retired or transferred: every term has ended
	StatusDismissed = "dismissed" // 落马: removed for discipline or crime
)

// Leaders is a unit's table of leaders: who holds which title from when
// to when, in which protocol order, and who has left or been dismissed.
// The checker judges names and titles in a text against it as of a date.
//
// It is plain data (JSON-tagged) so a table can be stored per unit and
// versioned; Merge combines a unit's table with its ancestors'. A table
// must not change once it has been used in a check: the checker compiles
// each *Leaders once and keeps the result while the pointer lives.
type Leaders struct {
	Persons []Leader `json:"persons"`
}

// Leader is one person of a table.
type Leader struct {
	Name        string   `json:"name"`
	FormerNames []string `json:"former_names,omitempty"` // matched as the person too
	Status      string   `json:"status"`                 // serving, left or dismissed
	// Dismissed is the day a dismissed leader was removed; from then on a
	// mention with a title is blocked and any mention is reviewed.
	Dismissed Date   `json:"dismissed,omitzero"`
	Terms     []Term `json:"terms"`
}

// Term is one title held for a time.
type Term struct {
	Title string `json:"title"`
	From  Date   `json:"from,omitzero"` // the first day held; zero when unknown
	To    Date   `json:"to,omitzero"`   // the day it ended (no longer held); zero while held
	Order int    `json:"order"`         // protocol order in the unit while held: lower comes first
}

// heldOn reports whether the title is held on day d.
func (t *Term) heldOn(d Date) bool {
	return !d.Before(t.From) && (t.To.IsZero() || d.Before(t.To))
}

// dismissedBy reports whether p had been dismissed by day d.
func (p *Leader) dismissedBy(d Date) bool {
	return p.Status == StatusDismissed && !d.Before(p.Dismissed)
}

// orderOn is p's protocol order on day d: the earliest of the titles held
// then; ok is false when p holds none.
func (p *Leader) orderOn(d Date) (order int, ok bool) {
	for i := range p.Terms {
		if t := &p.Terms[i]; t.heldOn(d) && (!ok || t.Order < order) {
			order, ok = t.Order, true
		}
	}
	return order, ok
}

// Merge combines tables, the supervising units first and the unit itself
// last: a supervising unit's leaders come before the unit's own in
// protocol order (orders are shifted past the previous tables'). A name
// in several tables is one person holding all those titles, dismissed if
// any table says so. The tables are not changed.
func Merge(tables ...*Leaders) *Leaders {
	out := &Leaders{}
	at := map[string]int{}
	offset := 0
	for _, t := range tables {
		if t == nil {
			continue
		}
		top := 0
		for _, p := range t.Persons {
			i, seen := at[p.Name]
			if !seen {
				i = len(out.Persons)
				at[p.Name] = i
				out.Persons = append(out.Persons, Leader{Name: p.Name, Status: p.Status, Dismissed: p.Dismissed})
			}
			q := &out.Persons[i]
			q.merge(&p)
			for _, term := range p.Terms {
				top = max(top, term.Order)
				term.Order += offset
				q.Terms = append(q.Terms, term)
			}
		}
		offset += top
	}
	return out
}

// merge takes p's former names and status into q (q already has p's
// name): dismissed wins over serving, serving over left.
func (q *Leader) merge(p *Leader) {
	q.FormerNames = appendNew(q.FormerNames, p.FormerNames...)
	switch {
	case q.Status == StatusDismissed:
	case p.Status == StatusDismissed, p.Status == StatusServing:
		q.Status, q.Dismissed = p.Status, p.Dismissed
	}
}

// Validate reports the first inconsistency of a table built other than by
// ParseLeaders (from JSON, say), in Chinese for the operator.
func (l *Leaders) Validate() error {
	seen := map[string]bool{}
	for i := range l.Persons {
		p := &l.Persons[i]
		if seen[p.Name] {
			return fmt.Errorf("「%s」在名单中出现了两次，同一人的多个职务应写在同一条记录中", p.Name)
		}
		seen[p.Name] = true
		if len(p.Terms) == 0 {
			return fmt.Errorf("「%s」没有任何职务", p.Name)
		}
		for _, n := range append([]string{p.Name}, p.FormerNames...) {
			if msg := checkName(n); msg != "" {
				return fmt.Errorf("%s", msg)
			}
		}
		for j := range p.Terms {
			if msg := checkTerm(p, &p.Terms[j]); msg != "" {
				return fmt.Errorf("%s", msg)
			}
		}
		if p.Status == StatusDismissed && p.Dismissed.IsZero() {
			return fmt.Errorf("「%s」状态为落马（dismissed），但没有查处日期", p.Name)
		}
	}
	return nil
}

// checkName returns what is wrong with a name, or "".
func checkName(n string) string {
	switch {
	case utf8.RuneCountInString(n) < 2:
		return fmt.Sprintf("姓名「%s」过短：至少两个字，否则会误报", n)
	case strings.ContainsAny(n, " \t、,，"):
		return fmt.Sprintf("姓名「%s」含有空格或分隔符", n)
	}
	return ""
}

// checkTerm returns what is wrong with one term of p, or "".
func checkTerm(p *Leader, t *Term) string {
	switch {
	case utf8.RuneCountInString(strings.TrimSpace(t.Title)) < 2:
		return fmt.Sprintf("「%s」的职务「%s」过短：至少两个字", p.Name, t.Title)
	case !t.To.IsZero() && !t.From.Before(t.To):
		return fmt.Sprintf("「%s」任「%s」的卸任日期 %s 不晚于任职日期 %s", p.Name, t.Title, t.To, t.From)
	case t.Order < 0:
		return fmt.Sprintf("「%s」任「%s」的排序 %d 不能为负数", p.Name, t.Title, t.Order)
	case p.Status != StatusServing && p.Status != StatusLeft && p.Status != StatusDismissed:
		return fmt.Sprintf("「%s」的状态「%s」无效，应为 serving（在任）、left（离任）或 dismissed（落马）", p.Name, p.Status)
	case p.Status != StatusServing && t.To.IsZero():
		return fmt.Sprintf("「%s」已离任或落马，其职务「%s」须填写卸任日期", p.Name, t.Title)
	}
	return ""
}
