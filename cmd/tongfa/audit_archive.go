package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/tongfa/tongfa/audit"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/workday"
)

func init() {
	register(command{name: "audit export", args: "--before 日期 --out 文件", run: runAuditExport,
		summary: "把早于某日的审计行导出为归档文件，保留期删除这些行之后仍可用 audit verify --archive 校验。",
		help: "导出从数据库中最早的审计行到该日 0 时（北京时间）之前的最后一行，文件头由审计密钥签名。导出本身记入审计日志。" +
			"请在保留期（TONGFA_AUDIT_RETENTION_DAYS）删除这些行之前导出，并把文件保存到数据库主机以外。"})
	register(command{name: "audit prune", run: runAuditPrune,
		summary: "立即删除超过保留期（TONGFA_AUDIT_RETENTION_DAYS，不少于 180 天）的审计行，与投递进程每日的清理相同。"})
}

func runAuditExport(ctx context.Context, st Stdio, args []string) error {
	var before, out string
	db, _, err := openAudit(ctx, "audit export", args, func(fs *flag.FlagSet) {
		fs.StringVar(&before, "before", "", "导出此`日期`（YYYY-MM-DD，北京时间 0 时）之前写入的行")
		fs.StringVar(&out, "out", "", "写入的归档`文件`（不覆盖已有文件）")
	})
	if err != nil {
		return err
	}
	defer db.Close()
	cut, err := time.ParseInLocation(time.DateOnly, before, workday.Location())
	if err != nil {
		return usageErrorf("--before 须为日期，如 2026-06-01")
	}
	if out == "" {
		return usageErrorf("缺少必需的参数 --out")
	}
	arch, err := db.ExportAudit(ctx, cut, cliActor)
	if errors.Is(err, store.ErrNothingToExport) {
		fmt.Fprintf(st.Out, "%s（%s 之前）。\n", store.ErrNothingToExport.Message, before)
		return exitCode(1)
	}
	if err != nil {
		return err
	}
	if err := audit.WriteArchiveFile(out, arch); err != nil {
		return usageErrorf("无法写入归档文件：%s", fileProblem(out, err))
	}
	h := arch.Header
	fmt.Fprintf(st.Out, "已把第 %d 至 %d 行共 %d 行（%s 之前写入）导出到 %s。请把它保存到数据库主机以外；保留期删除这些行之后，用 tongfa audit verify --archive %[5]s 校验。\n",
		h.FromSeq, h.ToSeq, h.Rows, before, out)
	return nil
}

func runAuditPrune(ctx context.Context, st Stdio, args []string) error {
	db, cfg, err := openAudit(ctx, "audit prune", args, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := validConfig(cfg); err != nil {
		return err
	}
	n, err := db.PruneAudit(ctx, cfg.AuditRetention())
	if err != nil {
		return err
	}
	fmt.Fprintf(st.Out, "已删除 %d 行超过保留期（%d 天）的审计行。\n", n, int(cfg.AuditRetention().Hours()/24))
	return nil
}

func readArchiveFiles(files []string) ([]store.AuditArchive, error) {
	return readFiles(files, "归档文件", audit.ReadArchive)
}
