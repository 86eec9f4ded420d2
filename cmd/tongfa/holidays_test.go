package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tongfa/tongfa/store/storetest"
)

// TestHolidaysImport: the command reports in Chinese what the calendar
// now covers.
func TestHolidaysImport(t *testing.T) {
	_, url := storetest.NewWithURL(t)
	file := filepath.Join(t.TempDir(), "2030.txt")
	if err := os.WriteFile(file, []byte("year 2030 测试通知\n2030-02-02 holiday 春节\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	code := run(context.Background(), Stdio{In: strings.NewReader(""), Out: &out, Err: &out},
		[]string{"holidays", "import", "--database-url", url, file})
	if code != 0 || !strings.HasPrefix(out.String(), "已导入 1 个日期。已有国务院放假通知的年份：2025、2026、2030 年。\n") {
		t.Errorf("exit %d, output %q", code, out.String())
	}
}
