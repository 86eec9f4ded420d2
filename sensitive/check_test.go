package sensitive

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/tongfa/tongfa"
)

func TestReportJSON(t *testing.T) {
	rep := NewDefault().Check(context.Background(), "本店代 开 发 票", Options{})
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"findings", "masked_text", "required_tier", "blocked"} {
		if _, ok := got[k]; !ok {
			t.Errorf("report JSON lacks %q: %s", k, b)
		}
	}
	want := `{"kind":"ad","category":"ad","level":"block","start":6,"end":21,"text":"代 开 发 票","rule":"代开发票",` +
		`"suggestion":"商业广告，政务新媒体不得发布","replacement":""}`
	if f, _ := json.Marshal(rep.Findings[0]); string(f) != want {
		t.Errorf("finding JSON\n got %s\nwant %s", f, want)
	}
}

func TestCleanReport(t *testing.T) {
	rep := NewDefault().Check(context.Background(), "市政府召开常务会议，研究部署秋季农业生产工作。", Options{})
	if len(rep.Findings) != 0 || rep.Findings == nil || rep.Blocked || rep.RequiredTier != tongfa.TierRoutine || rep.Reasons == nil {
		t.Fatalf("%+v", rep)
	}
}

func TestReplacement(t *testing.T) {
	c := NewDefault()
	cases := []struct{ name, text, want string }{
		{"renamed bureau", "市工商局", "市场监督管理局"},
		{"note in brackets dropped", "高级人民检察院", "人民检察院"},
		{"advice is not a replacement", "劳动教养", ""},
		{"ads have none", "代开发票", ""},
		{"typo", "再接再励", "再接再厉"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := c.Scan(tc.text)
			if len(fs) != 1 || fs[0].Replacement != tc.want {
				t.Fatalf("findings %+v, want one with replacement %q", fs, tc.want)
			}
		})
	}
}

func TestTierReasons(t *testing.T) {
	c := NewDefault()
	rep := c.Check(context.Background(), "近日我市出现疫情，疫情防控工作有序开展", Options{})
	if rep.RequiredTier != tongfa.TierPrincipal || len(rep.Reasons) != 1 || rep.Reasons[0] != "检测到敏感话题「疫情」，需主要领导审签" {
		t.Fatalf("tier %s, reasons %q", rep.RequiredTier, rep.Reasons)
	}
	ex := &tongfa.Exemption{Type: tongfa.ExemptionMandatory, Basis: "《企业信息公示暂行条例》"}
	rep = c.Check(context.Background(), "疫情期间，当事人张三手机13812342345", Options{Exemption: ex})
	if rep.RequiredTier != tongfa.TierPrincipal || len(rep.Reasons) != 2 || !strings.Contains(rep.Reasons[0], "强制性信息披露") {
		t.Fatalf("a topic and an exemption: tier %s, reasons %q", rep.RequiredTier, rep.Reasons)
	}
}

func TestInvalidExemptionKeepsNothing(t *testing.T) {
	c := NewDefault()
	text := "当事人张三，手机13812342345"
	for name, ex := range map[string]*tongfa.Exemption{
		"no basis":     {Type: tongfa.ExemptionDisciplinary, Basis: "  "},
		"unknown type": {Type: "publicity", Basis: "《某条例》"},
	} {
		rep := c.Check(context.Background(), text, Options{Exemption: ex})
		if rep.MaskedText == text || !rep.Blocked || rep.RequiredTier != tongfa.TierRoutine || len(rep.Reasons) != 1 {
			t.Errorf("%s: %+v", name, rep)
		}
	}
}

func TestScanAndGeneration(t *testing.T) {
	c, err := New(DefaultNormalization, dictOf(t, "甲乙\tcustom\tblock\n"))
	if err != nil {
		t.Fatal(err)
	}
	if g := c.Generation(); g != 1 {
		t.Fatalf("generation %d after New", g)
	}
	if fs := c.Scan("甲 乙，手机13812342345"); len(fs) != 1 || fs[0].Text != "甲 乙" {
		t.Fatalf("scan %+v: want the word only, no personal data", fs)
	}
	if err := c.Reload(dictOf(t, "丙丁\tcustom\tblock\n")); err != nil {
		t.Fatal(err)
	}
	if c.Generation() != 2 || len(c.Scan("甲乙")) != 0 || c.Size() != 1 {
		t.Fatalf("after reload: generation %d, scan %+v", c.Generation(), c.Scan("甲乙"))
	}
}

func TestReloadErrorKeepsCurrent(t *testing.T) {
	c, _ := New(DefaultNormalization, dictOf(t, "甲乙\tcustom\tblock\n"))
	bad := &Dictionary{Entries: []Entry{{Word: " ", Category: CategoryCustom, Level: LevelBlock}}}
	if err := c.Reload(bad); err == nil {
		t.Fatal("a word of spaces compiled")
	}
	if len(c.Scan("甲乙")) != 1 || c.Generation() != 1 {
		t.Fatal("a failed reload replaced the dictionary")
	}
}
