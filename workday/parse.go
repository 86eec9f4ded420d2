package workday

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind says how a listed date departs from the plain weekend rule.
type Kind uint8

const (
	Holiday Kind = iota + 1 // a rest day, whatever the weekday (放假)
	Workday                 // a working day, whatever the weekday (调休上班)
)

// String is the keyword used in holiday files.
func (k Kind) String() string {
	switch k {
	case Holiday:
		return "holiday"
	case Workday:
		return "workday"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Override marks one date as a holiday or an adjusted working day.
type Override struct {
	Date Date
	Kind Kind
	Name string // e.g. 春节, 春节调休; informational only
}

// CoveredYear declares that the data for Year is complete: without it a
// year counts as missing even if some of its dates are listed, so that a
// stray local override never passes for the State Council notice.
type CoveredYear struct {
	Year   int
	Source string // the notice the data comes from; informational only
}

// Overrides is the content of one holiday file.
type Overrides struct {
	Years []CoveredYear
	Days  []Override
}

// Years accepted in files: wide enough for any real notice, narrow enough
// to catch typos such as 20266.
const (
	minYear   = 2000
	maxYear   = 2100
	maxLine   = 4096
	maxErrors = 20
)

// ParseError is one bad line of a holiday file.
type ParseError struct {
	Line int
	Msg  string // Chinese, for administrators
	En   string // English, for logs
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("第%d行：%s (line %d: %s)", e.Line, e.Msg, e.Line, e.En)
}

// Parse reads a holiday file. Each non-blank line is `year YYYY [source]`
// or `YYYY-MM-DD holiday|workday [name]`; `#` starts a comment; a UTF-8
// byte-order mark is ignored. A date or year listed twice is an error.
// Errors name their line in Chinese and English; up to 20 are reported,
// joined, each a *ParseError.
func Parse(r io.Reader) (Overrides, error) {
	p := parser{days: map[Date]int{}, years: map[int]int{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 512), maxLine)
	for sc.Scan() && len(p.errs) < maxErrors {
		p.line++
		p.parseLine(sc.Text())
	}
	if err := sc.Err(); err != nil {
		p.fail(p.line+1, "行过长（超过 4096 字节）或无法读取", err.Error())
	}
	if len(p.errs) > 0 {
		return Overrides{}, errors.Join(p.errs...)
	}
	return p.out, nil
}

type parser struct {
	line  int
	out   Overrides
	days  map[Date]int // date → line it was listed on
	years map[int]int  // year → line it was declared on
	errs  []error
}

func (p *parser) fail(line int, zh, en string) {
	p.errs = append(p.errs, &ParseError{Line: line, Msg: zh, En: en})
}

func (p *parser) parseLine(s string) {
	if p.line == 1 {
		s = strings.TrimPrefix(s, "\uFEFF")
	}
	if !utf8.ValidString(s) {
		p.fail(p.line, "不是 UTF-8 编码，请将文件另存为 UTF-8（而非 GBK）", "not valid UTF-8")
		return
	}
	s, _, _ = strings.Cut(s, "#")
	f := strings.Fields(s)
	switch {
	case len(f) == 0:
	case f[0] == "year":
		p.parseYear(f)
	default:
		p.parseDay(f)
	}
}

func (p *parser) parseYear(f []string) {
	if len(f) < 2 {
		p.fail(p.line, "year 后缺少年份，应为 year YYYY", "year without a year: want `year YYYY`")
		return
	}
	y, err := strconv.Atoi(f[1])
	if err != nil || len(f[1]) != 4 || y < minYear || y > maxYear {
		p.fail(p.line, fmt.Sprintf("年份 %q 无效，应为 %d–%d 之间的四位数", f[1], minYear, maxYear),
			fmt.Sprintf("bad year %q: want %d-%d", f[1], minYear, maxYear))
		return
	}
	if prev, dup := p.years[y]; dup {
		p.fail(p.line, fmt.Sprintf("年份 %d 已在第%d行声明", y, prev), fmt.Sprintf("year %d already declared on line %d", y, prev))
		return
	}
	p.years[y] = p.line
	p.out.Years = append(p.out.Years, CoveredYear{Year: y, Source: strings.Join(f[2:], " ")})
}

func (p *parser) parseDay(f []string) {
	t, err := time.Parse(time.DateOnly, f[0])
	if err != nil || t.Year() < minYear || t.Year() > maxYear {
		p.fail(p.line, fmt.Sprintf("无法识别的日期 %q，应为 %d–%d 年间的 YYYY-MM-DD，如 2026-02-15", f[0], minYear, maxYear),
			fmt.Sprintf("bad date %q: want YYYY-MM-DD in %d-%d", f[0], minYear, maxYear))
		return
	}
	d := Date{t.Year(), t.Month(), t.Day()}
	if len(f) < 2 {
		p.fail(p.line, "日期后缺少类型，应为 holiday（放假）或 workday（调休上班）", "missing kind: want holiday or workday")
		return
	}
	k, ok := parseKind(f[1])
	if !ok {
		p.fail(p.line, fmt.Sprintf("未知类型 %q，应为 holiday（放假）或 workday（调休上班）", f[1]),
			fmt.Sprintf("unknown kind %q: want holiday or workday", f[1]))
		return
	}
	if prev, dup := p.days[d]; dup {
		p.fail(p.line, fmt.Sprintf("日期 %s 与第%d行重复", d, prev), fmt.Sprintf("date %s already listed on line %d", d, prev))
		return
	}
	p.days[d] = p.line
	p.out.Days = append(p.out.Days, Override{Date: d, Kind: k, Name: strings.Join(f[2:], " ")})
}

func parseKind(s string) (Kind, bool) {
	switch s {
	case "holiday":
		return Holiday, true
	case "workday":
		return Workday, true
	}
	return 0, false
}

// WriteTo writes o in the format Parse reads, so that overrides kept in
// the database can be exported and re-imported unchanged.
func (o Overrides) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	for _, y := range o.Years {
		b.WriteString(strings.TrimSpace(fmt.Sprintf("year %d %s", y.Year, y.Source)) + "\n")
	}
	for _, d := range o.Days {
		b.WriteString(strings.TrimSpace(fmt.Sprintf("%s %s %s", d.Date, d.Kind, d.Name)) + "\n")
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}
