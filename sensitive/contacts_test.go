package sensitive

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func mustContacts(t *testing.T, content string) *Contacts {
	t.Helper()
	c, err := ParseContacts("test", content)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestUnitContacts: a number on the unit's list is a notice left as
// written, however it is written; one that is not keeps its finding.
func TestUnitContacts(t *testing.T) {
	c := NewDefault()
	list := mustContacts(t, "# 本单位\n13812342345\t办公室值班手机\n(0392) 3311234 信访接待\n")
	cases := []struct {
		name, text, category, level string
		masked                      string
	}{
		{"listed mobile", "请拨打13812342345咨询。", PIIUnitContact, LevelNotice, "请拨打13812342345咨询。"},
		{"listed mobile written otherwise", "电话：+86 138-1234-2345", PIIUnitContact, LevelNotice, "电话：+86 138-1234-2345"},
		{"listed landline", "信访电话0392-3311234", PIIUnitContact, LevelNotice, "信访电话0392-3311234"},
		{"listed landline without area code", "请拨打3311234", PIIUnitContact, LevelNotice, "请拨打3311234"},
		{"another mobile", "请拨打13912342345咨询。", PIIMobile, LevelBlock, "请拨打139****2345咨询。"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep := c.Check(context.Background(), tc.text, Options{Contacts: list})
			if len(rep.Findings) != 1 || rep.Findings[0].Category != tc.category || rep.Findings[0].Level != tc.level {
				t.Fatalf("findings %+v, want one %s at %s", rep.Findings, tc.category, tc.level)
			}
			if rep.Blocked != (tc.level == LevelBlock) || rep.MaskedText != tc.masked {
				t.Errorf("blocked %v, masked %q; want %q", rep.Blocked, rep.MaskedText, tc.masked)
			}
			if tc.category == PIIUnitContact && rep.Findings[0].Rule != RuleUnitContact {
				t.Errorf("rule %q", rep.Findings[0].Rule)
			}
		})
	}
	// Without the list the same mobile is personal data.
	if rep := c.Check(context.Background(), "请拨打13812342345咨询。", Options{}); !rep.Blocked || rep.Findings[0].Category != PIIMobile {
		t.Errorf("without the list: %+v", rep)
	}
}

// TestMaskPersonalDataSaysWhatHappens: where personal data is masked and
// sent (an answer), its findings say so below the block level and do
// not block; anything else still blocks.
func TestMaskPersonalDataSaysWhatHappens(t *testing.T) {
	c := NewDefault()
	rep := c.Check(context.Background(), "联系人手机13812340000。", Options{MaskPersonalData: true})
	if rep.Blocked || len(rep.Findings) != 1 {
		t.Fatalf("%+v", rep)
	}
	f := rep.Findings[0]
	if f.Level != LevelReview || f.Suggestion != "将被遮盖为「138****0000」" || rep.MaskedText != "联系人手机138****0000。" {
		t.Errorf("finding %+v, masked %q", f, rep.MaskedText)
	}
	rep = c.Check(context.Background(), "绝密文件，联系人手机13812340000。", Options{MaskPersonalData: true})
	if !rep.Blocked {
		t.Errorf("a secret marker must still block: %+v", rep)
	}
}

func TestParseContacts(t *testing.T) {
	c := mustContacts(t, "13812342345 值班\n+86 13812342345 重复\n12345\n400-800-1234 客服\n")
	if c.Len() != 3 || c.List[0].Number != "13812342345" || c.List[0].Label != "值班" || c.List[2].Label != "客服" {
		t.Errorf("%+v", c.List)
	}
	for _, bad := range []string{"13812342345\n办公室", "12\n", "1381234234 少一位\n"} {
		_, err := ParseContacts("test", bad)
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.Contains(pe.Msg, "不是电话号码") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	_, err := ParseContacts("test", "13812342345\n办公室\n")
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 2 {
		t.Errorf("line: %v", err)
	}
	merged := MergeContacts(mustContacts(t, "13812342345 市"), nil, mustContacts(t, "138 1234 2345 局\n0392-3311234"))
	if merged.Len() != 2 || merged.List[0].Label != "市" {
		t.Errorf("merged %+v", merged.List)
	}
}
