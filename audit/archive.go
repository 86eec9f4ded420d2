package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
)

// BadArchive is an archive file that cannot be read.
type BadArchive struct {
	Name   string
	Line   int
	Reason string // for the operator (Chinese)
}

func (e *BadArchive) Error() string {
	return fmt.Sprintf("归档文件 %s 第 %d 行%s", e.Name, e.Line, e.Reason)
}

// WriteArchive writes a as JSON lines: the signed header, then one row a
// line in chain order, each as the API shows audit rows.
func WriteArchive(w io.Writer, a store.AuditArchive) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	if err := enc.Encode(a.Header); err != nil {
		return err
	}
	for i := range a.Rows {
		if err := enc.Encode(&a.Rows[i]); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// ReadArchive reads what WriteArchive wrote. Whether the rows and header
// are genuine is for store.VerifyAuditWith to decide.
func ReadArchive(r io.Reader, name string) (store.AuditArchive, error) {
	a := store.AuditArchive{Name: name}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var err error
		if n == 1 {
			err = json.Unmarshal(line, &a.Header)
		} else {
			var e tongfa.AuditEntry
			err = json.Unmarshal(line, &e)
			a.Rows = append(a.Rows, e)
		}
		if err != nil {
			return a, &BadArchive{Name: name, Line: n, Reason: "无法解析：" + err.Error()}
		}
	}
	if err := sc.Err(); err != nil {
		return a, &BadArchive{Name: name, Reason: "读取失败：" + err.Error()}
	}
	return a, nil
}

// WriteArchiveFile writes a to a new file at path (never over an existing
// one), mode 0640, synced to disk.
func WriteArchiveFile(path string, a store.AuditArchive) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	err = WriteArchive(f, a)
	err = errors.Join(err, f.Sync(), f.Close())
	if err != nil {
		os.Remove(path) //nolint:errcheck // a partial archive is worse than none
	}
	return err
}
