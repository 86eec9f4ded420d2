package main

import (
	"cmp"
	"context"
	"fmt"
	"os"

	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/workday"
)

func init() {
	register(command{name: "holidays import", summary: "import official holidays for later years: holidays import FILE", run: runHolidaysImport})
}

// runHolidaysImport: tongfa holidays import FILE (format: docs/workdays.md).
func runHolidaysImport(ctx context.Context, st Stdio, args []string) error {
	cfg, rest, err := loadConfig("holidays import", args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageErrorf("give one file: tongfa holidays import FILE")
	}
	content, err := os.ReadFile(rest[0])
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	cals := &clocks.Calendars{DB: db}
	o, err := cals.Import(ctx, rest[0], string(content), nil, cliActor)
	if err != nil {
		return err
	}
	fmt.Fprintf(st.Out, "已导入 %d 个日期。已有国务院放假通知的年份：%s。\n", len(o.Days), cmp.Or(workday.YearsText(cals.Current().Years()), "无"))
	if text := workday.MissingText(cals.Missing(db.Now())); text != "" {
		fmt.Fprintln(st.Out, text+"（不含调休）。")
	}
	fmt.Fprintln(st.Out, "正在运行的服务重启后使用新数据。")
	return nil
}
