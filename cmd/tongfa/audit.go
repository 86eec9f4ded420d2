package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/audit"
	"github.com/tongfa/tongfa/config"
	"github.com/tongfa/tongfa/store"
)

func init() {
	register(command{name: "audit verify", args: "[--checkpoint 文件]... [--archive 文件]...", summary: "用审计密钥校验审计链，发现被改动时退出状态为 1。", run: runAuditVerify,
		help: "--archive 给出用「审计导出」（audit export 命令）得到的归档文件：校验从最早的归档开始，经过各归档，接上数据库中的行；保留期删除的行必须都在归档中。"})
	register(command{name: "audit upgrade", summary: "开始用密钥封存此前未用密钥封存的审计链（升级后运行一次）。", run: runAuditUpgrade})
	register(command{name: "audit checkpoint", summary: "打印审计链的一个签名校验点（同时追加到 TONGFA_AUDIT_CHECKPOINT_FILE）。", run: runAuditCheckpoint})
	register(command{name: "audit key", summary: "打印正在使用的审计密钥，以便轮换 TONGFA_SECRET_KEY 前把它固定为 TONGFA_AUDIT_KEY。", run: runAuditKey})
}

// auditMAC is the audit chain's MAC from a validated configuration; nil
// when no key is configured (the chain can then only be sealed unkeyed).
func auditMAC(cfg config.Config) *tongfa.AuditMAC {
	mac, err := cfg.AuditMAC()
	if err != nil {
		return nil
	}
	return mac
}

// openAudit is openWith for the audit commands, which cannot work without
// the audit key.
func openAudit(ctx context.Context, name string, args []string, def func(*flag.FlagSet)) (*store.DB, config.Config, error) {
	cfg, _, err := loadConfig(name, args, def)
	if err != nil {
		return nil, cfg, err
	}
	mac, err := cfg.AuditMAC()
	if err != nil {
		return nil, cfg, usageErrorf("%s", keyProblem(err))
	}
	db, err := openStore(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, cfg, err
	}
	db.AuditMAC = mac
	return db, cfg, nil
}

func keyProblem(err error) string {
	var e *tongfa.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "审计密钥无效，TONGFA_AUDIT_KEY（或 TONGFA_SECRET_KEY）须为 32 字节，写作 64 位十六进制数或 base64"
}

// runAuditVerify seals what is pending (as any hub process would) and then
// walks the chain, comparing it with every checkpoint file given.
func runAuditVerify(ctx context.Context, st Stdio, args []string) error {
	var files, archiveFiles multiFlag
	db, _, err := openAudit(ctx, "audit verify", args, func(fs *flag.FlagSet) {
		fs.Var(&files, "checkpoint", "与审计链比对的校验点`文件`（JSON 行，与投递进程写入的格式相同）；可重复")
		fs.Var(&archiveFiles, "archive", "审计导出（audit export 命令）得到的归档`文件`；可重复")
	})
	if err != nil {
		return err
	}
	defer db.Close()
	cps, err := readCheckpointFiles(files, db.AuditMAC)
	if err != nil {
		fmt.Fprintf(st.Out, "校验失败：%v\n", err)
		return exitCode(1)
	}
	archives, err := readArchiveFiles(archiveFiles)
	if err != nil {
		fmt.Fprintf(st.Out, "校验失败：%v\n", err)
		return exitCode(1)
	}
	db.SealAudit(ctx) //nolint:errcheck // what sealing cannot do (wrong key), verification reports
	rep, err := db.VerifyAuditWith(ctx, archives, cps...)
	var broken *store.ErrChainBroken
	switch {
	case errors.As(err, &broken):
		fmt.Fprintf(st.Out, "校验失败：%s（在此之前 %d 行无误）\n", broken.Reason, rep.Verified)
		return exitCode(1)
	case errors.Is(err, store.ErrAuditNotKeyed):
		fmt.Fprintf(st.Out, "校验失败：%s\n", store.ErrAuditNotKeyed.Message)
		return exitCode(1)
	case err != nil:
		return err
	}
	fmt.Fprintln(st.Out, verifiedSummary(rep, len(files) > 0))
	return nil
}

