package review

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/tongfa/tongfa"
)

const (
	routine   = tongfa.TierRoutine
	deputy    = tongfa.TierDeputy
	principal = tongfa.TierPrincipal
)

func topic(text string) Finding {
	return Finding{Kind: "word", Category: "sensitive_topic", Level: "review", Text: text}
}

func TestRequiredTier(t *testing.T) {
	ad := Finding{Kind: "ad", Category: "ad", Level: "block", Text: "最佳"}
	discipline := &tongfa.Exemption{Type: tongfa.ExemptionDisciplinary, Basis: "《失信惩戒办法》第九条"}
	mandatory := &tongfa.Exemption{Type: tongfa.ExemptionMandatory, Basis: "《信息公开条例》第二十条"}
	var seven []Finding
	for i := range 7 {
		seven = append(seven, topic(fmt.Sprintf("词%d", i+1)))
	}
	const sources = "approved_sources: [省人民政府办公厅, 市融媒体中心]\n"
	var (
		rImportant  = Reason{"importance", deputy, "编辑标注为重要信息，需分管领导审签"}
		rMajor      = Reason{"importance", principal, "编辑标注为重大信息，需主要领导审签"}
		rEpidemic   = Reason{"sensitive_topic", principal, "检测到敏感话题「疫情」，需主要领导审签"}
		rExemption  = Reason{"exemption", deputy, "依据「惩戒公示」保留个人信息，需至少分管领导审签"}
		rUnapproved = Reason{"unapproved_source", deputy, "转载来源「某公众号」不在本单位稿源单位名单内，需至少分管领导审签"}
		rUrgent     = Reason{"urgent", deputy, "紧急稿件，需至少分管领导审签"}
		rStrict     = Reason{"strict", principal, "本单位实行严格三级审核，所有稿件需主要领导审签"}
	)
	cases := []struct {
		name    string
		policy  string // override on top of the default
		in      TierInput
		tier    tongfa.Tier
		reasons []Reason
	}{
		{"routine item needs the reviewer only", "", TierInput{Importance: "routine"}, routine, nil},
		{"empty importance counts as routine", "", TierInput{}, routine, nil},
		{"important → deputy", "", TierInput{Importance: "important"}, deputy, []Reason{rImportant}},
		{"major → principal", "", TierInput{Importance: "major"}, principal, []Reason{rMajor}},
		{"sensitive topic → principal, repeats named once", "", TierInput{Findings: []Finding{topic("疫情"), topic("疫情")}}, principal, []Reason{rEpidemic}},
		{"several topic words in one reason", "", TierInput{Findings: []Finding{topic("疫情"), ad, topic("灾情")}}, principal,
			[]Reason{{"sensitive_topic", principal, "检测到敏感话题「疫情」「灾情」，需主要领导审签"}}},
		{"many topic words are cut short", "", TierInput{Findings: seven}, principal,
			[]Reason{{"sensitive_topic", principal, "检测到敏感话题「词1」「词2」「词3」「词4」「词5」等 7 处，需主要领导审签"}}},
		{"finding without text", "", TierInput{Findings: []Finding{{Category: "sensitive_topic"}}}, principal,
			[]Reason{{"sensitive_topic", principal, "检测到敏感话题，需主要领导审签"}}},
		{"unconfigured category raises nothing", "", TierInput{Findings: []Finding{ad}}, routine, nil},
		{"exemption keeping personal data → deputy", "", TierInput{Exemption: discipline, KeepsPII: true}, deputy, []Reason{rExemption}},
		{"mandatory disclosure named", "", TierInput{Exemption: mandatory, KeepsPII: true}, deputy,
			[]Reason{{"exemption", deputy, "依据「强制性信息披露」保留个人信息，需至少分管领导审签"}}},
		{"exemption over text without personal data", "", TierInput{Exemption: discipline}, routine, nil},
		{"reprint from an approved source", sources, TierInput{Kind: "reprint", SourceUnit: " 市融媒体中心\u3000"}, routine, nil},
		{"reprint from an unapproved source → deputy", sources, TierInput{Kind: "reprint", SourceUnit: "某公众号"}, deputy, []Reason{rUnapproved}},
		{"reprint without a source unit", sources, TierInput{Kind: "reprint", SourceUnit: "  "}, deputy,
			[]Reason{{"unapproved_source", deputy, "转载稿件未注明来源单位，需至少分管领导审签"}}},
		{"default list is empty: every reprint raises", "", TierInput{Kind: "reprint", SourceUnit: "省人民政府办公厅"}, deputy,
			[]Reason{{"unapproved_source", deputy, "转载来源「省人民政府办公厅」不在本单位稿源单位名单内，需至少分管领导审签"}}},
		{"original work ignores the source", "", TierInput{Kind: "original", SourceUnit: "某公众号"}, routine, nil},
		{"urgent → deputy", "", TierInput{Urgency: "urgent"}, deputy, []Reason{rUrgent}},
		{"equal tiers are all listed", "", TierInput{Importance: "important", Urgency: "urgent"}, deputy, []Reason{rImportant, rUrgent}},
		{"lower reasons are listed under a higher one", sources, TierInput{Importance: "major", Urgency: "urgent", Kind: "reprint", SourceUnit: "某公众号"},
			principal, []Reason{rMajor, rUnapproved, rUrgent}},
		{"every rule at once, in rule order", sources + "strict: true\n", TierInput{Importance: "important", Urgency: "urgent", Kind: "reprint",
			SourceUnit: "某公众号", Exemption: discipline, KeepsPII: true, Findings: []Finding{topic("疫情")}},
			principal, []Reason{rStrict, rImportant, rEpidemic, rExemption, rUnapproved, rUrgent}},
		{"strict mode → principal for a routine item", "strict: true\n", TierInput{Importance: "routine"}, principal, []Reason{rStrict}},
		{"strict mode keeps the other reasons", "strict: true\n", TierInput{Importance: "important"}, principal, []Reason{rStrict, rImportant}},
		{"configured category", "categories:\n  political: deputy\n", TierInput{Findings: []Finding{{Category: "political", Text: "某口号"}}}, deputy,
			[]Reason{{"political", deputy, "检测到政治敏感内容「某口号」，需分管领导审签"}}},
		{"personal-data category", "categories:\n  id_card: deputy\n", TierInput{Findings: []Finding{{Kind: "pii", Category: "id_card", Text: "1101…"}}}, deputy,
			[]Reason{{"id_card", deputy, "检测到身份证号「1101…」，需分管领导审签"}}},
		{"category without a label", "categories:\n  local_terms: deputy\n", TierInput{Findings: []Finding{{Category: "local_terms", Text: "某词"}}}, deputy,
			[]Reason{{"local_terms", deputy, "检测到「local_terms」类内容「某词」，需分管领导审签"}}},
		{"categories keep their order of appearance", "categories:\n  political: deputy\n", TierInput{Findings: []Finding{{Category: "political", Text: "甲"}, topic("疫情")}},
			principal, []Reason{{"political", deputy, "检测到政治敏感内容「甲」，需分管领导审签"}, rEpidemic}},
		{"a category set to routine raises nothing", "categories:\n  sensitive_topic: routine\n", TierInput{Findings: []Finding{topic("疫情")}}, routine, nil},
		{"urgent set to routine raises nothing", "urgent: routine\n", TierInput{Urgency: "urgent"}, routine, nil},
		{"urgent set to principal", "urgent: principal\n", TierInput{Urgency: "urgent"}, principal,
			[]Reason{{"urgent", principal, "紧急稿件，需至少主要领导审签"}}},
		{"exemption set to principal", "exemption: principal\n", TierInput{Exemption: discipline, KeepsPII: true}, principal,
			[]Reason{{"exemption", principal, "依据「惩戒公示」保留个人信息，需至少主要领导审签"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParsePolicy([]byte(tc.policy))
			if err != nil {
				t.Fatal(err)
			}
			tier, reasons := p.RequiredTier(tc.in)
			if tier != tc.tier {
				t.Errorf("tier %s, want %s", tier, tc.tier)
			}
			if want := tc.reasons; !reflect.DeepEqual(reasons, append([]Reason{}, want...)) {
				t.Errorf("reasons\n got %v\nwant %v", reasons, want)
			}
		})
	}
}

// The tier never drops below the declared importance, whatever else holds.
func TestRequiredTierNeverBelowImportance(t *testing.T) {
	p := DefaultPolicy()
	for _, imp := range []tongfa.Importance{"routine", "important", "major"} {
		for _, urg := range []tongfa.Urgency{"normal", "urgent"} {
			for _, kind := range []tongfa.Kind{"original", "reprint"} {
				tier, _ := p.RequiredTier(TierInput{Importance: imp, Urgency: urg, Kind: kind, SourceUnit: "x"})
				if tier.Rank() < tongfa.TierForImportance(imp).Rank() {
					t.Errorf("%s/%s/%s: %s", imp, urg, kind, tier)
				}
			}
		}
	}
}
