package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/hub"
	"github.com/tongfa/tongfa/reports"
	"github.com/tongfa/tongfa/stats"
	"github.com/tongfa/tongfa/store"
)

func init() {
	register(command{name: "report", run: runReport, args: "week|month|quarter|year|custom [--from 日期] [--to 日期] [--unit 单位] [--account 编号] [--format json|csv|xlsx] [--out 文件]",
		summary: "生成考核报表：周报、月报、季报、年报或自定义时段（见 docs/reports.md）。"})
}

// reportFlags are report's own arguments, as text: reports.Params reads
// them exactly as the API reads its query.
type reportFlags struct {
	reports.Params
	out string
}

func (f *reportFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.From, "from", "", "起始`日期` YYYY-MM-DD（北京时间）；周报等取包含该日的周期，默认今天")
	fs.StringVar(&f.To, "to", "", "截止日期的次日 YYYY-MM-DD；自定义时段必填")
	fs.StringVar(&f.Unit, "unit", "", "`单位`名称或编号：该单位及其下级单位（默认全部单位）")
	fs.StringVar(&f.Account, "account", "", "只统计一个账号，给出其`编号`")
	fs.StringVar(&f.Format, "format", "json", "输出`格式`：json、csv 或 xlsx")
	fs.StringVar(&f.out, "out", "", "写入这个`文件`而不是标准输出（xlsx 必填）")
}

// runReport: tongfa report KIND [flags] writes the report of every unit
// (or of --unit / --account) over the period.
func runReport(ctx context.Context, st Stdio, args []string) error {
	var f reportFlags
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		f.Kind, args = args[0], args[1:]
	}
	cfg, rest, err := loadConfig("report", args, f.define)
	if err != nil {
		return err
	}
	switch {
	case f.Kind == "":
		return usageErrorf("请先给出报表周期：tongfa report week|month|quarter|year|custom [参数]")
	case len(rest) > 0:
		return usageErrorf("多余的参数「%s」", rest[0])
	case f.Format == reports.FormatXLSX && f.out == "":
		return usageErrorf("Excel 格式须用 --out 指定输出文件")
	}
	db, err := openStore(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	replica, err := hub.OpenReplica(ctx, cfg.DatabaseReplicaURL, db)
	if err != nil {
		return err
	}
	if replica != nil {
		defer replica.Close()
	}
	rep, err := buildReport(ctx, db, replica, f.Params)
	if err != nil {
		return err
	}
	return saveReport(st.Out, rep, f.Format, f.out)
}

// buildReport builds the report with the calendar and clock policies the
// hub uses, reading the records from replica when there is one.
func buildReport(ctx context.Context, db, replica *store.DB, p reports.Params) (*reports.Report, error) {
	unit, err := unitID(ctx, db, p.Unit)
	if err != nil {
		return nil, err
	}
	p.Unit = unit
	req, err := p.Parse(db.Now())
	var e *tongfa.Error
	if errors.As(err, &e) && e.Code == tongfa.EBadQuery {
		return nil, usageErrorf("%s", e.Message)
	}
	if err != nil {
		return nil, err
	}
	cals := &clocks.Calendars{DB: db}
	if err := cals.Load(ctx); err != nil {
		return nil, err
	}
	// The same report the hub makes: its clocks and its ranking indices,
	// its records read from the replica when one is configured.
	svc := &reports.Service{DB: db, Clocks: &clocks.Service{DB: db, Calendar: cals.Current}, Indices: &stats.Service{DB: db}, Replica: replica}
	return svc.Make(ctx, req, nil)
}

// unitID turns a unit name into its id; an id stays as it is.
func unitID(ctx context.Context, db *store.DB, unit string) (string, error) {
	if _, err := strconv.ParseInt(unit, 10, 64); unit == "" || err == nil {
		return unit, nil
	}
	u, err := db.UnitByName(ctx, unit)
	if err != nil {
		return "", notFoundAs(err, "没有名为「%s」的单位", unit)
	}
	return strconv.FormatInt(u.ID, 10), nil
}

func saveReport(stdout io.Writer, rep *reports.Report, format, out string) error {
	if out == "" {
		return rep.Write(stdout, format)
	}
	file, err := os.Create(out)
	if err != nil {
		return failure(err, "无法写入报表：%s", fileProblem(out, err))
	}
	if err := rep.Write(file, format); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}
