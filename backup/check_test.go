package backup_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa/backup"
	"github.com/tongfa/tongfa/store/storetest"
)

// dump writes a custom-format pg_dump of a fresh migrated schema into dir.
func dump(t *testing.T, dir, name string, extra ...string) string {
	t.Helper()
	db := storetest.New(t)
	var schema string
	if err := db.Pool.QueryRow(context.Background(), `SELECT current_schema()`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	args := append([]string{"--format=custom", "--schema", schema, "--file", path, "--dbname", storetest.URL()}, extra...)
	if out, err := exec.Command("pg_dump", args...).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	return path
}

func check(t *testing.T, c *backup.Checker, want string) backup.Report {
	t.Helper()
	rep, err := c.Check(context.Background())
	var p *backup.Problem
	switch {
	case want == "" && err != nil:
		t.Fatalf("check: %v", err)
	case want != "" && (!errors.As(err, &p) || !strings.Contains(p.Reason, want)):
		t.Fatalf("check: %v, want a problem saying %q", err, want)
	}
	return rep
}

func TestDumpMustListAndHoldEveryTable(t *testing.T) {
	dir := t.TempDir()
	c := &backup.Checker{Dir: dir, MaxAge: time.Hour}
	check(t, c, "目录中没有备份")

	good := dump(t, dir, "a.dump")
	rep := check(t, c, "")
	if rep.Path != good || rep.Kind != backup.KindDump || rep.Entries < 50 {
		t.Fatalf("report %+v", rep)
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a backup"), 0o600) //nolint:errcheck
	check(t, c, "")

	// The newest backup decides, even when an older one is good.
	raw, _ := os.ReadFile(good)
	later := filepath.Join(dir, "b.dump")
	os.WriteFile(later, raw[:len(raw)/2], 0o600) //nolint:errcheck
	touch(t, later, time.Now().Add(time.Minute))
	check(t, c, "pg_restore 无法读取此备份")

	dump(t, dir, "c.dump", "--schema-only")
	touch(t, filepath.Join(dir, "c.dump"), time.Now().Add(2*time.Minute))
	check(t, c, "没有这些表的数据：items、item_versions")

	c.Now = func() time.Time { return time.Now().Add(3 * time.Hour) }
	check(t, c, "超过了 1h0m0s 的时限")
}

func touch(t *testing.T, path string, at time.Time) {
	t.Helper()
	if err := os.Chtimes(path, at, at); err != nil {
		t.Fatal(err)
	}
}

// TestBaseBackupVerifiesAgainstItsManifest: a plain base backup is checked
// file by file with pg_verifybackup (here a small one with a manifest in
// PostgreSQL's format, no WAL), and an altered file fails.
func TestBaseBackupVerifiesAgainstItsManifest(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "base-20261205")
	os.MkdirAll(filepath.Join(base, "global"), 0o700) //nolint:errcheck
	files := map[string]string{"PG_VERSION": "15\n", "global/pg_control": "control", "backup_label": "START WAL LOCATION: 0/2000028\n"}
	manifest(t, base, files)
	rep := check(t, &backup.Checker{Dir: dir, MaxAge: time.Hour}, "")
	if rep.Kind != backup.KindBaseDir || !strings.Contains(rep.Detail, "未校验恢复所需的 WAL") {
		t.Fatalf("report %+v", rep)
	}
	os.WriteFile(filepath.Join(base, "PG_VERSION"), []byte("16\n"), 0o600) //nolint:errcheck
	check(t, &backup.Checker{Dir: dir, MaxAge: time.Hour}, "pg_verifybackup 校验未通过")
}

// manifest writes files and a backup_manifest listing them, as
// pg_basebackup does.
func manifest(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	var entries []string
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(body))
		e, _ := json.Marshal(map[string]any{"Path": name, "Size": len(body), "Last-Modified": "2026-12-05 02:00:00 GMT",
			"Checksum-Algorithm": "SHA256", "Checksum": hex.EncodeToString(sum[:])})
		entries = append(entries, string(e))
	}
	body := fmt.Sprintf("{\"PostgreSQL-Backup-Manifest-Version\": 1,\n\"Files\": [\n%s ],\n"+
		"\"WAL-Ranges\": [\n{ \"Timeline\": 1, \"Start-LSN\": \"0/2000028\", \"End-LSN\": \"0/2000100\" }\n],\n", strings.Join(entries, ",\n"))
	sum := sha256.Sum256([]byte(body))
	m := body + `"Manifest-Checksum": "` + hex.EncodeToString(sum[:]) + "\"}\n"
	if err := os.WriteFile(filepath.Join(dir, "backup_manifest"), []byte(m), 0o600); err != nil {
		t.Fatal(err)
	}
}
