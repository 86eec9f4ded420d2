package sensitive

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// leadersHeader documents the columns at the top of a written table.
const leadersHeader = "# 姓名\t职务\t任职日期\t卸任日期\t排序\t状态\t曾用名\n" +
	"# name\ttitle\tfrom\tto\torder\tstatus\tformer names\n"

// ParseLeaders reads a leaders table in UTF-8 TSV, one row per title held:
//
//	name<TAB>title<TAB>from<TAB>to<TAB>order<TAB>status[<TAB>former names]
//
// Dates are YYYY-MM-DD; an empty from is an unknown start, an empty to a
// title still held. order is the protocol order in the unit while the
// title is held (lower comes first). status is serving, left or
// dismissed; dismissed may carry its day, dismissed:2024-05-10, and
// otherwise took effect on the person's last to. Former names are
// separated by 、 or commas. Rows of one name are one person. # comments
// and blank lines are skipped. A bad row is a *ParseError with its line
// and a Chinese message.
func ParseLeaders(source string, r io.Reader) (*Leaders, error) {
	p := &leadersParser{source: source, out: &Leaders{}, at: map[string]int{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		p.line++
		text := strings.TrimRight(sc.Text(), "\r")
		if p.line == 1 {
			text = strings.TrimPrefix(text, "\uFEFF")
		}
		if err := p.row(text); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &ParseError{Source: source, Line: p.line + 1, Msg: "读取失败：" + err.Error()}
	}
	p.settleDismissals()
	return p.out, nil
}

type leadersParser struct {
	source string
	line   int
	out    *Leaders
	at     map[string]int // name → index in out.Persons
	first  []int          // by person: the line of its first row
}

func (p *leadersParser) fail(format string, args ...any) error {
	return &ParseError{Source: p.source, Line: p.line, Msg: fmt.Sprintf(format, args...)}
}

// row parses one line into a term of its person.
func (p *leadersParser) row(line string) error {
	trimmed := strings.TrimSpace(line)
	switch {
	case !utf8.ValidString(line):
		return p.fail("不是有效的 UTF-8 文本，名单须为 UTF-8 编码")
	case trimmed == "" || strings.HasPrefix(trimmed, "#"):
		return nil
	}
	f := strings.Split(line, "\t")
	if len(f) < 6 || len(f) > 7 {
		return p.fail("应有 6 或 7 列（姓名、职务、任职日期、卸任日期、排序、状态[、曾用名]），实有 %d 列", len(f))
	}
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	var t Term
	var err error
	t.Title = f[1]
	if t.From, err = optionalDate(f[2]); err != nil {
		return p.fail("任职日期「%s」无效，%s", f[2], dateFormat)
	}
	if t.To, err = optionalDate(f[3]); err != nil {
		return p.fail("卸任日期「%s」无效，%s", f[3], dateFormat)
	}
	if t.Order, err = strconv.Atoi(f[4]); err != nil {
		return p.fail("排序「%s」应为整数", f[4])
	}
	person, err := p.person(f[0], f[5])
	if err != nil {
		return err
	}
	if len(f) == 7 {
		for _, n := range splitNames(f[6]) {
			if msg := checkName(n); msg != "" {
				return p.fail("曾用名：%s", msg)
			}
			person.FormerNames = appendNew(person.FormerNames, n)
		}
	}
	if msg := checkTerm(person, &t); msg != "" {
		return p.fail("%s", msg)
	}
	person.Terms = append(person.Terms, t)
	return nil
}

// person finds or adds the person named name with the given status
// (serving, left, dismissed or dismissed:YYYY-MM-DD).
func (p *leadersParser) person(name, status string) (*Leader, error) {
	if msg := checkName(name); msg != "" {
		return nil, p.fail("%s", msg)
	}
	var dismissed Date
	if s, day, ok := strings.Cut(status, ":"); ok && s == StatusDismissed {
		var err error
		if dismissed, err = ParseDate(strings.TrimSpace(day)); err != nil {
			return nil, p.fail("查处日期「%s」无效，%s", day, dateFormat)
		}
		status = s
	}
	i, seen := p.at[name]
	if !seen {
		i = len(p.out.Persons)
		p.at[name] = i
		p.first = append(p.first, p.line)
		p.out.Persons = append(p.out.Persons, Leader{Name: name, Status: status, Dismissed: dismissed})
	}
	person := &p.out.Persons[i]
	if person.Dismissed.IsZero() {
		person.Dismissed = dismissed
	}
	if person.Status != status || !dismissed.IsZero() && person.Dismissed != dismissed {
		return nil, p.fail("「%s」的状态与第 %d 行不一致", name, p.first[i])
	}
	return person, nil
}

// settleDismissals dates a dismissal without a day on the person's last
// term end.
func (p *leadersParser) settleDismissals() {
	for i := range p.out.Persons {
		person := &p.out.Persons[i]
		if person.Status != StatusDismissed || !person.Dismissed.IsZero() {
			continue
		}
		for _, t := range person.Terms {
			if person.Dismissed.Before(t.To) {
				person.Dismissed = t.To
			}
		}
	}
}

func optionalDate(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	return ParseDate(s)
}

// splitNames splits a list of names on 、 and commas.
func splitNames(s string) []string {
	var out []string
	for _, n := range strings.FieldsFunc(s, func(r rune) bool { return r == '、' || r == ',' || r == '，' }) {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// appendNew appends those of more that list lacks.
func appendNew(list []string, more ...string) []string {
	for _, s := range more {
		if !slices.Contains(list, s) {
			list = append(list, s)
		}
	}
	return list
}

// WriteTSV writes the table in the format ParseLeaders reads, one row per
// term, with a header comment; parsing the output gives the table back.
func (l *Leaders) WriteTSV(w io.Writer) error {
	b := bufio.NewWriter(w)
	b.WriteString(leadersHeader)
	for _, p := range l.Persons {
		status := p.Status
		if p.Status == StatusDismissed && !p.Dismissed.IsZero() {
			status += ":" + p.Dismissed.String()
		}
		for _, t := range p.Terms {
			fmt.Fprintf(b, "%s\t%s\t%s\t%s\t%d\t%s", p.Name, t.Title, t.From, t.To, t.Order, status)
			if len(p.FormerNames) > 0 {
				fmt.Fprintf(b, "\t%s", strings.Join(p.FormerNames, "、"))
			}
			b.WriteByte('\n')
		}
	}
	return b.Flush()
}