// verifiedSummary says in one sentence what a successful verification
// covered.
func verifiedSummary(rep store.AuditReport, withCheckpoints bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "校验通过：审计链 %d 行均无误", rep.Verified)
	if rep.Legacy > 0 {
		fmt.Fprintf(&b, "（其中 %d 行封存于启用密钥之前）", rep.Legacy)
	}
	if rep.Archived > 0 {
		fmt.Fprintf(&b, "（其中 %d 行来自归档文件）", rep.Archived)
	}
	if withCheckpoints {
		fmt.Fprintf(&b, "，与 %d 个校验点一致", rep.Checkpoints)
		if rep.Pruned > 0 {
			fmt.Fprintf(&b, "（另有 %d 个校验点所指的行已按保留期删除，无从比对）", rep.Pruned)
		}
	} else {
		b.WriteString("，未比对校验点（末尾被删除的行只有用 --checkpoint 才能发现）")
	}
	if rep.Unsealed > 0 {
		fmt.Fprintf(&b, "；另有 %d 行刚提交、尚未封存（最早 %s）", rep.Unsealed, rep.OldestUnsealed.Format(time.RFC3339))
	}
	b.WriteString("。")
	return b.String()
}

func readCheckpointFiles(files []string, mac *tongfa.AuditMAC) ([]tongfa.AuditCheckpoint, error) {
	lists, err := readFiles(files, "校验点文件", func(r io.Reader, name string) ([]tongfa.AuditCheckpoint, error) {
		cps, err := audit.ReadCheckpoints(r, mac)
		if err != nil {
			err = fmt.Errorf("%s：%w", name, err)
		}
		return cps, err
	})
	var all []tongfa.AuditCheckpoint
	for _, cps := range lists {
		all = append(all, cps...)
	}
	return all, err
}

// readFiles opens each file and reads it with read; what is a file is
// named in a message about a file that cannot be opened.
func readFiles[T any](files []string, what string, read func(r io.Reader, name string) (T, error)) ([]T, error) {
	var all []T
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, errors.New("无法打开" + what + "：" + fileProblem(name, err))
		}
		v, err := read(f, name)
		f.Close()
		if err != nil {
			return nil, err
		}
		all = append(all, v)
	}
	return all, nil
}

func runAuditUpgrade(ctx context.Context, st Stdio, args []string) error {
	db, _, err := openAudit(ctx, "audit upgrade", args, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := db.UpgradeAudit(ctx, cliActor)
	var broken *store.ErrChainBroken
	switch {
	case errors.As(err, &broken):
		fmt.Fprintf(st.Out, "未启用密钥封存：现有审计链校验未通过，%s；请先查明原因。\n", broken.Reason)
		return exitCode(1)
	case err != nil:
		return err
	case res.Already:
		fmt.Fprintln(st.Out, "审计链已经用密钥封存，无需升级。")
	default:
		fmt.Fprintf(st.Out, "已启用密钥封存：此前未用密钥封存的 %d 行由第 %d 行起的密钥封存行担保，请立即导出一个校验点（tongfa audit checkpoint）另行保存。\n",
			res.Legacy, res.Seq)
	}
	return nil
}

// runAuditCheckpoint prints one signed checkpoint line, so that a machine
// other than the database's can pull checkpoints (e.g. from cron) into
// storage the database host cannot write.
func runAuditCheckpoint(ctx context.Context, st Stdio, args []string) error {
	db, cfg, err := openAudit(ctx, "audit checkpoint", args, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	x := &audit.Exporter{Chain: db, File: cfg.AuditCheckpointFile, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	c, err := x.Export(ctx)
	if err != nil {
		return err
	}
	return json.NewEncoder(st.Out).Encode(c)
}

// runAuditKey prints the key the chain is sealed with. Derived from
// TONGFA_SECRET_KEY unless TONGFA_AUDIT_KEY is set, it would change with a
// rotation of the secret key; pinning it first keeps the chain verifiable.
func runAuditKey(_ context.Context, st Stdio, args []string) error {
	cfg, _, err := loadConfig("audit key", args)
	if err != nil {
		return err
	}
	key, err := cfg.AuditMACKey()
	if err != nil {
		return usageErrorf("%s", keyProblem(err))
	}
	fmt.Fprintln(st.Out, hex.EncodeToString(key))
	fmt.Fprintf(st.Err, "以上是当前的审计密钥（编号 %s），请像 TONGFA_SECRET_KEY 一样保管；轮换 TONGFA_SECRET_KEY 之前把它设为 TONGFA_AUDIT_KEY。\n",
		tongfa.NewAuditMACSuite(cfg.Crypto, key).Name())
	return nil
}
