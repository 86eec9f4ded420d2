package review

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/tongfa/tongfa"
)

// fields maps every settable key to the field it sets. The walk below
// uses it instead of yaml struct decoding so that each error can name its
// key and line in Chinese.
func (p *Policy) fields() map[string]any {
	return map[string]any{
		"strict":                   &p.Strict,
		"supervising_principal":    &p.SupervisingPrincipal,
		"approved_sources":         &p.ApprovedSources,
		"categories":               &p.Categories,
		"urgent":                   &p.Urgent,
		"exemption":                &p.Exemption,
		"unapproved_source":        &p.UnapprovedSource,
		"reminders.pending":        &p.Reminders.Pending,
		"reminders.urgent_pending": &p.Reminders.UrgentPending,
		"answers.signoff":          &p.Answers.Signoff,
		"answers.tier":             &p.Answers.Tier,
		"totp_required":            &p.TOTPRequired,
	}
}

func (l *loader) walk(prefix string, n *yaml.Node) {
	fields := l.p.fields()
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := prefix + k.Value
		_, dup := l.lines[key]
		switch {
		case dup:
			l.fail(key, k.Line, "配置项重复", "duplicate key")
		case k.Kind == yaml.ScalarNode && fields[key] != nil:
			l.set(key, v, fields[key])
		case k.Kind == yaml.ScalarNode && len(keysAt(fields, key+".")) > 0:
			l.group(key, v)
		default:
			l.fail(key, k.Line, "未知的配置项，可用的有："+strings.Join(keysAt(fields, prefix), "、"), "unknown key")
		}
		l.lines[key] = k.Line
	}
}

// keysAt lists the next path segments of the keys under prefix.
func keysAt(fields map[string]any, prefix string) []string {
	var out []string
	for k := range fields {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			seg, _, _ := strings.Cut(rest, ".")
			out = append(out, seg)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (l *loader) group(key string, v *yaml.Node) {
	if v.Kind != yaml.MappingNode {
		l.fail(key, v.Line, "应为下级配置，如 "+keysAt(l.p.fields(), key+".")[0]+": …", "want a mapping")
		return
	}
	l.walk(key+".", v)
}

func (l *loader) set(key string, v *yaml.Node, target any) {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		l.fail(key, v.Line, "缺少取值（空列表请写 []）", "no value")
		return
	}
	if m, ok := target.(*map[string]tongfa.Tier); ok {
		l.categories(key, v, m)
		return
	}
	if err := v.Decode(target); err != nil {
		zh, en := want(target)
		l.fail(key, v.Line, zh, en)
	}
}

func want(target any) (zh, en string) {
	switch target.(type) {
	case *bool:
		return "应为 true 或 false", "want true or false"
	case *time.Duration:
		return "应为时长，如 4h、30m、10m", "want a duration such as 4h or 10m"
	case *[]string:
		return "应为单位名称列表，如 [市融媒体中心, 省人民政府办公厅]", "want a list of names"
	case *[]tongfa.Role:
		return roleHint, "want a list of roles"
	}
	return tierHint, "want routine, deputy or principal"
}

const roleHint = "应为角色列表，如 [admin, deputy, principal]（editor、reviewer、deputy、principal、admin、auditor、sysadmin）"

const tierHint = "应为 routine（审核员审核）、deputy（分管领导审签）或 principal（主要领导审签）"

// categories merges entries into the map: a unit adds or changes
// categories without restating the default's.
func (l *loader) categories(key string, v *yaml.Node, m *map[string]tongfa.Tier) {
	if v.Kind != yaml.MappingNode {
		l.fail(key, v.Line, "应为「类别: 级别」形式，如 sensitive_topic: principal", "want a mapping of category to tier")
		return
	}
	if *m == nil {
		*m = map[string]tongfa.Tier{}
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, t := v.Content[i], v.Content[i+1]
		path := key + "." + k.Value
		if _, dup := l.lines[path]; dup {
			l.fail(path, k.Line, "配置项重复", "duplicate key")
			continue
		}
		l.lines[path] = k.Line
		if t.Kind != yaml.ScalarNode || t.Tag == "!!null" {
			l.fail(path, t.Line, tierHint, "want routine, deputy or principal")
			continue
		}
		(*m)[k.Value] = tongfa.Tier(t.Value)
	}
}

var categoryName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// validate checks the merged policy, so a default value that an override
// leaves broken is reported too (without a line).
func (l *loader) validate() {
	p := l.p
	l.tier("urgent", p.Urgent)
	l.tier("exemption", p.Exemption)
	l.tier("unapproved_source", p.UnapprovedSource)
	l.tier("answers.tier", p.Answers.Tier)
	for _, c := range slices.Sorted(maps.Keys(p.Categories)) {
		l.category(c, p.Categories[c])
	}
	l.duration("reminders.pending", p.Reminders.Pending)
	l.duration("reminders.urgent_pending", p.Reminders.UrgentPending)
	for _, r := range p.TOTPRequired {
		if !r.Valid() {
			l.fail("totp_required", l.lines["totp_required"], fmt.Sprintf("未知的角色 %q，%s", r, roleHint), fmt.Sprintf("unknown role %q", r))
		}
	}
	for i, s := range p.ApprovedSources {
		if strings.TrimSpace(s) == "" {
			l.fail("approved_sources", l.lines["approved_sources"], fmt.Sprintf("第 %d 个单位名称为空", i+1), fmt.Sprintf("entry %d is empty", i+1))
		}
	}
}

func (l *loader) tier(key string, t tongfa.Tier) {
	if !t.Valid() {
		l.fail(key, l.lines[key], fmt.Sprintf("未知的审签级别 %q，%s", t, tierHint), fmt.Sprintf("unknown tier %q", t))
	}
}

func (l *loader) category(c string, t tongfa.Tier) {
	key := "categories." + c
	switch {
	case !categoryName.MatchString(c):
		l.fail(key, l.lines[key], "类别名称应为小写英文字母、数字和下划线，如 sensitive_topic", "category must match [a-z][a-z0-9_]*")
	case slices.Contains([]string{ReasonStrict, ReasonImportance, ReasonExemption, ReasonUnapprovedSource, ReasonUrgent}, c):
		l.fail(key, l.lines[key], "类别名称与内置规则代码重名", "category name is a reserved reason code")
	default:
		l.tier(key, t)
	}
}

func (l *loader) duration(key string, d time.Duration) {
	if d <= 0 {
		l.fail(key, l.lines[key], fmt.Sprintf("必须是正的时长，如 4h、10m（当前为 %s）", d), fmt.Sprintf("must be a positive duration, got %s", d))
	}
}
