package audit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/audit"
	"github.com/tongfa/tongfa/notify"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
)

// robots records what would go to each unit's robots.
type robots struct {
	mu   sync.Mutex
	sent map[int64][]notify.Message
}

func (r *robots) Unit(_ context.Context, unitID int64, m notify.Message) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent[unitID] = append(r.sent[unitID], m)
}

func TestExportAppendsSignedCheckpointsAndTellsTopUnits(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	var top, child *tongfa.Unit
	err := db.InTx(ctx, func(tx *store.Tx) (err error) {
		if top, err = tx.CreateUnit(ctx, "示范市人民政府", nil); err != nil {
			return err
		}
		child, err = tx.CreateUnit(ctx, "示范市人民政府办公室", &top.ID)
		tx.Audit(store.SystemActor, "unit.create", "", nil, nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "checkpoints.jsonl")
	rb := &robots{sent: map[int64][]notify.Message{}}
	x := &audit.Exporter{Chain: db, File: file, Robots: rb, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	first, err := x.Export(ctx)
	if err != nil || first.Seq != 1 {
		t.Fatalf("first export: %+v %v", first, err)
	}
	db.Audit(ctx, store.SystemActor, "e", "", nil, nil) //nolint:errcheck
	if second, err := x.Export(ctx); err != nil || second.Seq != 2 {
		t.Fatalf("second export: %+v %v", second, err)
	}
	raw, _ := os.ReadFile(file)
	cps, err := audit.ReadCheckpoints(bytes.NewReader(raw), db.AuditMAC)
	if err != nil || len(cps) != 2 || cps[0].Seq != 1 || cps[1].Seq != 2 {
		t.Fatalf("file holds %+v, %v", cps, err)
	}
	if st, _ := os.Stat(file); st.Mode().Perm() != 0o640 {
		t.Fatalf("file mode %v", st.Mode())
	}
	if len(rb.sent[top.ID]) != 2 || len(rb.sent[child.ID]) != 0 {
		t.Fatalf("robots: top %d, child %d messages; want 2 and 0", len(rb.sent[top.ID]), len(rb.sent[child.ID]))
	}
	// What the robots show can be pasted back into a file and verified.
	text := rb.sent[top.ID][1].Text
	pasted := text[strings.Index(text, "`"):]
	if got, err := audit.ReadCheckpoints(strings.NewReader(pasted), db.AuditMAC); err != nil || got[0] != cps[1] {
		t.Fatalf("pasted robot line: %+v %v", got, err)
	}
}

func TestReadCheckpointsRefusesAlteredLines(t *testing.T) {
	db := storetest.New(t)
	c, err := db.AuditCheckpoint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	line, _ := json.Marshal(c)
	good := string(line)
	forged := strings.Replace(good, `"seq":0`, `"seq":7`, 1)
	for name, tc := range map[string]struct {
		text string
		line int
	}{
		"altered seq": {good + "\n\n" + forged + "\n", 3},
		"not json":    {"{oops\n", 1},
		"another key": {good, 1},
	} {
		mac := db.AuditMAC
		if name == "another key" {
			mac = tongfa.NewAuditHMAC(bytes.Repeat([]byte{3}, 32))
		}
		_, err := audit.ReadCheckpoints(strings.NewReader(tc.text), mac)
		var bad *audit.BadCheckpoint
		if !errors.As(err, &bad) || bad.Line != tc.line {
			t.Errorf("%s: %v, want a bad checkpoint on line %d", name, err, tc.line)
		}
	}
	if cps, err := audit.ReadCheckpoints(strings.NewReader(good), db.AuditMAC); err != nil || len(cps) != 1 {
		t.Fatalf("good line: %v %v", cps, err)
	}
}

func TestExportNeedsTheKey(t *testing.T) {
	db := storetest.New(t)
	db.AuditMAC = nil
	x := &audit.Exporter{Chain: db, File: filepath.Join(t.TempDir(), "c"), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if _, err := x.Export(context.Background()); !errors.Is(err, tongfa.ErrNoAuditKey) {
		t.Fatalf("export without a key: %v", err)
	}
}
