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
	"strings"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/sensitive"
)

func init() {
	register(command{name: "check", summary: "check text for sensitive words, expression errors, secrets, ads and personal data", run: runCheck})
	register(command{name: "mask", summary: "write the text with personal data de-identified", run: runMask})
}

const checkUsage = `usage: tongfa check [--json] [--dict FILE]... [--leaders FILE [--date YYYY-MM-DD]]
                    [--exemption TYPE --basis TEXT] [FILE|-]

Checks a text (a file, or standard input for none or -) for sensitive words,
expression errors, secret markers, advertising and personal data.
--dict files (UTF-8 TSV: word<TAB>category<TAB>level[<TAB>suggestion], # comments,
!phrase allow lines) are merged with the shipped dictionaries, not instead of them.
--leaders reads the office's leaders (UTF-8 TSV, one row per title held:
name<TAB>title<TAB>from<TAB>to<TAB>order<TAB>status[<TAB>former names], dates
YYYY-MM-DD, empty to = still held, status serving|left|dismissed[:YYYY-MM-DD])
and reports leaders' names with wrong or former titles, dismissed officials,
lists against protocol order and near misses of a name, as of --date (default
today, China time).
Exit status: 0 the text may go to sign-off; 1 a block-level finding stops it;
2 a usage error, an unreadable file, a bad dictionary, leaders table or date.

flags:
`

// runCheck: tongfa check [--json] [--dict FILE]... [--exemption TYPE --basis TEXT] [FILE|-]
func runCheck(ctx context.Context, st Stdio, args []string) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(st.Err)
	fs.Usage = func() { fmt.Fprint(st.Err, checkUsage); fs.PrintDefaults() }
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	var dicts multiFlag
	fs.Var(&dicts, "dict", "extra dictionary `FILE` (TSV), merged with the shipped ones; repeatable")
	exemption := fs.String("exemption", "", "keep personal data: `TYPE` disciplinary (惩戒公示) or mandatory_disclosure (强制性信息披露)")
	basis := fs.String("basis", "", "the legal basis of the exemption (required with --exemption)")
	leaders := fs.String("leaders", "", "the office's leaders `FILE` (TSV): check names, titles and order")
	date := fs.String("date", "", "judge titles as of this `YYYY-MM-DD` (default today, China time; needs --leaders)")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(err)
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
		return usageErrorf("%v", err)
	}
	c, err := checkerWith(dicts)
	if err != nil {
		return usageErrorf("%v", err)
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
		fmt.Fprintf(st.Out, "领导姓名职务按 %s 核对\n", cmp.Or(opts.On, sensitive.Today()))
	}
	if rep.Blocked {
		return exitCode(1)
	}
	return nil
}

// flagError makes -h a success and any other flag mistake a usage error
// (the flag package has already printed the usage).
func flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return exitCode(2)
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
		return sensitive.Options{}, usageErrorf("--exemption must be disciplinary or mandatory_disclosure")
	case strings.TrimSpace(basis) == "":
		return sensitive.Options{}, usageErrorf("--exemption needs --basis (the legal basis)")
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
		return nil, on, usageErrorf("无法读取领导名单 %s：%v", path, err)
	}
	defer f.Close()
	l, err := sensitive.ParseLeaders(path, f)
	var pe *sensitive.ParseError
	switch {
	case errors.As(err, &pe):
		return nil, on, usageErrorf("领导名单 %s 第 %d 行有误：%s", pe.Source, pe.Line, pe.Msg)
	case err != nil:
		return nil, on, usageErrorf("无法读取领导名单 %s：%v", path, err)
	}
	return l, on, nil
}

// checkerWith builds a checker over the shipped dictionaries plus files.
func checkerWith(files []string) (*sensitive.Checker, error) {
	ds := []*sensitive.Dictionary{sensitive.DefaultDictionary()}
	for _, f := range files {
		d, err := sensitive.ReadDictionaryFile(f)
		if err != nil {
			return nil, err
		}
		ds = append(ds, d)
	}
	return sensitive.New(sensitive.DefaultNormalization, ds...)
}

// readInput reads the one file argument, or standard input for none or "-".
func readInput(args []string, stdin io.Reader) ([]byte, error) {
	if len(args) > 1 {
		return nil, usageErrorf("give at most one file (or - for standard input)")
	}
	if len(args) == 0 || args[0] == "-" {
		return io.ReadAll(stdin)
	}
	return os.ReadFile(args[0])
}

var levelNames = map[string]string{"block": "必须修改", "review": "请审核", "notice": "提示"}

// printReport writes one line per finding: line:column, level, what and
// the suggestion.
func printReport(w io.Writer, text string, rep sensitive.Report) {
	for _, f := range rep.Findings {
		line := strings.Count(text[:f.Start], "\n") + 1
		col := len([]rune(text[strings.LastIndex(text[:f.Start], "\n")+1 : f.Start]))
		fmt.Fprintf(w, "%d:%d\t%s\t%s/%s\t%s", line, col+1, levelNames[f.Level], f.Kind, f.Category, f.Text)
		if f.Suggestion != "" {
			fmt.Fprintf(w, "\t→ %s", f.Suggestion)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "required tier: %s; blocked: %v; %d findings\n", rep.RequiredTier, rep.Blocked, len(rep.Findings))
	for _, r := range rep.Reasons {
		fmt.Fprintln(w, "  ", r)
	}
}

const maskUsage = `usage: tongfa mask [FILE|-] [--out FILE]

Writes the text (a file, or standard input for none or -) to standard output,
or to --out, with its personal data de-identified: 410602********1230,
138****2345, 王某某. Office telephones and hotlines are public and kept.
A Word or Excel document (.docx, .xlsx, recognised by its content) is written
to --out as a masked copy: only the cells and runs holding personal data
change. A PDF cannot be masked reliably: exit status 1 with the reason.

flags:
`

func runMask(ctx context.Context, st Stdio, args []string) error {
	fs := flag.NewFlagSet("mask", flag.ContinueOnError)
	fs.SetOutput(st.Err)
	fs.Usage = func() { fmt.Fprint(st.Err, maskUsage); fs.PrintDefaults() }
	out := fs.String("out", "", "write the masked text or document to `FILE` instead of standard output")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(err)
	}
	raw, err := readInput(files, st.In)
	if err != nil {
		return usageErrorf("%v", err)
	}
	if t, ok := document(raw); ok {
		return maskDocument(ctx, st, raw, t, *out)
	}
	return writeOutput(st.Out, *out, []byte(sensitive.Mask(string(raw))))
}
