package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/sensitive"
)

func init() {
	register(command{name: "check", args: "[--json] [--dict 文件]... [--leaders 文件 [--date 日期]] [--exemption 类型 --basis 依据] [文件|-]",
		summary: "检查文本中的敏感词、表述错误、涉密标识、广告和个人信息。", help: checkHelp, run: runCheck})
	register(command{name: "mask", args: "[文件|-] [--out 文件]", summary: "输出个人信息脱敏后的文本或文档。", help: maskHelp, run: runMask})
}

const checkHelp = `检查一个文件中的文本；不给文件或给 - 时读标准输入。Word、Excel 和 PDF 文档（按内容识别，.docx、.xlsx、.pdf）逐段检查，问题注明所在位置（如 Sheet1!C7、第 3 段、第 2 页）。
--dict 词库（UTF-8 TSV：词语<TAB>类别<TAB>级别[<TAB>建议]，# 开头为注释，! 开头为放行短语）与内置词库合并使用，不替换内置词库。
--leaders 读取本单位领导名单（UTF-8 TSV，每个职务一行：姓名<TAB>职务<TAB>起<TAB>止<TAB>排序<TAB>状态[<TAB>曾用名]，日期写作 YYYY-MM-DD，止为空表示仍在任，状态为 serving、left 或 dismissed[:YYYY-MM-DD]），按 --date 当天（默认今天，北京时间）核对领导姓名、职务、排序和落马官员。
退出状态：0 可以送审；1 有必须修改的问题；2 用法错误，或文件、词库、领导名单、日期有误。`

const maskHelp = `把文本（一个文件；不给文件或给 - 时读标准输入）中的个人信息脱敏后写到标准输出，如 410602********1230、138****2345、王某某。
单位办公电话和服务热线属于公开信息，保留不变。
Word 或 Excel 文档（按内容识别）脱敏后写到 --out 指定的文件，只改动含个人信息的单元格和文字；PDF 无法可靠脱敏，退出状态为 1 并说明原因。`

// runCheck: tongfa check [--json] [--dict FILE]... [--exemption TYPE --basis TEXT] [FILE|-]
func runCheck(ctx context.Context, st Stdio, args []string) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "以一个 JSON 对象输出检查结果")
	var dicts multiFlag
	fs.Var(&dicts, "dict", "附加词库`文件`（TSV），与内置词库合并；可重复")
	exemption := fs.String("exemption", "", "保留个人信息的豁免`类型`：disciplinary（惩戒公示）或 mandatory_disclosure（强制性信息披露）")
	basis := fs.String("basis", "", "豁免的法律`依据`（与 --exemption 一起使用）")
	leaders := fs.String("leaders", "", "本单位领导名单`文件`（TSV），用于核对姓名、职务和排序")
	date := fs.String("date", "", "按这一`日期`（YYYY-MM-DD）核对职务，默认今天（北京时间），须与 --leaders 一起使用")
	quiet(fs)
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return flagProblem(fs, err)
	}
	opts, err := exemptionOption(*exemption, *basis)
	if err != nil {
		return err
	}
	if opts.Leaders, opts.On, err = leadersOption(*leaders, *date); err != nil {
		return err
	}
	raw, err := readInput(files, st.In)
	if err != nil {
		return err
	}
	c, err := checkerWith(dicts)
	if err != nil {
		return err
	}
	if t, ok := document(raw); ok {
		return checkDocument(ctx, st, c, raw, t, opts, *asJSON)
	}
	text := string(raw)
	rep := c.Check(ctx, text, opts)
	if err := writeReport(st.Out, text, rep, *asJSON); err != nil {
		return err
	}
	if opts.Leaders != nil && !*asJSON {
		fmt.Fprintf(st.Out, "领导姓名职务按 %s 核对。\n", cmp.Or(opts.On, sensitive.Today()))
	}
	if rep.Blocked {
		return exitCode(1)
	}
	return nil
}

