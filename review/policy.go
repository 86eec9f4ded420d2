package review

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tongfa/tongfa"
)

// Policy is one unit's sign-off policy (R1). DefaultPolicy and ParsePolicy
// build it; callers treat it as read-only afterwards.
type Policy struct {
	// Strict is 严格三级审核: every item needs all three levels.
	Strict bool `yaml:"strict"`
	// SupervisingPrincipal lets the supervising unit's principal sign the
	// principal level.
	SupervisingPrincipal bool `yaml:"supervising_principal"`
	// ApprovedSources are the unit's 稿源单位 (R4).
	ApprovedSources []string `yaml:"approved_sources"`
	// Categories maps a checker finding category to the tier it demands,
	// so that "sensitive_topic: principal" is data, not code.
	Categories map[string]tongfa.Tier `yaml:"categories"`
	// Minimum tiers for properties of the item itself.
	Urgent           tongfa.Tier `yaml:"urgent"`
	Exemption        tongfa.Tier `yaml:"exemption"`
	UnapprovedSource tongfa.Tier `yaml:"unapproved_source"`
	Reminders        Reminders   `yaml:"reminders"`
	Answers          Answers     `yaml:"answers"`
	// TOTPRequired are the roles that sign in with a second factor (a
	// TOTP code) in this unit, and confirm leader signatures with it
	// (R10: 严格身份认证鉴别).
	TOTPRequired []tongfa.Role `yaml:"totp_required"`
}

// RequiresTOTP reports whether holding role in the unit needs a second
// factor.
func (p *Policy) RequiresTOTP(role tongfa.Role) bool { return slices.Contains(p.TOTPRequired, role) }

// Reminders are how long a level may stay pending before it escalates.
type Reminders struct {
	Pending       time.Duration `yaml:"pending"`        // working time (package workday)
	UrgentPending time.Duration `yaml:"urgent_pending"` // clock time: urgent items race R5
}

// Answers is the sign-off of replies to the public from the inbox.
type Answers struct {
	Signoff bool        `yaml:"signoff"`
	Tier    tongfa.Tier `yaml:"tier"`
}

// Finding is what the tier rules need of a checker finding; review does
// not import the checker, an adapter fills this in.
type Finding struct {
	Kind     string
	Category string
	Level    string
	Text     string
}

// TierInput is everything of an item version the tier depends on.
type TierInput struct {
	Importance tongfa.Importance
	Urgency    tongfa.Urgency
	Kind       tongfa.Kind
	SourceUnit string // the reprint's source unit (Source.Unit)
	Exemption  *tongfa.Exemption
	// KeepsPII says the checker found personal data that the exemption
	// keeps unmasked. An exemption over text without personal data changes
	// nothing that is published, so it raises nothing.
	KeepsPII bool
	Findings []Finding
}

// Reason explains one rule that raised the tier. Codes are stable; a
// finding rule's code is its category.
type Reason struct {
	Code    string      `json:"code"`
	Tier    tongfa.Tier `json:"tier"`
	Message string      `json:"message"`
}

// Codes of the rules other than finding categories. A category may not be
// named like one of them.
const (
	ReasonStrict           = "strict"
	ReasonCoSign           = "co_sign" // publishing on another unit's account
	ReasonImportance       = "importance"
	ReasonExemption        = "exemption"
	ReasonUnapprovedSource = "unapproved_source"
	ReasonUrgent           = "urgent"
)

// rules run in this order, which is the order of the reasons shown.
var rules = []func(*Policy, TierInput) []Reason{
	(*Policy).strictRule, (*Policy).importanceRule, (*Policy).findingRule,
	(*Policy).exemptionRule, (*Policy).sourceRule, (*Policy).urgencyRule,
}

// RequiredTier returns the highest tier any rule demands, and a reason for
// every rule that demanded more than routine — all of them, not only the
// highest, because the console shows each one.
func (p *Policy) RequiredTier(in TierInput) (tongfa.Tier, []Reason) {
	tier, out := tongfa.TierRoutine, []Reason{}
	for _, rule := range rules {
		for _, r := range rule(p, in) {
			if r.Tier.Rank() > tongfa.TierRoutine.Rank() {
				out = append(out, r)
				tier = tongfa.MaxTier(tier, r.Tier)
			}
		}
	}
	return tier, out
}

func reason(code string, t tongfa.Tier, format string, args ...any) []Reason {
	return []Reason{{Code: code, Tier: t, Message: fmt.Sprintf(format, args...)}}
}

