package backup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Kind is the form a backup takes.
type Kind string

const (
	KindDump    Kind = "dump"    // pg_dump -Fc (one file) or -Fd (a directory with toc.dat)
	KindBaseDir Kind = "base"    // pg_basebackup -Fp --manifest-checksums (a directory with backup_manifest)
	KindUnknown Kind = "unknown" // anything else in the directory is ignored
)

// Tables are what a dump of Tongfa must carry data for: the store of
// record of items, their versions, deliveries, the public's messages,
// media bytes and the audit chain.
var Tables = []string{"items", "item_versions", "deliveries", "messages", "media_blobs", "media_chunks", "audit_log", "audit_anchor"}

// Problem is a backup that fails the check; Reason is for the operator.
type Problem struct {
	Path   string
	Reason string
}

func (p *Problem) Error() string {
	if p.Path == "" {
		return p.Reason
	}
	return p.Path + "：" + p.Reason
}

// Report is what a successful check found.
type Report struct {
	Path    string
	Kind    Kind
	Taken   time.Time // the backup's modification time
	Age     time.Duration
	Entries int    // a dump's table of contents entries
	Detail  string // what was verified, for the operator
}

// Checker checks the newest backup in Dir.
type Checker struct {
	Dir    string        // TONGFA_BACKUP_DIR
	WALDir string        // TONGFA_BACKUP_WAL_DIR: the WAL archive, for base backups taken without WAL
	MaxAge time.Duration // TONGFA_BACKUP_MAX_AGE
	Now    func() time.Time
	// Run runs a PostgreSQL client program; nil runs it from PATH.
	Run func(ctx context.Context, name string, args ...string) ([]byte, error)
}

// Check finds the newest backup and verifies it is recent and restorable.
func (c *Checker) Check(ctx context.Context) (Report, error) {
	if c.Dir == "" {
		return Report{}, &Problem{Reason: "未配置备份目录：请设置 TONGFA_BACKUP_DIR 或使用 --dir"}
	}
	b, err := Latest(c.Dir)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Path: b.Path, Kind: b.Kind, Taken: b.Taken, Age: c.now().Sub(b.Taken)}
	if c.MaxAge > 0 && rep.Age > c.MaxAge {
		return rep, &Problem{Path: b.Path, Reason: fmt.Sprintf("最新的备份是 %s 的，已过去 %s，超过了 %s 的时限：备份任务可能没有运行",
			b.Taken.In(china).Format(time.DateTime), rep.Age.Round(time.Minute), c.MaxAge)}
	}
	if b.Kind == KindDump {
		return rep, c.checkDump(ctx, &rep)
	}
	return rep, c.checkBase(ctx, &rep)
}

func (c *Checker) now() time.Time {
	if c.Now == nil {
		return time.Now()
	}
	return c.Now()
}

// tableData matches a pg_restore --list line of a table's data.
var tableData = regexp.MustCompile(`TABLE DATA \S+ (\S+) `)

// checkDump lists the archive as pg_restore would read it to restore, and
// checks that it holds the data of every table in Tables.
func (c *Checker) checkDump(ctx context.Context, rep *Report) error {
	out, err := c.run(ctx, "pg_restore", "--list", rep.Path)
	if err != nil {
		return &Problem{Path: rep.Path, Reason: "pg_restore 无法读取此备份，它不能用于恢复：" + programError(out, err)}
	}
	have := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		if line != "" && !strings.HasPrefix(line, ";") {
			rep.Entries++
		}
		if m := tableData.FindStringSubmatch(line); m != nil {
			have[m[1]] = true
		}
	}
	var missing []string
	for _, t := range Tables {
		if !have[t] {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		return &Problem{Path: rep.Path, Reason: "备份中没有这些表的数据：" + strings.Join(missing, "、") + "（是否只导出了结构，或导出了别的数据库？）"}
	}
	rep.Detail = fmt.Sprintf("pg_restore 可读出全部 %d 个条目，含 %s 的数据", rep.Entries, strings.Join(Tables, "、"))
	return nil
}

