package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/notify"
)

// TypeCheckpoint is the periodic task that exports a checkpoint.
const TypeCheckpoint = "audit:checkpoint"

// CheckpointEvery is how often a checkpoint is exported (R10 asks for
// tamper evidence; an hour bounds what an intruder can remove unseen).
const CheckpointEvery = "@every 1h"

// Chain is what the exporter needs from the store.
type Chain interface {
	AuditCheckpoint(ctx context.Context) (tongfa.AuditCheckpoint, error)
	Units(ctx context.Context) ([]tongfa.Unit, error)
}

// Robots sends a message to a unit's group robots (review.Notifier).
type Robots interface {
	Unit(ctx context.Context, unitID int64, m notify.Message)
}

// Exporter writes checkpoints where a database superuser cannot reach
// them: File (append-only JSON lines, fsynced; ship it to another machine
// or WORM storage) and the robots of every top unit (the supervising
// offices, whose chat history keeps them). Either may be unset.
type Exporter struct {
	Chain  Chain
	File   string
	Robots Robots
	Log    *slog.Logger
}

// Export takes a checkpoint and sends it to every destination. A failed
// destination does not stop the others; the errors are returned together.
func (x *Exporter) Export(ctx context.Context) (tongfa.AuditCheckpoint, error) {
	c, err := x.Chain.AuditCheckpoint(ctx)
	if err != nil {
		return c, fmt.Errorf("audit: checkpoint: %w", err)
	}
	line, err := json.Marshal(c)
	if err != nil {
		return c, err
	}
	var errs []error
	if x.File != "" {
		errs = append(errs, AppendLine(x.File, line))
	}
	units := 0
	if x.Robots != nil {
		units, err = x.announce(ctx, c, line)
		errs = append(errs, err)
	}
	if x.File == "" && units == 0 {
		x.Log.Warn("audit checkpoint kept nowhere: set TONGFA_AUDIT_CHECKPOINT_FILE or a robot for a top unit", slog.Int64("seq", c.Seq))
	} else {
		x.Log.Info("audit checkpoint", slog.Int64("seq", c.Seq), slog.String("file", x.File), slog.Int("units", units))
	}
	return c, errors.Join(errs...)
}

// announce sends the checkpoint line to the robots of the top units, in a
// form that can be pasted back into a checkpoint file.
func (x *Exporter) announce(ctx context.Context, c tongfa.AuditCheckpoint, line []byte) (int, error) {
	units, err := x.Chain.Units(ctx)
	if err != nil {
		return 0, fmt.Errorf("audit: checkpoint robots: %w", err)
	}
	m := notify.Message{Title: "审计日志校验点",
		Text: fmt.Sprintf("截至 %s，审计链共 %d 行。请保留本消息，核验时可将下面一行存入文件，用 tongfa audit verify --checkpoint 文件 比对：\n\n`%s`",
			c.At.In(china).Format(time.DateTime), c.Seq, line)}
	n := 0
	for _, u := range units {
		if u.ParentID == nil {
			x.Robots.Unit(ctx, u.ID, m)
			n++
		}
	}
	return n, nil
}

// AppendLine appends line and a newline to path and syncs it to disk
// before returning; the file is created (mode 0640) when missing, and then
// its directory is synced too so the new entry survives a crash.
func AppendLine(path string, line []byte) error {
	_, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("audit: checkpoint file: %w", err)
	}
	_, err = f.Write(append(line, '\n'))
	err = errors.Join(err, f.Sync(), f.Close())
	if err == nil && errors.Is(statErr, os.ErrNotExist) {
		err = syncDir(filepath.Dir(path))
	}
	if err != nil {
		return fmt.Errorf("audit: checkpoint file %s: %w", path, err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}

// china is the time zone operators read times in.
var china = time.FixedZone("CST", 8*3600)
