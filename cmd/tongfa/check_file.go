package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/media/attach"
	"github.com/tongfa/tongfa/media/sniff"
	"github.com/tongfa/tongfa/sensitive"
)

// parseInterspersed parses flags before and after the file argument
// (tongfa mask in.xlsx --out out.xlsx), which flag.Parse alone stops at.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return files, nil
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// document reports whether raw is a Word, Excel or PDF file, by content:
// those are checked and masked as documents, anything else as text.
func document(raw []byte) (sniff.Type, bool) {
	t, err := sniff.Detect(raw)
	return t, err == nil && (t == sniff.DOCX || t == sniff.XLSX || t == sniff.PDF)
}

// checkDocument checks a document's text piece by piece; findings are
// printed with their place (Sheet1!C7, 第 3 段, 第 2 页).
func checkDocument(ctx context.Context, st Stdio, c *sensitive.Checker, raw []byte, t sniff.Type, opts sensitive.Options, asJSON bool) error {
	doc, err := attach.Extract(raw, t)
	if err != nil {
		return usageErrorf("%s", tongfa.ErrorMessage(err))
	}
	rep := attach.Check(ctx, c, doc, opts)
	if asJSON {
		enc := json.NewEncoder(st.Out)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		printDocumentReport(st.Out, rep)
	}
	if rep.Blocked {
		return exitCode(1)
	}
	return nil
}

func printDocumentReport(w io.Writer, rep *attach.Report) {
	for _, f := range rep.Findings {
		fmt.Fprintf(w, "%s\t%s\t%s/%s\t%s", f.Location, levelNames[f.Level], f.Kind, f.Category, f.Text)
		if f.Suggestion != "" {
			fmt.Fprintf(w, "\t→ %s", f.Suggestion)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%s: %d pieces of text checked; required tier: %s; blocked: %v; %d findings\n",
		rep.Type, rep.Segments, rep.RequiredTier, rep.Blocked, len(rep.Findings))
	for _, r := range rep.Reasons {
		fmt.Fprintln(w, "  ", r)
	}
}

// maskDocument writes a masked copy of a Word or Excel document to out.
func maskDocument(ctx context.Context, st Stdio, raw []byte, t sniff.Type, out string) error {
	if out == "" || out == "-" {
		return usageErrorf("脱敏 Word、Excel 或 PDF 文件需要用 --out 指定输出文件")
	}
	doc, err := attach.Extract(raw, t)
	if err != nil {
		return usageErrorf("%s", tongfa.ErrorMessage(err))
	}
	c := sensitive.NewDefault()
	masked, err := attach.Mask(ctx, c, doc)
	if tongfa.ErrorCode(err) == tongfa.EBlocked {
		fmt.Fprintln(st.Err, tongfa.ErrorMessage(err))
		return exitCode(1)
	}
	if err != nil {
		return err
	}
	if err := writeOutput(st.Out, out, masked); err != nil {
		return err
	}
	n := 0
	for _, f := range attach.Check(ctx, c, doc, sensitive.Options{}).Findings {
		if f.Kind == sensitive.KindPII && f.Replacement != "" {
			n++
		}
	}
	fmt.Fprintf(st.Out, "已脱敏 %d 处个人信息，写入 %s\n", n, out)
	return nil
}

// writeOutput writes b to the file out, or to w when out is empty or -.
func writeOutput(w io.Writer, out string, b []byte) error {
	if out == "" || out == "-" {
		_, err := w.Write(b)
		return err
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		return usageErrorf("无法写入 %s：%v", out, err)
	}
	return nil
}