func writeReport(w io.Writer, text string, rep sensitive.Report, asJSON bool) error {
	if !asJSON {
		printReport(w, text, rep)
		return nil
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(rep)
}

func exemptionOption(kind, basis string) (sensitive.Options, error) {
	switch {
	case kind == "" && basis == "":
		return sensitive.Options{}, nil
	case kind != tongfa.ExemptionDisciplinary && kind != tongfa.ExemptionMandatory:
		return sensitive.Options{}, usageErrorf("--exemption 只能是 disciplinary（惩戒公示）或 mandatory_disclosure（强制性信息披露）")
	case strings.TrimSpace(basis) == "":
		return sensitive.Options{}, usageErrorf("使用 --exemption 时须用 --basis 写明法律依据")
	}
	return sensitive.Options{Exemption: &tongfa.Exemption{Type: kind, Basis: basis}}, nil
}

// leadersOption reads the leaders table and the day to judge it on; a
// bad table or day is a usage error in Chinese, with the table's line.
func leadersOption(path, date string) (*sensitive.Leaders, sensitive.Date, error) {
	var on sensitive.Date
	if date != "" {
		if path == "" {
			return nil, on, usageErrorf("--date 只能与 --leaders 一起使用")
		}
		var err error
		if on, err = sensitive.ParseDate(date); err != nil {
			return nil, on, usageErrorf("--date：%v", err)
		}
	}
	if path == "" {
		return nil, on, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, on, usageErrorf("无法读取领导名单：%s", fileProblem(path, err))
	}
	defer f.Close()
	l, err := sensitive.ParseLeaders(path, f)
	var pe *sensitive.ParseError
	switch {
	case errors.As(err, &pe):
		return nil, on, usageErrorf("领导名单 %s 第 %d 行有误：%s", pe.Source, pe.Line, pe.Msg)
	case err != nil:
		return nil, on, usageErrorf("无法读取领导名单：%s", fileProblem(path, err))
	}
	return l, on, nil
}

// checkerWith builds a checker over the shipped dictionaries plus files.
func checkerWith(files []string) (*sensitive.Checker, error) {
	ds := []*sensitive.Dictionary{sensitive.DefaultDictionary()}
	for _, f := range files {
		d, err := sensitive.ReadDictionaryFile(f)
		if err != nil {
			return nil, dictionaryProblem(f, err)
		}
		ds = append(ds, d)
	}
	c, err := sensitive.New(sensitive.DefaultNormalization, ds...)
	if err != nil {
		return nil, usageErrorf("词库无法使用")
	}
	return c, nil
}

// chineseNote is the Chinese note in parentheses that ends the
// dictionary parser's messages: "级别「severe」无效，…（级别无效）".
var chineseNote = regexp.MustCompile(`[(（]([^()（）]*\p{Han}[^()（）]*)[)）]$`)

// dictionaryProblem is the usage error of an unreadable dictionary, with
// the line at fault.
func dictionaryProblem(path string, err error) error {
	var pe *sensitive.ParseError
	if !errors.As(err, &pe) {
		return usageErrorf("无法读取词库：%s", fileProblem(path, err))
	}
	msg := "格式不对"
	if m := chineseNote.FindStringSubmatch(pe.Msg); m != nil {
		msg = m[1]
	}
	return usageErrorf("词库 %s 第 %d 行有误：%s", pe.Source, pe.Line, msg)
}

// readInput reads the one file argument, or standard input for none or
// "-"; a problem is a usage error.
func readInput(args []string, stdin io.Reader) ([]byte, error) {
	if len(args) > 1 {
		return nil, usageErrorf("最多给一个文件（或用 - 表示标准输入）")
	}
	if len(args) == 0 || args[0] == "-" {
		b, err := io.ReadAll(stdin)
		if err != nil {
			return nil, usageErrorf("无法读取标准输入")
		}
		return b, nil
	}
	b, err := os.ReadFile(args[0])
	if err != nil {
		return nil, usageErrorf("%s", fileProblem(args[0], err))
	}
	return b, nil
}

var levelNames = map[string]string{sensitive.LevelBlock: "必须修改", sensitive.LevelReview: "请审核", sensitive.LevelNotice: "提示"}

// findingLabels name what a finding is, by kind and then category; a
// category an office's own dictionary invented is shown as it is.
var findingLabels = map[string]map[string]string{
	sensitive.KindWord: {sensitive.CategorySensitiveTopic: "敏感话题", sensitive.CategoryVulgar: "低俗内容",
		sensitive.CategoryPolitical: "政治敏感内容", sensitive.CategoryCustom: "自定义敏感词"},
	sensitive.KindExpression: {"": "表述错误"},
	sensitive.KindSecret:     {"": "涉密标识"},
	sensitive.KindAd:         {"": "商业广告"},
	sensitive.KindPII: {sensitive.PIIIDCard: "身份证号", sensitive.PIIIDCardOld: "身份证号", sensitive.PIIMobile: "手机号码",
		sensitive.PIIBankCard: "银行卡号", sensitive.PIIEmail: "电子邮箱", sensitive.PIIPassport: "护照号码",
		sensitive.PIIPlate: "车牌号码", sensitive.PIIName: "个人姓名", sensitive.PIIAddress: "个人住址",
		sensitive.PIIPublicPhone: "公开电话", sensitive.PIIPublicEmail: "公务邮箱"},
	sensitive.KindLeader: {sensitive.LeaderTitle: "领导职务有误", sensitive.LeaderFormer: "领导已卸任该职务",
		sensitive.LeaderDismissed: "落马官员", sensitive.LeaderOrder: "领导排序有误", sensitive.LeaderNearName: "疑似领导姓名错字"},
}

func findingLabel(f sensitive.Finding) string {
	byCategory := findingLabels[f.Kind]
	if l, ok := byCategory[f.Category]; ok {
		return l
	}
	if l, ok := byCategory[""]; ok {
		return l
	}
	return f.Category
}

// printReport writes one line per finding (line:column, level, what, the
// text and the suggestion), then the verdict in one sentence.
func printReport(w io.Writer, text string, rep sensitive.Report) {
	for _, f := range rep.Findings {
		line := strings.Count(text[:f.Start], "\n") + 1
		col := len([]rune(text[strings.LastIndex(text[:f.Start], "\n")+1 : f.Start]))
		fmt.Fprintf(w, "%d:%d\t%s\t%s\t%s", line, col+1, levelNames[f.Level], findingLabel(f), f.Text)
		if f.Suggestion != "" {
			fmt.Fprintf(w, "\t→ %s", f.Suggestion)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, verdict(rep))
	for _, r := range rep.Reasons {
		fmt.Fprintln(w, "  ", r)
	}
}

// verdict is the report's summary line.
func verdict(rep sensitive.Report) string {
	tier := "需" + rep.RequiredTier.Label() + "。"
	switch {
	case rep.Blocked:
		return fmt.Sprintf("共 %d 处问题，其中有必须修改的问题，改正前不能送审；改正后%s", len(rep.Findings), tier)
	case len(rep.Findings) > 0:
		return fmt.Sprintf("共 %d 处问题，没有必须修改的，可以送审，%s", len(rep.Findings), tier)
	}
	return "未发现问题，可以送审，" + tier
}

func runMask(ctx context.Context, st Stdio, args []string) error {
	fs := flag.NewFlagSet("mask", flag.ContinueOnError)
	out := fs.String("out", "", "把脱敏后的文本或文档写到这个`文件`，不写到标准输出")
	quiet(fs)
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return flagProblem(fs, err)
	}
	raw, err := readInput(files, st.In)
	if err != nil {
		return err
	}
	if t, ok := document(raw); ok {
		return maskDocument(ctx, st, raw, t, *out)
	}
	return writeOutput(st.Out, *out, []byte(sensitive.Mask(string(raw))))
}
