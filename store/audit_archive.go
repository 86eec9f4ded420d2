package store

import (
	"context"

	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
)

// ActionAuditExport records an archive taken of the chain.
const ActionAuditExport = "audit.export"

// AuditArchive is a run of sealed audit rows taken out of the database,
// in chain order, with its signed header.
type AuditArchive struct {
	Name   string // the file it came from, for messages
	Header tongfa.AuditArchiveHeader
	Rows   []tongfa.AuditEntry
}

// ErrNothingToExport: no sealed row still in the database was written
// before the cut.
var ErrNothingToExport = &tongfa.Error{Code: tongfa.EInvalidState, Message: "数据库中没有早于该日期的审计行可以导出"}

// ExportAudit seals what is pending and returns the rows from the start of
// the chain still in the database (after the retention anchor) to the last
// row written before before, with a header signed under the audit key.
// The export itself is an audit row.
func (db *DB) ExportAudit(ctx context.Context, before time.Time, a Actor) (AuditArchive, error) {
	var arch AuditArchive
	if db.AuditMAC == nil {
		return arch, tongfa.ErrNoAuditKey
	}
	if _, err := db.SealAudit(ctx); err != nil {
		return arch, err
	}
	err := pgx.BeginTxFunc(ctx, db.Pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		anc, err := anchor(ctx, tx)
		if err != nil {
			return err
		}
		var last int64
		err = tx.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM audit_log WHERE seq IS NOT NULL AND at < $1`, before).Scan(&last)
		if err != nil || last <= anc.seq {
			return cmpErr(err, ErrNothingToExport)
		}
		rows, err := tx.Query(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE seq > $1 AND seq <= $2 ORDER BY seq`, anc.seq, last)
		if err != nil {
			return err
		}
		arch.Rows, err = pgx.CollectRows(rows, scanAudit)
		if err != nil {
			return err
		}
		arch.Header = tongfa.AuditArchiveHeader{Format: tongfa.AuditArchiveFormat, FromSeq: anc.seq + 1, ToSeq: last,
			PrevHash: anc.hash, AnchorMAC: anc.mac, LastHash: arch.Rows[len(arch.Rows)-1].Hash,
			Rows: int64(len(arch.Rows)), Before: before.UTC(), At: db.now()}
		return nil
	})
	if err != nil {
		return arch, fmt.Errorf("store: export audit: %w", err)
	}
	arch.Header.Sign(db.AuditMAC)
	h := arch.Header
	err = db.Audit(ctx, a, ActionAuditExport, "", nil, map[string]any{"from_seq": h.FromSeq, "to_seq": h.ToSeq, "rows": h.Rows, "before": h.Before})
	return arch, err
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// archives walks exported rows before the database's: it starts where the
// earliest archive starts (the genesis, or a signed anchor), checks each
// header's signature, that the archives leave no gap and agree where they
// overlap, and every row as VerifyAudit does.
func (w *chainWalk) archives(as []AuditArchive) error {
	slices.SortStableFunc(as, func(a, b AuditArchive) int { return int(a.Header.FromSeq - b.Header.FromSeq) })
	w.seen = map[int64]string{}
	for i := range as {
		if err := w.archive(&as[i], i == 0); err != nil {
			return err
		}
	}
	return nil
}

