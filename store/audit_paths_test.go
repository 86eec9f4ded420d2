package store_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestOnlyRetentionDeletesAuditRows reads every non-test Go file of the
// module: the only statement that deletes audit rows is PruneAudit's, and
// nothing truncates or updates them outside the sealer. Any other path
// (an API route, a command, a sweep) would have to add one.
func TestOnlyRetentionDeletesAuditRows(t *testing.T) {
	write := regexp.MustCompile(`(?i)(DELETE\s+FROM|TRUNCATE(\s+TABLE)?|UPDATE)\s+audit_(log|anchor)\b`)
	allowed := map[string]int{"store/audit_seal.go": 2, "store/audit_keyed.go": 1} // sealing and PruneAudit; signing the anchor
	found := map[string]int{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.Contains(path, "storetest") {
			return err
		}
		b, err := os.ReadFile(path)
		if n := len(write.FindAll(b, -1)); n > 0 {
			found[filepath.ToSlash(strings.TrimPrefix(path, "../"))] = n
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for file, n := range found {
		if allowed[file] != n {
			t.Errorf("%s writes audit rows in %d statements (allowed %d): only retention may delete them", file, n, allowed[file])
		}
	}
}
