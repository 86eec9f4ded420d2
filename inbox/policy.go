package inbox

import (
	"bytes"
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed policy.default.yaml
var defaultPolicy []byte

// Policy classifies messages and gives each class its reply deadline in
// working days.
type Policy struct {
	Default struct {
		Class     string     `yaml:"class"`
		Days      int        `yaml:"days"`
		Templates []Template `yaml:"templates"`
	} `yaml:"default"`
	Classes []Class `yaml:"classes"`
}

// Template is a ready answer an operator starts from.
type Template struct {
	Title string `yaml:"title" json:"title"`
	Text  string `yaml:"text" json:"text"`
}

// Class is one class with the rules that select it.
type Class struct {
	Name     string   `yaml:"name"`
	Days     int      `yaml:"days"`
	Kinds    []string `yaml:"kinds"`    // message kinds that always get this class
	Keywords []string `yaml:"keywords"` // any of these in the text
	Patterns []string `yaml:"patterns"` // or a regular expression
	// Templates are answers an operator may start from.
	Templates []Template `yaml:"templates"`

	res []*regexp.Regexp
}

// DefaultPolicy is the embedded policy.
func DefaultPolicy() *Policy {
	p, err := ParsePolicy(defaultPolicy)
	if err != nil {
		panic("inbox: embedded policy: " + err.Error())
	}
	return p
}

// ParsePolicy reads and checks a policy file.
func ParsePolicy(b []byte) (*Policy, error) {
	var p Policy
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("留言分类策略格式错误：%w", err)
	}
	if p.Default.Class == "" || p.Default.Days <= 0 {
		return nil, fmt.Errorf("留言分类策略须给出默认分类和答复时限（default.class, default.days）")
	}
	seen := map[string]bool{p.Default.Class: true}
	for i := range p.Classes {
		c := &p.Classes[i]
		switch {
		case c.Name == "":
			return nil, fmt.Errorf("第 %d 个分类缺少名称", i+1)
		case seen[c.Name]:
			return nil, fmt.Errorf("分类「%s」重复", c.Name)
		case c.Days <= 0 || c.Days > 60:
			return nil, fmt.Errorf("分类「%s」的答复时限须为 1–60 个工作日", c.Name)
		case len(c.Kinds)+len(c.Keywords)+len(c.Patterns) == 0:
			return nil, fmt.Errorf("分类「%s」没有任何规则", c.Name)
		}
		seen[c.Name] = true
		for _, pat := range c.Patterns {
			re, err := regexp.Compile(pat)
			if err != nil {
				return nil, fmt.Errorf("分类「%s」的正则 %q 有误：%v", c.Name, pat, err)
			}
			c.res = append(c.res, re)
		}
	}
	return &p, nil
}

// Templates returns the answer templates of class (the default class's
// when the class has none).
func (p *Policy) Templates(class string) []Template {
	for _, c := range p.Classes {
		if c.Name == class && len(c.Templates) > 0 {
			return c.Templates
		}
	}
	return p.Default.Templates
}

// Verdict is a classification and the rule behind it.
type Verdict struct {
	Class string `json:"class"`
	Days  int    `json:"days"`
	Rule  string `json:"rule"` // in Chinese, shown to the operator
}

// Classify returns the class of a message of kind with text.
func (p *Policy) Classify(kind, text string) Verdict {
	for _, c := range p.Classes {
		if slices.Contains(c.Kinds, kind) {
			return Verdict{c.Name, c.Days, "消息类型「" + kindLabel(kind) + "」"}
		}
		for _, k := range c.Keywords {
			if strings.Contains(text, k) {
				return Verdict{c.Name, c.Days, "关键词「" + k + "」"}
			}
		}
		for i, re := range c.res {
			if re.MatchString(text) {
				return Verdict{c.Name, c.Days, "规则 " + c.Patterns[i]}
			}
		}
	}
	return Verdict{p.Default.Class, p.Default.Days, "未命中任何规则，按默认分类"}
}

// Days returns the reply deadline of a class in working days.
func (p *Policy) Days(class string) (int, bool) {
	if class == p.Default.Class {
		return p.Default.Days, true
	}
	for _, c := range p.Classes {
		if c.Name == class {
			return c.Days, true
		}
	}
	return 0, false
}

func kindLabel(kind string) string {
	switch kind {
	case "error_report":
		return "网站找错"
	case "message":
		return "私信"
	}
	return "评论"
}