func (p *Policy) strictRule(TierInput) []Reason {
	if !p.Strict {
		return nil
	}
	t := tongfa.TierPrincipal
	return reason(ReasonStrict, t, "本单位实行严格三级审核，所有稿件需%s", t.Label())
}

func (p *Policy) importanceRule(in TierInput) []Reason {
	t := tongfa.TierForImportance(in.Importance)
	if t == tongfa.TierRoutine {
		return nil
	}
	label := map[tongfa.Importance]string{tongfa.ImportanceImportant: "重要", tongfa.ImportanceMajor: "重大"}[in.Importance]
	return reason(ReasonImportance, t, "编辑标注为%s信息，需%s", label, t.Label())
}

// findingRule yields one reason per configured category, naming each
// distinct matched text once, in the order found.
func (p *Policy) findingRule(in TierInput) []Reason {
	var order []string
	texts := map[string][]string{}
	for _, f := range in.Findings {
		if _, ok := p.Categories[f.Category]; !ok {
			continue
		}
		if _, seen := texts[f.Category]; !seen {
			order = append(order, f.Category)
			texts[f.Category] = []string{}
		}
		if f.Text != "" && !slices.Contains(texts[f.Category], f.Text) {
			texts[f.Category] = append(texts[f.Category], f.Text)
		}
	}
	var out []Reason
	for _, c := range order {
		t := p.Categories[c]
		out = append(out, reason(c, t, "检测到%s%s，需%s", categoryLabel(c), quoteTexts(texts[c]), t.Label())...)
	}
	return out
}

// maxQuoted keeps a reason readable when a long text repeats many words.
const maxQuoted = 5

func quoteTexts(ts []string) string {
	var b strings.Builder
	for _, t := range ts[:min(len(ts), maxQuoted)] {
		b.WriteString("「" + t + "」")
	}
	if len(ts) > maxQuoted {
		fmt.Fprintf(&b, "等 %d 处", len(ts))
	}
	return b.String()
}

var categoryLabels = map[string]string{
	"sensitive_topic": "敏感话题", "secret": "涉密标识", "political": "政治敏感内容", "ad": "广告内容",
	"vulgar": "低俗内容", "expression": "表述错误", "custom": "自定义敏感词",
	"id_card": "身份证号", "mobile": "手机号码", "bank_card": "银行卡号", "name": "个人姓名", "address": "个人住址",
}

func categoryLabel(c string) string {
	if l, ok := categoryLabels[c]; ok {
		return l
	}
	return "「" + c + "」类内容"
}

var exemptionLabels = map[string]string{tongfa.ExemptionDisciplinary: "惩戒公示", tongfa.ExemptionMandatory: "强制性信息披露"}

func (p *Policy) exemptionRule(in TierInput) []Reason {
	if in.Exemption == nil || !in.KeepsPII {
		return nil
	}
	label, ok := exemptionLabels[in.Exemption.Type]
	if !ok {
		label = in.Exemption.Type
	}
	return reason(ReasonExemption, p.Exemption, "依据「%s」保留个人信息，需至少%s", label, p.Exemption.Label())
}

func (p *Policy) sourceRule(in TierInput) []Reason {
	if in.Kind != tongfa.KindReprint || p.approvedSource(in.SourceUnit) {
		return nil
	}
	t := p.UnapprovedSource
	if strings.TrimSpace(in.SourceUnit) == "" {
		return reason(ReasonUnapprovedSource, t, "转载稿件未注明来源单位，需至少%s", t.Label())
	}
	return reason(ReasonUnapprovedSource, t, "转载来源「%s」不在本单位稿源单位名单内，需至少%s", strings.TrimSpace(in.SourceUnit), t.Label())
}

// approvedSource ignores surrounding spaces, which editors paste in with
// names copied from documents; an empty name is never approved.
func (p *Policy) approvedSource(unit string) bool {
	unit = strings.TrimSpace(unit)
	return unit != "" && slices.ContainsFunc(p.ApprovedSources, func(s string) bool { return strings.TrimSpace(s) == unit })
}

func (p *Policy) urgencyRule(in TierInput) []Reason {
	if in.Urgency != tongfa.UrgencyUrgent {
		return nil
	}
	return reason(ReasonUrgent, p.Urgent, "紧急稿件，需至少%s", p.Urgent.Label())
}
