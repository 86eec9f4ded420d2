package main

import (
	"cmp"
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
		help: "当前密钥取自 TONGFA_SECRET_KEY，算法套件取自 TONGFA_CRYPTO。完成后，请在每个进程上把 TONGFA_SECRET_KEY（和 TONGFA_CRYPTO）改为新的值。"})
}

// runRotateKey re-seals every credential from TONGFA_SECRET_KEY to the key
// in --new-key-file, in one transaction. Afterwards set TONGFA_SECRET_KEY
// to the new key on every process.
func runRotateKey(ctx context.Context, st Stdio, args []string) error {
	var newFile, newSuite string
	cfg, _, err := loadConfig("secrets rotate-key", args, func(fs *flag.FlagSet) {
		fs.StringVar(&newFile, "new-key-file", "", "存放新密钥（64 位十六进制数或 base64）的`文件`；只换算法套件时可省略")
		fs.StringVar(&newSuite, "new-crypto", "", "重新加密所用的算法`套件`：std（AES-256-GCM）或 sm（SM4-GCM），默认同 TONGFA_CRYPTO")
	})
	if err != nil {
		return err
	}
	if err := cfg.RequireSecretKey(); err != nil {
		return usageErrorf("当前密钥有误：%v", err)
	}
	if newFile == "" && newSuite == "" {
		return usageErrorf("缺少必需的参数 --new-key-file（或只换算法套件时的 --new-crypto）")
	}
	newKey := cfg.SecretKey
	if newFile != "" {
		raw, err := os.ReadFile(newFile)
		if err != nil {
			return usageErrorf("无法读取新密钥：%s", fileProblem(newFile, err))
		}
		newKey = strings.TrimSpace(string(raw))
	}
	old, err := cfg.Box()
	if err != nil {
		return usageErrorf("当前密钥有误：%v", err)
	}
	next, err := config.Config{SecretKey: newKey, Crypto: cmp.Or(newSuite, cfg.Crypto)}.Box()
	if err != nil {
		return usageErrorf("新密钥或算法套件有误：%v", err)
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
	fmt.Fprintf(st.Out, "已把 %d 份凭据从密钥 %s（%s）改用密钥 %s（%s）加密，请在每个进程上把 TONGFA_SECRET_KEY 和 TONGFA_CRYPTO 改为新的值。\n",
		n, old.KeyID(), suiteName(old.Suite()), next.KeyID(), suiteName(next.Suite()))
	return nil
}

func suiteName(s string) string {
	if s == secret.SM {
		return "SM4-GCM"
	}
	return "AES-256-GCM"
}
