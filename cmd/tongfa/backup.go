package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tongfa/tongfa/backup"
	"github.com/tongfa/tongfa/workday"
)

func init() {
	register(command{name: "backup check", args: "[--backup-dir 目录] [--backup-max-age 时长]", run: runBackupCheck,
		summary: "检查最新的数据库备份是否足够新、能否用于恢复，不合格时退出状态为 1。",
		help: "备份目录取自 TONGFA_BACKUP_DIR：其中最新的 pg_dump -Fc 文件或 -Fd 目录须能被 pg_restore --list 完整读出，" +
			"最新的 pg_basebackup -Fp 目录须通过 pg_verifybackup 校验（WAL 取自备份本身或 TONGFA_BACKUP_WAL_DIR）。备份和恢复的步骤见 docs/deployment.md。"})
}

// runBackupCheck verifies the newest backup; a monitoring job runs it after
// each backup and alerts on exit status 1.
func runBackupCheck(ctx context.Context, st Stdio, args []string) error {
	cfg, _, err := loadConfig("backup check", args)
	if err != nil {
		return err
	}
	c := &backup.Checker{Dir: cfg.BackupDir, WALDir: cfg.BackupWALDir, MaxAge: cfg.BackupMaxAge}
	rep, err := c.Check(ctx)
	var p *backup.Problem
	switch {
	case errors.As(err, &p):
		fmt.Fprintf(st.Out, "备份检查未通过：%s\n", p.Error())
		return exitCode(1)
	case err != nil:
		return err
	}
	kind := "pg_dump 备份"
	if rep.Kind == backup.KindBaseDir {
		kind = "基础备份"
	}
	fmt.Fprintf(st.Out, "备份检查通过：最新的%s %s 写于 %s（%s前，时限 %s）；%s。\n", kind, rep.Path,
		rep.Taken.In(workday.Location()).Format(time.DateTime), rep.Age.Round(time.Minute), cfg.BackupMaxAge, rep.Detail)
	return nil
}
