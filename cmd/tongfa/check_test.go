package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, stdin string, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), Stdio{In: strings.NewReader(stdin), Out: &out, Err: &errb}, args)
	return code, out.String() + errb.String()
}

func TestCheckJSON(t *testing.T) {
	dir := t.TempDir()
	dict := filepath.Join(dir, "my.tsv")
	os.WriteFile(dict, []byte("# office list\n违规词\tcustom\tblock\t请删除\n"), 0o644)
	text := filepath.Join(dir, "a.txt")
	os.WriteFile(text, []byte("本店代 开 发 票，含违规词。电话13812342345"), 0o644)
	code, out := runCLI(t, "", "check", "--json", "--dict", dict, text)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (blocked): %s", code, out)
	}
	var rep struct {
		Findings []struct {
			Kind, Category, Level, Text, Rule string
			Start, End                        int
		} `json:"findings"`
		MaskedText   string `json:"masked_text"`
		RequiredTier string `json:"required_tier"`
		Blocked      bool   `json:"blocked"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	got := map[string]string{}
	for _, f := range rep.Findings {
		got[f.Rule] = f.Text
	}
	if got["代开发票"] != "代 开 发 票" || got["违规词"] != "违规词" || !rep.Blocked || rep.RequiredTier != "routine" {
		t.Fatalf("report %+v", rep)
	}
	if !strings.Contains(rep.MaskedText, "138****2345") {
		t.Fatalf("masked %q", rep.MaskedText)
	}
	src := "本店代 开 发 票"
	if f := rep.Findings[0]; src[f.Start:f.End] != "代 开 发 票" {
		t.Fatalf("offsets %d-%d", f.Start, f.End)
	}
}

func TestCheckCleanTextExitsZero(t *testing.T) {
	if code, out := runCLI(t, "市政府召开常务会议。", "check", "-"); code != 0 || !strings.Contains(out, "未发现问题，可以送审，需审核员审核。") {
		t.Fatalf("exit %d: %s", code, out)
	}
}

func TestCheckExemption(t *testing.T) {
	code, out := runCLI(t, "失信被执行人身份证号410602199003071238", "check", "--json", "--exemption", "disciplinary", "--basis", "《失信被执行人名单管理规定》")
	if code != 0 || !strings.Contains(out, `"required_tier":"deputy"`) || !strings.Contains(out, "410602199003071238") {
		t.Fatalf("exit %d: %s", code, out)
	}
	if code, _ := runCLI(t, "x", "check", "--exemption", "disciplinary"); code != 2 {
		t.Fatalf("exemption without basis: exit %d", code)
	}
}

func TestCheckBadDictionary(t *testing.T) {
	dict := filepath.Join(t.TempDir(), "bad.tsv")
	os.WriteFile(dict, []byte("词\tspam\tblock\n"), 0o644)
	if code, out := runCLI(t, "x", "check", "--dict", dict); code != 2 || !strings.Contains(out, "bad.tsv 第 1 行有误：类别无效") {
		t.Fatalf("exit %d: %s", code, out)
	}
}

func TestMask(t *testing.T) {
	code, out := runCLI(t, "当事人张三，身份证410602199003071238，手机138 1234 2345。", "mask")
	if code != 0 || out != "当事人张某，身份证410602********1238，手机138 **** 2345。" {
		t.Fatalf("exit %d: %q", code, out)
	}
}

func TestCheckHelpAndErrors(t *testing.T) {
	if code, out := runCLI(t, "", "check", "-h"); code != 0 || !strings.Contains(out, "与内置词库合并使用") || !strings.Contains(out, "--leaders") {
		t.Fatalf("help: exit %d: %s", code, out)
	}
	if code, out := runCLI(t, "", "check", filepath.Join(t.TempDir(), "missing.txt")); code != 2 || !strings.Contains(out, "missing.txt") {
		t.Fatalf("missing file: exit %d: %s", code, out)
	}
	if code, _ := runCLI(t, "", "check", "--nope"); code != 2 {
		t.Fatalf("unknown flag: exit %d", code)
	}
	if code, _ := runCLI(t, "", "check", "a.txt", "b.txt"); code != 2 {
		t.Fatalf("two files: exit %d", code)
	}
}

func TestCheckTextReport(t *testing.T) {
	code, out := runCLI(t, "第一行\n由市工商局负责", "check")
	if code != 0 || !strings.Contains(out, "2:3\t请审核\t表述错误\t工商局\t→ 市场监督管理局") {
		t.Fatalf("exit %d: %s", code, out)
	}
}

func TestCheckDictAllowLine(t *testing.T) {
	dict := filepath.Join(t.TempDir(), "office.tsv")
	os.WriteFile(dict, []byte("赌博\tcustom\tblock\n!打击赌博\n"), 0o644)
	if code, out := runCLI(t, "严厉打击赌博违法犯罪", "check", "--dict", dict, "-"); code != 0 {
		t.Fatalf("allowed phrase: exit %d: %s", code, out)
	}
	if code, out := runCLI(t, "不要赌博", "check", "--dict", dict); code != 1 {
		t.Fatalf("office word: exit %d: %s", code, out)
	}
}

func TestMaskFileKeepsPublicPhones(t *testing.T) {
	f := filepath.Join(t.TempDir(), "reply.txt")
	os.WriteFile(f, []byte("来电人李明（13912345678）反映的问题已转办，咨询电话0392-3311234。"), 0o644)
	code, out := runCLI(t, "", "mask", f)
	if code != 0 || out != "来电人李某（139****5678）反映的问题已转办，咨询电话0392-3311234。" {
		t.Fatalf("exit %d: %q", code, out)
	}
}

// leadersFile writes a small leaders table and returns its path.
func leadersFile(t *testing.T, rows string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "leaders.tsv")
	if err := os.WriteFile(path, []byte("# 姓名\t职务\t任职日期\t卸任日期\t排序\t状态\n"+rows), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const cliLeaders = "张建国\t市委书记\t2019-06-01\t\t1\tserving\n" +
	"李振华\t副市长\t2018-01-10\t2021-03-15\t5\tserving\n" +
	"李振华\t市长\t2021-03-15\t\t2\tserving\n" +
	"吴刚\t副市长\t2019-09-01\t2023-04-12\t6\tdismissed\n"

func TestCheckLeadersJSON(t *testing.T) {
	table := leadersFile(t, cliLeaders)
	text := "副市长李振华出席，李振华、张建国等领导参加。"
	code, out := runCLI(t, text, "check", "--json", "--leaders", table, "--date", "2025-06-01")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (a former title blocks): %s", code, out)
	}
	var rep struct {
		Findings []struct {
			Kind, Category, Level, Text, Suggestion, Replacement string
			Start, End                                           int
		} `json:"findings"`
		Blocked bool `json:"blocked"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	var got []string
	for _, f := range rep.Findings {
		if f.Kind != "leader" || text[f.Start:f.End] != f.Text {
			t.Fatalf("finding %+v", f)
		}
		got = append(got, f.Category+":"+f.Level+":"+f.Text+"→"+f.Replacement)
	}
	want := "former_title:block:副市长李振华→市长李振华|order:review:李振华、张建国→张建国、李振华"
	if strings.Join(got, "|") != want || !rep.Blocked {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	if !strings.Contains(rep.Findings[0].Suggestion, "已于2021年3月15日卸任副市长") {
		t.Fatalf("suggestion %q", rep.Findings[0].Suggestion)
	}
}

func TestCheckLeadersText(t *testing.T) {
	table := leadersFile(t, cliLeaders)
	code, out := runCLI(t, "第一行\n副市长吴刚出席", "check", "--leaders", table, "--date", "2025-06-01")
	if code != 1 || !strings.Contains(out, "2:1\t必须修改\t落马官员\t副市长吴刚\t→ 吴刚已于2023年4月12日被查处（落马）") ||
		!strings.Contains(out, "领导姓名职务按 2025-06-01 核对") {
		t.Fatalf("exit %d: %s", code, out)
	}
	// Before the dismissal the same sentence is fine.
	if code, out := runCLI(t, "副市长吴刚出席", "check", "--leaders", table, "--date", "2023-01-05"); code != 0 || !strings.Contains(out, "未发现问题") {
		t.Fatalf("before the dismissal: exit %d: %s", code, out)
	}
	// Without --date the table is judged today: 李振华 has been 市长 since 2021.
	if code, out := runCLI(t, "市长李振华出席", "check", "--leaders", table); code != 0 || !strings.Contains(out, "未发现问题") {
		t.Fatalf("today: exit %d: %s", code, out)
	}
}

func TestCheckLeadersUsageErrors(t *testing.T) {
	good := leadersFile(t, cliLeaders)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"bad date in the table", []string{"--leaders", leadersFile(t, "张三\t市长\t2020-13-01\t\t1\tserving\n")}, "第 2 行有误：任职日期「2020-13-01」无效"},
		{"bad status in the table", []string{"--leaders", leadersFile(t, cliLeaders+"王五\t局长\t2020-01-01\t\t3\tactive\n")}, "第 6 行有误：「王五」的状态「active」无效"},
		{"missing table", []string{"--leaders", filepath.Join(t.TempDir(), "none.tsv")}, "无法读取领导名单"},
		{"bad date", []string{"--leaders", good, "--date", "2025/06/01"}, "--date：日期「2025/06/01」无效，应为 YYYY-MM-DD 格式的真实日期"},
		{"no such day", []string{"--leaders", good, "--date", "2025-02-29"}, "日期「2025-02-29」无效"},
		{"date without table", []string{"--date", "2025-06-01"}, "--date 只能与 --leaders 一起使用"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out := runCLI(t, "市长李振华出席", append([]string{"check"}, tc.args...)...)
			if code != 2 || !strings.Contains(out, tc.want) || strings.Count(strings.TrimSpace(out), "\n") != 0 {
				t.Fatalf("exit %d: %q, want exit 2 and one line saying %q", code, out, tc.want)
			}
		})
	}
}
