package sensitive

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestShippedDictionaries(t *testing.T) {
	d := DefaultDictionary()
	count := map[string]int{}
	for _, e := range d.Entries {
		count[e.Category]++
		if e.Category == "expression" && e.Suggestion == "" {
			t.Errorf("%s: expression rule %q has no correction", e.Source, e.Word)
		}
		if e.Category == "political" {
			t.Errorf("%s: political lists are left to each office", e.Source)
		}
	}
	if count["expression"] < 150 || count["secret"] < 10 || count["ad"] < 20 || count["sensitive_topic"] < 20 {
		t.Fatalf("shipped entries per category: %v", count)
	}
}

func TestShippedRules(t *testing.T) {
	c := NewDefault()
	cases := []struct {
		name, text string
		want       []string // rule=text
		blocked    bool
	}{
		{"secret marker", "机密★1年 关于做好某项工作的通知", []string{"机密★=机密★"}, true},
		{"keeping secrets is fine", "各单位要严格保守国家秘密", nil, false},
		{"outdated name", "由市工商局负责", []string{"工商局=工商局"}, false},
		{"historical mention", "原工商局的职责划入市场监管部门", nil, false},
		{"new name containing an old one", "市住房和城乡建设局发布通知", nil, false},
		{"migrant workers", "保障农民工工资支付", nil, false},
		{"wrong national name", "中华人民共合国成立", []string{"中华人民共合国=中华人民共合国"}, true},
		{"idiom typo", "我们要再接再励", []string{"再接再励=再接再励"}, false},
		{"cutoff", "截止目前，已完成", []string{"截止目前=截止目前"}, false},
		{"ad", "代开发票请联系", []string{"代开发票=代开发票"}, true},
		{"legit 国家级", "入选国家级非物质文化遗产名录", nil, false},
		{"sensitive topic", "我市发生一起交通事故，造成2人遇难", []string{"交通事故=交通事故", "遇难=遇难"}, false},
		{"ministry without 国家", "国家教育部印发通知", []string{"国家教育部=国家教育部"}, false},
		{"国家安全部 is a real name", "国家安全部发布提示", nil, false},
		{"national departments", "国家教育部门和国家财政部门", nil, false},
		{"party congress counts 次", "党的二十届全国代表大会", []string{"二十届全国代表大会=二十届全国代表大会"}, true},
		{"correct congress", "党的二十大和二十届三中全会", nil, false},
		{"repealed law", "依据《合同法》第五十二条", []string{"合同法=合同法"}, false},
		{"current law containing it", "依据《劳动合同法》和婚姻法律咨询", nil, false},
		{"procuratorate head", "市检察院院长出席", []string{"检察院院长=检察院院长"}, true},
		{"renamed disease", "新冠肺炎疫苗接种", []string{"新冠肺炎=新冠肺炎"}, false},
		{"slogan with quotes is right", "“三个代表”重要思想，不忘初心、牢记使命", nil, false},
		{"full official title", "中华人民共和国国务院总理", nil, false},
		{"full official name", "国家监察委员会和全国人大常委会", nil, false},
		{"residents' wages", "城镇居民工资性收入，移民工作", nil, false},
		{"deployment, not ministry", "爱国卫生部署和城乡建设部署", nil, false},
		{"permit office", "群众到不动产办证大厅办证", nil, false},
		{"land contracts", "土地承包过程中", nil, false},
		{"unpaid wages", "根治欠薪专项行动", nil, false},
		{"official account", "参加微信投票，添加微信公众号", nil, false},
		{"ad traffic", "加微信领取优惠", []string{"加微信领取=加微信领取"}, true},
		{"secret marker in document", "此件不公开", []string{"此件不公开=此件不公开"}, true},
		{"earthquake bureau drill", "市地震局开展地震应急演练", nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep := c.Check(context.Background(), tc.text, Options{})
			var got []string
			for _, f := range rep.Findings {
				if f.Kind != "pii" {
					got = append(got, f.Rule+"="+f.Text)
				}
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") || rep.Blocked != tc.blocked {
				t.Errorf("got %q blocked=%v, want %q blocked=%v", got, rep.Blocked, tc.want, tc.blocked)
			}
		})
	}
}

func TestTierFromTopics(t *testing.T) {
	rep := NewDefault().Check(context.Background(), "近日我市出现疫情", Options{})
	if rep.RequiredTier != "principal" || len(rep.Reasons) != 1 || !strings.Contains(rep.Reasons[0], "疫情") {
		t.Fatalf("%+v", rep)
	}
}

func TestParseErrors(t *testing.T) {
	cases := map[string]string{
		"too few fields": "代开发票\tad\n",
		"bad level":      "代开发票\tad\tsevere\n",
		"bad category":   "代开发票\tspam\tblock\n",
		"empty word":     "\tad\tblock\n",
		"not utf-8":      "\xff\xfe\tad\tblock\n",
	}
	for name, src := range cases {
		var pe *ParseError
		err := (&Dictionary{}).Parse("x.tsv", strings.NewReader("# ok\n"+src))
		if !errors.As(err, &pe) || pe.Line != 2 {
			t.Errorf("%s: %v, want a ParseError at line 2", name, err)
		}
	}
	d := &Dictionary{}
	if err := d.Parse("x.tsv", strings.NewReader("\uFEFF词\tcustom\tnotice\r\n!允许\n\n")); err != nil || len(d.Entries) != 1 || len(d.Allow) != 1 {
		t.Fatalf("BOM, CRLF and blank lines: %v %+v", err, d)
	}
}

func TestReloadIsAtomic(t *testing.T) {
	c, _ := New(DefaultNormalization, dictOf(t, "甲乙\tcustom\treview\n"))
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 50 {
			src := "甲乙\tcustom\treview\n"
			if i%2 == 0 {
				src = "丙丁\tcustom\treview\n"
			}
			c.Reload(dictOf(t, src))
		}
	}()
	for {
		select {
		case <-done:
			return
		default:
		}
		// Every check sees one whole generation: exactly one of the two words.
		rep := c.Check(context.Background(), "甲乙丙丁", Options{})
		if len(rep.Findings) != 1 {
			t.Fatalf("a check saw %d findings mid-reload", len(rep.Findings))
		}
	}
}
