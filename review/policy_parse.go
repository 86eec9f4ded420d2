package review

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/tongfa/tongfa"
)

//go:embed policy.default.yaml
var defaultPolicyYAML []byte

var defaultPolicy = sync.OnceValue(func() *Policy {
	p := &Policy{Categories: map[string]tongfa.Tier{}}
	if err := p.apply(defaultPolicyYAML); err != nil {
		panic("review: embedded policy.default.yaml: " + err.Error())
	}
	return p
})

// DefaultPolicy returns a fresh copy of the embedded default policy.
func DefaultPolicy() *Policy { return defaultPolicy().clone() }

func (p *Policy) clone() *Policy {
	c := *p
	c.ApprovedSources = slices.Clone(p.ApprovedSources)
	c.Categories = maps.Clone(p.Categories)
	c.TOTPRequired = slices.Clone(p.TOTPRequired)
	return &c
}

// ParsePolicy reads a unit's override on top of the default: keys it sets
// replace the default's, approved_sources as a whole list, categories entry
// by entry (set a category to routine to neutralise it). Unknown or
// repeated keys, empty values, unknown tiers and non-positive durations are
// refused; each error is a *PolicyError naming the key and line.
func ParsePolicy(b []byte) (*Policy, error) {
	p := DefaultPolicy()
	if err := p.apply(b); err != nil {
		return nil, err
	}
	return p, nil
}

// PolicyError is one problem in a policy file. Key is the dotted path
// (e.g. reminders.pending), so the API can attach the message to a field.
type PolicyError struct {
	Key  string
	Line int    // 0 when unknown
	Msg  string // Chinese, for administrators
	En   string // English, for logs
}

func (e *PolicyError) Error() string {
	where, at := "审签策略", "policy"
	if e.Line > 0 {
		where, at = fmt.Sprintf("审签策略第%d行", e.Line), fmt.Sprintf("policy line %d", e.Line)
	}
	if e.Key != "" {
		where, at = where+"「"+e.Key+"」", at+" "+e.Key
	}
	return fmt.Sprintf("%s：%s (%s: %s)", where, e.Msg, at, e.En)
}

// loader carries the state of one apply: where each key was seen, and
// every error so far so that an administrator fixes them all at once.
type loader struct {
	p     *Policy
	lines map[string]int
	errs  []*PolicyError
}

func (l *loader) fail(key string, line int, zh, en string) {
	l.errs = append(l.errs, &PolicyError{Key: key, Line: line, Msg: zh, En: en})
}

func (p *Policy) apply(b []byte) error {
	l := &loader{p: p, lines: map[string]int{}}
	root, err := parseDocument(b)
	switch {
	case err != nil:
		return err
	case root != nil && root.Kind != yaml.MappingNode:
		l.fail("", root.Line, "顶层应为「键: 值」形式的配置", "top level must be a mapping")
	case root != nil:
		l.walk("", root)
	}
	l.validate()
	slices.SortStableFunc(l.errs, func(a, b *PolicyError) int { return a.Line - b.Line })
	errs := make([]error, len(l.errs))
	for i, e := range l.errs {
		errs[i] = e
	}
	return errors.Join(errs...)
}

// parseDocument returns the root node, or nil for an empty override.
func parseDocument(b []byte) (*yaml.Node, error) {
	var doc, extra yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
		return nil, nil
	} else if err != nil {
		return nil, syntaxError(err)
	}
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, &PolicyError{Msg: "只能包含一个 YAML 文档（去掉多余的 ---）", En: "more than one YAML document"}
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

func syntaxError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
	}
	return &PolicyError{Line: line, Msg: "不是有效的 YAML，请检查缩进（只能用空格，不能用 Tab）、冒号和引号", En: msg}
}
