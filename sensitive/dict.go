package sensitive

import (
	"bufio"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"
	"unicode/utf8"
)

// Levels of a finding.
const (
	LevelBlock  = "block"  // must be fixed before sign-off
	LevelReview = "review" // signers must see it
	LevelNotice = "notice" // informational
)

var levelRank = map[string]int{LevelNotice: 1, LevelReview: 2, LevelBlock: 3}

// Categories a dictionary entry may have.
const (
	CategorySecret         = "secret"          // 涉密标识
	CategoryAd             = "ad"              // commercial advertising
	CategoryExpression     = "expression"      // 严重表述错误, with the correct form
	CategorySensitiveTopic = "sensitive_topic" // raises the sign-off tier to principal
	CategoryVulgar         = "vulgar"
	CategoryPolitical      = "political" // never shipped: each office loads its own
	CategoryCustom         = "custom"
)

// Categories lists every dictionary category.
var Categories = []string{CategorySecret, CategoryAd, CategoryExpression, CategorySensitiveTopic, CategoryVulgar,
	CategoryPolitical, CategoryCustom}

// Kinds of finding.
const (
	KindWord       = "word"
	KindExpression = "expression"
	KindSecret     = "secret"
	KindAd         = "ad"
	KindPII        = "pii"
	KindLeader     = "leader" // names, titles and order against a leaders table
)

// Entry is one dictionary line.
type Entry struct {
	Word       string
	Category   string
	Level      string
	Suggestion string
	Source     string // file:line, for administrators tracing a rule
}

// Kind is how a finding of this entry is reported: secret, ad and
// expression have their own kinds; every other category is a "word".
func (e *Entry) Kind() string {
	switch e.Category {
	case CategorySecret, CategoryAd, CategoryExpression:
		return e.Category
	}
	return KindWord
}

// Replacement is the text that may replace a match in one click: the
// correct form an expression rule suggests, up to any note in full-width
// brackets (工商局 → 市场监督管理局（以当地“三定”为准）). Advice that is not a
// drop-in form (a sentence, an ellipsis) and other categories give none.
func (e *Entry) Replacement() string {
	if e.Category != CategoryExpression {
		return ""
	}
	r, _, _ := strings.Cut(e.Suggestion, "（")
	if r = strings.TrimSpace(r); strings.ContainsAny(r, "，。；…") || strings.Contains(r, "请") {
		return ""
	}
	return r
}

// Dictionary is a merged set of entries and allowed phrases.
type Dictionary struct {
	Entries []Entry
	Allow   []string
}

// MergeDictionaries returns the entries and allowed phrases of ds in
// order (nil ones skipped), as one dictionary.
func MergeDictionaries(ds ...*Dictionary) *Dictionary {
	merged := &Dictionary{}
	for _, d := range ds {
		if d != nil {
			merged.Entries = append(merged.Entries, d.Entries...)
			merged.Allow = append(merged.Allow, d.Allow...)
		}
	}
	return merged
}

// ParseError names the file and line of a bad dictionary line.
type ParseError struct {
	Source string
	Line   int
	Msg    string
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %s", e.Source, e.Line, e.Msg) }

// Parse reads one TSV dictionary: `word<TAB>category<TAB>level[<TAB>suggestion]`,
// `#` comments, blank lines, and `!phrase` lines allowing a phrase.
func (d *Dictionary) Parse(source string, r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if n == 1 {
			line = strings.TrimPrefix(line, "\uFEFF")
		}
		if err := d.parseLine(source, n, line); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return &ParseError{Source: source, Line: n + 1, Msg: err.Error()}
	}
	return nil
}

func (d *Dictionary) parseLine(source string, n int, line string) error {
	bad := func(format string, args ...any) error {
		return &ParseError{Source: source, Line: n, Msg: fmt.Sprintf(format, args...)}
	}
	trimmed := strings.TrimSpace(line)
	switch {
	case !utf8.ValidString(line):
		return bad("不是 UTF-8 编码，请将文件另存为 UTF-8（词典须为 UTF-8 编码）")
	case trimmed == "" || strings.HasPrefix(trimmed, "#"):
		return nil
	case strings.HasPrefix(trimmed, "!"):
		if p := strings.TrimSpace(trimmed[1:]); p != "" {
			d.Allow = append(d.Allow, p)
		}
		return nil
	}
	f := strings.Split(line, "\t")
	if len(f) < 3 || len(f) > 4 {
		return bad("应为 词语、类别、级别[、建议] 三到四栏，用制表符（Tab）分隔，这一行有 %d 栏（字段数不对）", len(f))
	}
	e := Entry{Word: strings.TrimSpace(f[0]), Category: strings.TrimSpace(f[1]), Level: strings.TrimSpace(f[2]),
		Source: fmt.Sprintf("%s:%d", source, n)}
	if len(f) == 4 {
		e.Suggestion = strings.TrimSpace(f[3])
	}
	switch {
	case e.Word == "":
		return bad("第一栏没有词语（词语为空）")
	case levelRank[e.Level] == 0:
		return bad("级别「%s」无效，应为 block（禁止发布）、review（需复核）或 notice（提示）（级别无效）", e.Level)
	case !validCategory(e.Category):
		return bad("类别「%s」无效，应为 %s 之一（类别无效）", e.Category, strings.Join(Categories, "、"))
	}
	d.Entries = append(d.Entries, e)
	return nil
}

func validCategory(c string) bool {
	for _, x := range Categories {
		if x == c {
			return true
		}
	}
	return false
}

//go:embed dict/*.tsv
var defaultDicts embed.FS

// DefaultDictionary returns the dictionaries shipped with Tongfa: secret
// markers, advertising, expression errors and sensitive topics.
func DefaultDictionary() *Dictionary {
	d := &Dictionary{}
	names, _ := fs.Glob(defaultDicts, "dict/*.tsv")
	sort.Strings(names)
	for _, n := range names {
		f, _ := defaultDicts.Open(n)
		if err := d.Parse(n, f); err != nil {
			panic("sensitive: shipped dictionary: " + err.Error())
		}
		f.Close()
	}
	return d
}

// ReadDictionaryFile parses the dictionary file at path.
func ReadDictionaryFile(path string) (*Dictionary, error) {
	r, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	d := &Dictionary{}
	return d, d.Parse(path, r)
}
