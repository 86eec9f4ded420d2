package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tongfa/tongfa/config"
	"github.com/tongfa/tongfa/queue/queuetest"
	"github.com/tongfa/tongfa/secret"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
)

// TestRotateKeyAcrossSuites: `secrets rotate-key --new-crypto` re-seals
// under the other suite with the same key, and --new-key-file with a new
// key back; the stored secret stays readable at every step.
func TestRotateKeyAcrossSuites(t *testing.T) {
	db, url := storetest.NewWithURL(t)
	ctx := context.Background()
	t.Setenv("TONGFA_SECRET_KEY", queuetest.Key)
	t.Setenv("TONGFA_CRYPTO", "std")
	cliOK(t, url, "", "unit", "add", "--name", "甲市")
	cliOK(t, url, "Leader-Passw0rd\n", "user", "add", "--username", "lead", "--display-name", "领导", "--unit", "甲市", "--role", "deputy", "--password-stdin")
	u, err := db.UserByUsername(ctx, "lead")
	if err != nil {
		t.Fatal(err)
	}
	box, _ := config.Config{SecretKey: queuetest.Key, Crypto: "std"}.Box()
	err = db.InTx(ctx, func(tx *store.Tx) error {
		return tx.StartTOTP(ctx, u.ID, box.Seal([]byte("JBSWY3DPEHPK3PXP"), store.TOTPAAD(u.ID)))
	})
	if err != nil {
		t.Fatal(err)
	}
	readable := func(key, suite string) {
		t.Helper()
		tf, _ := db.UserTOTP(ctx, u.ID)
		b, _ := config.Config{SecretKey: key, Crypto: suite}.Box()
		if got := secret.SuiteOf(tf.Sealed); got != suite {
			t.Fatalf("sealed with %s, want %s", got, suite)
		}
		if pt, err := b.Open(tf.Sealed, store.TOTPAAD(u.ID)); err != nil || string(pt) != "JBSWY3DPEHPK3PXP" {
			t.Fatalf("under %s: %q %v", suite, pt, err)
		}
	}
	if out := cliOK(t, url, "", "secrets", "rotate-key", "--new-crypto", "sm"); !strings.Contains(out, "（SM4-GCM）") {
		t.Fatalf("to sm: %s", out)
	}
	readable(queuetest.Key, "sm")
	t.Setenv("TONGFA_CRYPTO", "sm")
	next := strings.Repeat("6b", 32)
	file := filepath.Join(t.TempDir(), "new.key")
	os.WriteFile(file, []byte(next+"\n"), 0o600) //nolint:errcheck
	if out := cliOK(t, url, "", "secrets", "rotate-key", "--new-key-file", file, "--new-crypto", "std"); !strings.Contains(out, "（AES-256-GCM）") {
		t.Fatalf("to std: %s", out)
	}
	readable(next, "std")
}
