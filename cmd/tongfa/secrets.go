package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/tongfa/tongfa/config"
	"github.com/tongfa/tongfa/registry"
	"github.com/tongfa/tongfa/secret"
)

func init() {
	register(command{name: "secrets rotate-key", args: "--new-key-file 文件", summary: "用新密钥重新加密全部平台凭据（在一个事务中完成）。", run: runRotateKey,
		help: "当前密钥取自 TONGFA_SECRET_KEY。完成后，请在每个进程上把 TONGFA_SECRET_KEY 改为新密钥。"})
}

// runRotateKey re-seals every credential from TONGFA_SECRET_KEY to the key
// in --new-key-file, in one transaction. Afterwards set TONGFA_SECRET_KEY
// to the new key on every process.
func runRotateKey(ctx context.Context, st Stdio, args []string) error {
	var newFile string
	cfg, _, err := loadConfig("secrets rotate-key", args, func(fs *flag.FlagSet) {
		fs.StringVar(&newFile, "new-key-file", "", "存放新密钥（64 位十六进制数或 base64）的`文件`")
	})
	if err != nil {
		return err
	}
	if err := cfg.RequireSecretKey(); err != nil {
		return usageErrorf("当前密钥有误：%v", err)
	}
	if newFile == "" {
		return usageErrorf("缺少必需的参数 --new-key-file")
	}
	raw, err := os.ReadFile(newFile)
	if err != nil {
		return usageErrorf("无法读取新密钥：%s", fileProblem(newFile, err))
	}
	old, err := boxOf(cfg.SecretKey)
	if err != nil {
		return usageErrorf("当前密钥有误：%v", err)
	}
	next, err := boxOf(strings.TrimSpace(string(raw)))
	if err != nil {
		return usageErrorf("新密钥有误：%v", err)
	}
	db, err := openStore(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := registry.RotateKey(ctx, db, old, next)
	if err != nil {
		return err
	}
	fmt.Fprintf(st.Out, "已把 %d 份凭据从密钥 %s 改用新密钥 %s 加密，请在每个进程上把 TONGFA_SECRET_KEY 改为新密钥。\n", n, old.KeyID(), next.KeyID())
	return nil
}

func boxOf(key string) (*secret.Box, error) {
	k, err := config.Config{SecretKey: key}.Key()
	if err != nil {
		return nil, err
	}
	return secret.New(k)
}