// checkBase verifies a plain-format base backup against its manifest: every
// file's size and checksum, and the WAL needed to make it consistent
// (from the backup itself, or from the WAL archive when configured).
func (c *Checker) checkBase(ctx context.Context, rep *Report) error {
	args := []string{"--quiet"}
	switch {
	case c.WALDir != "":
		args = append(args, "--wal-directory", c.WALDir)
	case !hasFiles(filepath.Join(rep.Path, "pg_wal")):
		args = append(args, "--no-parse-wal")
	}
	out, err := c.run(ctx, "pg_verifybackup", append(args, rep.Path)...)
	if err != nil {
		return &Problem{Path: rep.Path, Reason: "pg_verifybackup 校验未通过，此基础备份不能用于恢复：" + programError(out, err)}
	}
	rep.Detail = "pg_verifybackup 按 backup_manifest 校验了每个文件的大小和校验和"
	if slices.Contains(args, "--no-parse-wal") {
		rep.Detail += "；备份不含 WAL 且未配置 TONGFA_BACKUP_WAL_DIR，未校验恢复所需的 WAL"
	} else {
		rep.Detail += "，以及恢复所需的 WAL"
	}
	return nil
}

func (c *Checker) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	if c.Run != nil {
		return c.Run(ctx, name, args...)
	}
	return exec.CommandContext(ctx, program(name), args...).CombinedOutput()
}

// program finds a PostgreSQL client program: on PATH, or where Debian's
// packages keep those the wrapper does not link (pg_verifybackup), the
// newest major version first.
func program(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	found, _ := filepath.Glob(filepath.Join("/usr/lib/postgresql", "*", "bin", name))
	major := func(p string) int {
		n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(p))))
		return n
	}
	slices.SortFunc(found, func(a, b string) int { return major(b) - major(a) })
	if len(found) > 0 {
		return found[0]
	}
	return name
}

// programError is a client program's own message, or why it did not run.
func programError(out []byte, err error) string {
	if errors.Is(err, exec.ErrNotFound) {
		return "找不到该程序，请安装与数据库同一主版本的 PostgreSQL 客户端"
	}
	if msg := strings.TrimSpace(string(out)); msg != "" {
		return msg
	}
	return err.Error()
}

func hasFiles(dir string) bool {
	es, err := os.ReadDir(dir)
	return err == nil && slices.ContainsFunc(es, func(e os.DirEntry) bool { return e.Type().IsRegular() })
}

// Backup is one backup found in the directory.
type Backup struct {
	Path  string
	Kind  Kind
	Taken time.Time
}

// Latest returns the most recently written backup in dir: a pg_dump
// custom-format file (it starts "PGDMP"), a directory-format dump (toc.dat)
// or a plain base backup (backup_manifest). Other entries are ignored.
func Latest(dir string) (Backup, error) {
	es, err := os.ReadDir(dir)
	if err != nil {
		return Backup{}, &Problem{Path: dir, Reason: "无法读取备份目录：" + err.Error()}
	}
	var best Backup
	for _, e := range es {
		b := identify(filepath.Join(dir, e.Name()))
		if b.Kind != KindUnknown && b.Taken.After(best.Taken) {
			best = b
		}
	}
	if best.Path == "" {
		return best, &Problem{Path: dir, Reason: "目录中没有备份（pg_dump -Fc 文件、pg_dump -Fd 目录或带 backup_manifest 的 pg_basebackup 目录）"}
	}
	return best, nil
}

func identify(path string) Backup {
	b := Backup{Path: path, Kind: KindUnknown}
	st, err := os.Stat(path)
	if err != nil {
		return b
	}
	if !st.IsDir() {
		if magic(path) {
			b.Kind, b.Taken = KindDump, st.ModTime()
		}
		return b
	}
	for _, m := range []struct {
		file string
		kind Kind
	}{{"toc.dat", KindDump}, {"backup_manifest", KindBaseDir}} {
		if fs, err := os.Stat(filepath.Join(path, m.file)); err == nil {
			b.Kind, b.Taken = m.kind, fs.ModTime()
		}
	}
	return b
}

// magic reports whether path starts like a pg_dump custom-format archive.
func magic(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 5)
	n, _ := f.Read(head)
	return bytes.Equal(head[:n], []byte("PGDMP"))
}

var china = time.FixedZone("CST", 8*3600)