func (w *chainWalk) archive(a *AuditArchive, first bool) error {
	h := &a.Header
	bad := func(seq int64, format string, args ...any) error {
		return &ErrChainBroken{Seq: seq, Reason: a.Name + "：" + fmt.Sprintf(format, args...)}
	}
	switch {
	case w.mac == nil:
		return tongfa.ErrNoAuditKey
	case h.Format != tongfa.AuditArchiveFormat || !h.Valid(w.mac):
		return bad(h.FromSeq, "归档文件头的签名无效：文件被改动、截短，或由另一把密钥导出")
	case int64(len(a.Rows)) != h.Rows || len(a.Rows) == 0 || a.Rows[0].Seq != h.FromSeq || a.Rows[len(a.Rows)-1].Hash != h.LastHash:
		return bad(h.FromSeq, "归档应有第 %d 至 %d 行共 %d 行，实有 %d 行：文件被截短或改动", h.FromSeq, h.ToSeq, h.Rows, len(a.Rows))
	}
	if first {
		if err := w.startAt(h); err != nil {
			return err
		}
	} else if h.FromSeq > w.pos.seq+1 {
		return bad(w.pos.seq+1, "归档之间缺少第 %d 至 %d 行", w.pos.seq+1, h.FromSeq-1)
	}
	for i := range a.Rows {
		e := &a.Rows[i]
		if e.Seq <= w.pos.seq {
			if err := w.overlap(e, a.Name); err != nil {
				return err
			}
			continue
		}
		if err := w.row(e); err != nil {
			return err
		}
		w.seen[e.Seq] = e.Hash
		w.rep.Archived++
	}
	return nil
}

// startAt begins the walk where the earliest archive begins.
func (w *chainWalk) startAt(h *tongfa.AuditArchiveHeader) error {
	w.pos = chainPos{h.FromSeq - 1, h.PrevHash}
	w.seen[w.pos.seq] = w.pos.hash
	switch {
	case h.FromSeq == 1 && h.PrevHash != tongfa.GenesisHash:
		return &ErrChainBroken{Seq: 1, Reason: "归档从第 1 行开始，但记下的前一行哈希不是链的起点"}
	case h.FromSeq > 1 && h.AnchorMAC == "" && !tongfa.IsLegacyHash(h.PrevHash):
		return &ErrChainBroken{Seq: w.pos.seq, Reason: "归档起点没有保留期锚点的签名"}
	case h.FromSeq > 1 && h.AnchorMAC != "" && !w.mac.ValidAnchor(h.AnchorMAC, w.pos.seq, w.pos.hash):
		return &ErrChainBroken{Seq: w.pos.seq, Reason: "归档起点的保留期锚点签名无效"}
	}
	w.keyed = !tongfa.IsLegacyHash(h.PrevHash) && h.FromSeq > 1
	for seq := range w.cps {
		if seq < w.pos.seq {
			w.rep.Pruned += len(w.cps[seq])
		}
	}
	return w.matchCheckpoints(0, w.pos)
}

// overlap checks a row met again (in a later archive or still in the
// database) against the one verified before.
func (w *chainWalk) overlap(e *tongfa.AuditEntry, where string) error {
	if h, ok := w.seen[e.Seq]; !ok || h != e.Hash {
		return &ErrChainBroken{ID: e.ID, Seq: e.Seq, Reason: fmt.Sprintf("%s中的第 %d 行（记录 %d）与归档中的同一位置不符：其中一处被改动", where, e.Seq, e.ID)}
	}
	return nil
}

// joinDB checks that the database's chain continues the archives: rows
// the retention deleted must all be in them.
func (w *chainWalk) joinDB(a anchorRow) error {
	if !a.found {
		return nil
	}
	switch {
	case a.mac == "" && !tongfa.IsLegacyHash(a.hash):
		return &ErrChainBroken{Seq: a.seq, Reason: "保留期锚点没有签名，而审计链已用密钥封存：锚点表被伪造"}
	case a.mac != "" && !w.mac.ValidAnchor(a.mac, a.seq, a.hash):
		return &ErrChainBroken{Seq: a.seq, Reason: "保留期锚点的签名无效：锚点表被改动过（可能借此掩盖删除的开头几行）"}
	case a.seq > w.pos.seq:
		return &ErrChainBroken{Seq: w.pos.seq + 1, Reason: fmt.Sprintf("保留期已删除到第 %d 行，而所给的归档只到第 %d 行：缺少第 %d 至 %d 行的归档",
			a.seq, w.pos.seq, w.pos.seq+1, a.seq)}
	case w.seen[a.seq] != a.hash:
		return &ErrChainBroken{Seq: a.seq, Reason: fmt.Sprintf("保留期锚点（第 %d 行）与归档中该行的哈希不符", a.seq)}
	}
	return nil
}
