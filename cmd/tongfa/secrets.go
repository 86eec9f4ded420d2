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
	"github.com/tongfa/tongfa/store"
)

func init() {
	register(command{name: "secrets rotate-key", summary: "re-encrypt every stored credential under a new key: --new-key-file F", run: runRotateKey})
}

// runRotateKey re-seals every credential from TONGFA_SECRET_KEY to the key
// in --new-key-file, in one transaction. Afterwards set TONGFA_SECRET_KEY
// to the new key on every process.
func runRotateKey(ctx context.Context, st Stdio, args []string) error {
	var newFile string
	cfg, _, err := loadConfig("secrets rotate-key", args, func(fs *flag.FlagSet) {
		fs.StringVar(&newFile, "new-key-file", "", "file holding the new key (64 hex digits or base64)")
	})
	if err != nil {
		return err
	}
	if err := cfg.RequireSecretKey(); err != nil {
		return usageErrorf("the current key: %v", err)
	}
	raw, err := os.ReadFile(newFile)
	if err != nil {
		return usageErrorf("--new-key-file: %v", err)
	}
	old, err := boxOf(cfg.SecretKey)
	if err != nil {
		return err
	}
	next, err := boxOf(strings.TrimSpace(string(raw)))
	if err != nil {
		return usageErrorf("new key: %v", err)
	}
	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := registry.RotateKey(ctx, db, old, next)
	if err != nil {
		return err
	}
	fmt.Fprintf(st.Out, "re-encrypted %d secrets from key %s to key %s; now set TONGFA_SECRET_KEY to the new key everywhere\n", n, old.KeyID(), next.KeyID())
	return nil
}

func boxOf(key string) (*secret.Box, error) {
	k, err := config.Config{SecretKey: key}.Key()
	if err != nil {
		return nil, err
	}
	return secret.New(k)
}
