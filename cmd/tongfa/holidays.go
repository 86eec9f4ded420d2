package main

import (
	"cmp"
	"context"
	"fmt"
	"os"

	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/workday"
)

func init() {
	register(command{name: "holidays import", args: "文件", summary: "导入国务院办公厅公布的放假安排（文件格式见 docs/workdays.md）。", run: runHolidaysImport})
}

// runHolidaysImport: tongfa holidays import FILE (format: docs/workdays.md).
func runHolidaysImport(ctx context.Context, st Stdio, args []string) error {
	cfg, rest, err := loadConfig("holidays import", args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageErrorf("请给出一个放假安排文件：tongfa holidays import 文件")
	}
	content, err := os.ReadFile(rest[0])
	if err != nil {
		return usageErrorf("%s", fileProblem(rest[0], err))
	}
	db, err := openStore(ctx, cfg.DatabaseURL)
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
