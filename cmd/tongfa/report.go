package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/reports"
	"github.com/tongfa/tongfa/store"
)

func init() {
	register(command{name: "report", run: runReport,
		summary: "assessment report: report week|month|quarter|year|custom [--from D] [--to D] [--unit U] [--account ID] [--format json|csv|xlsx] [--out FILE]"})
}

// reportFlags are report's own arguments, as text: reports.Params reads
// them exactly as the API reads its query.
type reportFlags struct {
	reports.Params
	out string
}

func (f *reportFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.From, "from", "", "first day, YYYY-MM-DD (China time); fixed kinds take the period containing it (default: today)")
	fs.StringVar(&f.To, "to", "", "day after the last, YYYY-MM-DD; required for custom")
	fs.StringVar(&f.Unit, "unit", "", "unit name or id: that unit with the units below it (default: every unit)")
	fs.StringVar(&f.Account, "account", "", "one account's id")
	fs.StringVar(&f.Format, "format", "json", "json, csv or xlsx")
	fs.StringVar(&f.out, "out", "", "write to this file instead of standard output (required for xlsx)")
}

// runReport: tongfa report KIND [flags] writes the report of every unit
// (or of --unit / --account) over the period.
func runReport(ctx context.Context, st Stdio, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return usageErrorf("give the period kind first: tongfa report week|month|quarter|year|custom [flags]")
	}
	f := reportFlags{Params: reports.Params{Kind: args[0]}}
	cfg, rest, err := loadConfig("report", args[1:], f.define)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErrorf("unexpected argument %q", rest[0])
	}
	if f.Format == reports.FormatXLSX && f.out == "" {
		return usageErrorf("an Excel workbook needs --out FILE")
	}
	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := buildReport(ctx, db, f.Params)
	if err != nil {
		return err
	}
	return saveReport(st.Out, rep, f.Format, f.out)
}

// buildReport builds the report with the calendar and clock policies the
// hub uses.
func buildReport(ctx context.Context, db *store.DB, p reports.Params) (*reports.Report, error) {
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
	svc := &reports.Service{DB: db, Clocks: &clocks.Service{DB: db, Calendar: cals.Current}}
	return svc.Make(ctx, req, nil)
}

// unitID turns a unit name into its id; an id stays as it is.
func unitID(ctx context.Context, db *store.DB, unit string) (string, error) {
	if _, err := strconv.ParseInt(unit, 10, 64); unit == "" || err == nil {
		return unit, nil
	}
	u, err := db.UnitByName(ctx, unit)
	if err != nil {
		return "", fmt.Errorf("unit %q: %w", unit, err)
	}
	return strconv.FormatInt(u.ID, 10), nil
}

func saveReport(stdout io.Writer, rep *reports.Report, format, out string) error {
	if out == "" {
		return rep.Write(stdout, format)
	}
	file, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := rep.Write(file, format); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}
