package review

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/tongfa/tongfa"
)

func TestDefaultPolicy(t *testing.T) {
	p := DefaultPolicy()
	want := &Policy{
		ApprovedSources: []string{},
		Categories:      map[string]tongfa.Tier{"sensitive_topic": principal},
		Urgent:          deputy, Exemption: deputy, UnapprovedSource: deputy,
		Reminders: Reminders{Pending: 4 * time.Hour, UrgentPending: 10 * time.Minute},
		Answers:   Answers{Signoff: true, Tier: routine},
		// Off by default: a unit opts in, e.g. [admin, deputy, principal].
		TOTPRequired: []tongfa.Role{},
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("default\n got %+v\nwant %+v", p, want)
	}
}

func TestDefaultPolicyIsACopy(t *testing.T) {
	p := DefaultPolicy()
	p.Categories["ad"] = principal
	p.ApprovedSources = append(p.ApprovedSources, "x")
	p.Strict = true
	if q := DefaultPolicy(); len(q.Categories) != 1 || len(q.ApprovedSources) != 0 || q.Strict {
		t.Errorf("default changed through a copy: %+v", q)
	}
}

func TestParsePolicyOverrides(t *testing.T) {
	cases := []struct {
		name string
		src  string
		edit func(p *Policy) // applied to the default to get the expected policy
	}{
		{"empty file", "", func(*Policy) {}},
		{"comments only", "# 本单位沿用默认策略\n", func(*Policy) {}},
		{"flags", "strict: true\nsupervising_principal: true\n", func(p *Policy) { p.Strict, p.SupervisingPrincipal = true, true }},
		{"sources replace the list", "approved_sources:\n  - 市融媒体中心\n  - 省人民政府办公厅\n",
			func(p *Policy) { p.ApprovedSources = []string{"市融媒体中心", "省人民政府办公厅"} }},
		{"categories merge entry by entry", "categories:\n  political: deputy\n",
			func(p *Policy) { p.Categories["political"] = deputy }},
		{"one reminder keeps the other", "reminders:\n  urgent_pending: 5m\n", func(p *Policy) { p.Reminders.UrgentPending = 5 * time.Minute }},
		{"answers", "answers: {signoff: false, tier: deputy}\n", func(p *Policy) { p.Answers = Answers{Signoff: false, Tier: deputy} }},
		{"tiers", "urgent: principal\nexemption: principal\nunapproved_source: routine\n",
			func(p *Policy) { p.Urgent, p.Exemption, p.UnapprovedSource = principal, principal, routine }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParsePolicy([]byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			want := DefaultPolicy()
			tc.edit(want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestParsePolicyErrors(t *testing.T) {
	cases := []struct {
		name string
		src  string
		key  string
		line int
		zh   string
	}{
		{"unknown key", "strict: false\nstrikt: true\n", "strikt", 2, "未知的配置项，可用的有：answers、approved_sources"},
		{"unknown nested key", "reminders:\n  pendng: 4h\n", "reminders.pendng", 2, "可用的有：pending、urgent_pending"},
		{"unknown tier", "urgent: mayor\n", "urgent", 1, `未知的审签级别 "mayor"`},
		{"unknown answers tier", "answers:\n  tier: boss\n", "answers.tier", 2, "未知的审签级别"},
		{"unknown category tier", "categories:\n  ad: boss\n", "categories.ad", 2, `未知的审签级别 "boss"`},
		{"category tier not a word", "categories:\n  ad: [deputy]\n", "categories.ad", 2, "应为 routine"},
		{"categories not a mapping", "categories: [ad]\n", "categories", 1, "应为「类别: 级别」"},
		{"category name not ASCII", "categories:\n  敏感: principal\n", "categories.敏感", 2, "类别名称应为小写"},
		{"category named like a rule", "categories:\n  urgent: deputy\n", "categories.urgent", 2, "内置规则代码"},
		{"zero duration", "reminders:\n  pending: 0s\n", "reminders.pending", 2, "必须是正的时长"},
		{"negative duration", "reminders:\n  urgent_pending: -10m\n", "reminders.urgent_pending", 2, "必须是正的时长"},
		{"not a duration", "reminders:\n  pending: soon\n", "reminders.pending", 2, "应为时长"},
		{"duration without unit", "reminders:\n  pending: 4\n", "reminders.pending", 2, "应为时长"},
		{"number is not a boolean", "strict: 1\n", "strict", 1, "应为 true 或 false"},
		{"sources not a list", "approved_sources: 市融媒体中心\n", "approved_sources", 1, "应为单位名称列表"},
		{"blank source", "approved_sources: [市融媒体中心, \" \"]\n", "approved_sources", 1, "第 2 个单位名称为空"},
		{"missing value", "urgent:\n", "urgent", 1, "缺少取值"},
		{"group given a value", "reminders: 4h\n", "reminders", 1, "应为下级配置"},
		{"duplicate key", "strict: true\nstrict: false\n", "strict", 2, "配置项重复"},
		{"duplicate category", "categories:\n  ad: deputy\n  ad: principal\n", "categories.ad", 3, "配置项重复"},
		{"top level not a mapping", "- strict\n", "", 1, "顶层应为"},
		{"broken YAML", "strict: true\nurgent: deputy\n  bad: x\n", "", 3, "不是有效的 YAML"},
		{"tab indentation", "reminders:\n\tpending: 4h\n", "", 2, "不能用 Tab"},
		{"two documents", "strict: true\n---\nstrict: false\n", "", 0, "只能包含一个 YAML 文档"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParsePolicy([]byte(tc.src))
			var pe *PolicyError
			if p != nil || !errors.As(err, &pe) {
				t.Fatalf("got %+v, %v; want a *PolicyError", p, err)
			}
			if pe.Key != tc.key || pe.Line != tc.line || !strings.Contains(pe.Msg, tc.zh) || pe.En == "" {
				t.Errorf("got %+v\nwant key %q line %d with %q", pe, tc.key, tc.line, tc.zh)
			}
		})
	}
}

func TestParsePolicyReportsEveryError(t *testing.T) {
	_, err := ParsePolicy([]byte("urgent: mayor\nstrikt: true\nreminders:\n  pending: -1h\n"))
	msg := err.Error()
	for _, want := range []string{
		"审签策略第1行「urgent」：未知的审签级别", "(policy line 1 urgent: unknown tier",
		"审签策略第2行「strikt」：未知的配置项", "审签策略第4行「reminders.pending」：必须是正的时长",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
	if strings.Index(msg, "第1行") > strings.Index(msg, "第4行") {
		t.Errorf("errors not in line order: %q", msg)
	}
}

// The yaml tags and the key table of the loader must agree: whatever the
// policy marshals to parses back to the same policy.
func TestPolicyRoundTrip(t *testing.T) {
	p, err := ParsePolicy([]byte("strict: true\napproved_sources: [市融媒体中心]\ncategories: {political: deputy}\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := yaml.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	q, err := ParsePolicy(b)
	if err != nil || !reflect.DeepEqual(p, q) {
		t.Errorf("round trip of\n%s\ngot %+v, %v", b, q, err)
	}
}

func FuzzParsePolicy(f *testing.F) {
	f.Add(string(defaultPolicyYAML))
	f.Add("strict: true\ncategories: {ad: deputy}\nreminders: {pending: 1h}\n")
	f.Add("urgent: [\n")
	f.Fuzz(func(t *testing.T, src string) {
		p, err := ParsePolicy([]byte(src))
		if err != nil {
			return
		}
		if !p.Urgent.Valid() || !p.Answers.Tier.Valid() || p.Reminders.Pending <= 0 || p.Reminders.UrgentPending <= 0 {
			t.Fatalf("accepted an invalid policy: %+v", p)
		}
		for c, tier := range p.Categories {
			if !tier.Valid() || c == "" {
				t.Fatalf("accepted category %q: %q", c, tier)
			}
		}
		p.RequiredTier(TierInput{Importance: "major", Urgency: "urgent", Kind: "reprint"})
	})
}

func TestTOTPRequiredPolicy(t *testing.T) {
	p, err := ParsePolicy([]byte("totp_required: [admin, deputy, principal]\n"))
	if err != nil || !p.RequiresTOTP(tongfa.RoleDeputy) || p.RequiresTOTP(tongfa.RoleEditor) {
		t.Fatalf("parsed %+v, %v", p.TOTPRequired, err)
	}
	for src, want := range map[string]string{
		"totp_required: [admin, boss]\n": "未知的角色 \"boss\"",
		"totp_required: admin\n":         "应为角色列表",
	} {
		if _, err := ParsePolicy([]byte(src)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", src, err, want)
		}
	}
}
