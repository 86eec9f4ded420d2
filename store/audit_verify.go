package store

import (
	"context"
	"fmt"
	"time"

	"github.com/tongfa/tongfa"
)

// ErrChainBroken reports the first evidence that the audit chain was
// altered. Reason is for the operator (Chinese) and says what was found.
type ErrChainBroken struct {
	ID     int64 // the row where it was found; 0 when no row is to blame (the anchor, missing rows at the end)
	Seq    int64 // the chain position concerned
	Reason string
}

func (e *ErrChainBroken) Error() string {
	return fmt.Sprintf("audit chain broken at position %d (row %d): %s", e.Seq, e.ID, e.Reason)
}

// ErrAuditNotKeyed: every sealed row carries the unkeyed hash, which
// anyone can recompute. Either the installation has not run `tongfa audit
// upgrade` yet, or the chain was rewritten in the unkeyed format.
var ErrAuditNotKeyed = &tongfa.Error{Code: tongfa.EInvalidState,
	Message: "审计链尚未启用密钥封存：请执行 tongfa audit upgrade；若已执行过，说明审计链已被人用旧格式整体改写"}

// ErrAuditKeyMismatch: the chain was sealed under another key than the one
// configured. Sealing on would split the chain between two keys.
var ErrAuditKeyMismatch = &tongfa.Error{Code: tongfa.EInvalidState,
	Message: "审计链由另一把密钥封存，与所配置的审计密钥不符：请配置原来的 TONGFA_AUDIT_KEY"}

// AuditReport is the result of walking the chain.
type AuditReport struct {
	Verified       int64 // sealed rows whose hashes check out
	Legacy         int64 // of them, rows sealed with the unkeyed hash before the key was enabled
	HeadSeq        int64 // position of the last sealed row
	Checkpoints    int   // checkpoints found to match the chain
	Pruned         int   // checkpoints of positions retention has deleted (nothing left to compare)
	Archived       int64 // of Verified, rows read from archive files (pruned from the database, or about to be)
	Unsealed       int64 // committed rows not yet sealed
	OldestUnsealed time.Time
}

// VerifyAudit walks the sealed chain in order and checks every row's hash
// (under db.AuditMAC for keyed rows), the retention anchor's signature and
// that each of cps (checkpoints whose signatures were already checked) is
// a position of the chain with that exact hash, the newest included. It
// returns what it found, or an *ErrChainBroken for the first evidence of
// tampering, or ErrAuditNotKeyed for a chain without any keyed row.
func (db *DB) VerifyAudit(ctx context.Context, cps ...tongfa.AuditCheckpoint) (AuditReport, error) {
	return db.VerifyAuditWith(ctx, nil, cps...)
}

// VerifyAuditWith is VerifyAudit that first walks archives (files of
// `tongfa audit export`, possibly pruned from the database since): the
// chain is then verified from the earliest archive's start through the
// database's rows, which must continue the archives.
func (db *DB) VerifyAuditWith(ctx context.Context, archives []AuditArchive, cps ...tongfa.AuditCheckpoint) (AuditReport, error) {
	w := &chainWalk{mac: db.AuditMAC, cps: map[int64][]tongfa.AuditCheckpoint{}}
	for _, c := range cps {
		w.cps[c.Seq] = append(w.cps[c.Seq], c)
	}
	anc, err := anchor(ctx, db.Pool)
	if err != nil {
		return w.rep, err
	}
	if len(archives) > 0 {
		err = w.archives(archives)
		if err == nil {
			err = w.joinDB(anc)
		}
	} else {
		err = w.start(anc)
	}
	if err != nil {
		return w.rep, err
	}
	rows, err := db.Pool.Query(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE seq IS NOT NULL ORDER BY seq`)
	if err != nil {
		return w.rep, fmt.Errorf("store: verify audit: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return w.rep, fmt.Errorf("store: verify audit: %w", err)
		}
		if e.Seq <= w.pos.seq && w.seen != nil {
			err = w.overlap(&e, "数据库")
		} else {
			err = w.row(&e)
		}
		if err != nil {
			return w.rep, err
		}
	}
	if err := rows.Err(); err != nil {
		return w.rep, err
	}
	if err := w.end(cps); err != nil {
		return w.rep, err
	}
	var oldest *time.Time
	err = db.Pool.QueryRow(ctx, `SELECT count(*), min(at) FROM audit_log WHERE seq IS NULL`).Scan(&w.rep.Unsealed, &oldest)
	if oldest != nil {
		w.rep.OldestUnsealed = *oldest
	}
	return w.rep, err
}

// chainWalk is the state of one verification.
type chainWalk struct {
	mac      *tongfa.AuditMAC
	cps      map[int64][]tongfa.AuditCheckpoint
	pos      chainPos         // the last position verified
	keyed    bool             // a keyed row was seen: no unkeyed row may follow
	unsigned bool             // there is an anchor and it carries no signature
	anchor   int64            // the anchor's position
	seen     map[int64]string // hashes of archived rows, by position (nil without archives)
	rep      AuditReport
}

// start checks the retention anchor and the checkpoints it covers.
func (w *chainWalk) start(a anchorRow) error {
	w.pos, w.anchor = a.chainPos, a.seq
	if !a.found {
		return w.matchCheckpoints(0, a.chainPos)
	}
	switch {
	case a.mac == "":
		w.unsigned = true
	case w.mac == nil:
		return tongfa.ErrNoAuditKey
	case !w.mac.ValidAnchor(a.mac, a.seq, a.hash):
		return &ErrChainBroken{Seq: a.seq, Reason: "保留期锚点的签名无效：锚点表被改动过（可能借此掩盖删除的开头几行）"}
	}
	w.keyed = !tongfa.IsLegacyHash(a.hash)
	if w.keyed && w.unsigned {
		return &ErrChainBroken{Seq: a.seq, Reason: "保留期锚点没有签名，而审计链已用密钥封存：锚点表被伪造"}
	}
	for seq := range w.cps {
		if seq < a.seq {
			w.rep.Pruned += len(w.cps[seq])
		}
	}
	return w.matchCheckpoints(0, a.chainPos)
}

// row checks one sealed row against the position before it.
func (w *chainWalk) row(e *tongfa.AuditEntry) error {
	want := w.pos.seq + 1
	switch {
	case e.Seq != want:
		return &ErrChainBroken{ID: e.ID, Seq: want, Reason: fmt.Sprintf("缺少第 %d 至 %d 行（被删除），下一行是第 %d 行（记录 %d）", want, e.Seq-1, e.Seq, e.ID)}
	case e.PrevHash != w.pos.hash:
		return &ErrChainBroken{ID: e.ID, Seq: e.Seq, Reason: fmt.Sprintf("第 %d 行（记录 %d）记下的前一行哈希与实际不符：前面有行被删除、插入或改写", e.Seq, e.ID)}
	}
	if err := w.checkHash(e); err != nil {
		return err
	}
	w.pos = chainPos{e.Seq, e.Hash}
	w.rep.Verified++
	w.rep.HeadSeq = e.Seq
	return w.matchCheckpoints(e.ID, w.pos)
}

// checkHash recomputes a row's hash in the format it was sealed with.
func (w *chainWalk) checkHash(e *tongfa.AuditEntry) error {
	broken := func(format string) error {
		return &ErrChainBroken{ID: e.ID, Seq: e.Seq, Reason: fmt.Sprintf(format, e.Seq, e.ID)}
	}
	if tongfa.IsLegacyHash(e.Hash) {
		switch {
		case w.keyed:
			return broken("第 %d 行（记录 %d）没有用密钥封存，却排在用密钥封存的行之后：审计链被不掌握密钥的人改写")
		case e.LegacyHash() != e.Hash:
			return broken("第 %d 行（记录 %d）的内容与哈希不符：该行被改动过")
		}
		w.rep.Legacy++
		return nil
	}
	switch {
	case w.mac == nil:
		return tongfa.ErrNoAuditKey
	case w.mac.For(tongfa.HashScheme(e.Hash)) == nil:
		return &ErrChainBroken{ID: e.ID, Seq: e.Seq, Reason: fmt.Sprintf("第 %d 行（记录 %d）由 %s 封存，而所配置的审计密钥是 %s：配置了错误的密钥，或该行被伪造",
			e.Seq, e.ID, tongfa.HashScheme(e.Hash), w.mac.Name())}
	case w.unsigned:
		return &ErrChainBroken{Seq: w.anchor, Reason: "保留期锚点没有签名，而审计链已用密钥封存：锚点表被伪造"}
	case e.KeyedHash(w.mac.For(tongfa.HashScheme(e.Hash))) != e.Hash:
		return broken("第 %d 行（记录 %d）的内容与密钥签名不符：该行被改动，或整条链被不掌握密钥的人重新计算过（也可能配置了错误的密钥）")
	}
	w.keyed = true
	return nil
}

// matchCheckpoints compares the checkpoints of position p with it.
func (w *chainWalk) matchCheckpoints(id int64, p chainPos) error {
	for _, c := range w.cps[p.seq] {
		if c.Hash != p.hash {
			return &ErrChainBroken{ID: id, Seq: p.seq, Reason: fmt.Sprintf("第 %d 行与 %s 的校验点不符：校验点记下的哈希是 %s，现在是 %s；该行或它之前的行被改写",
				p.seq, c.At.In(china).Format(time.DateTime), c.Hash, p.hash)}
		}
		w.rep.Checkpoints++
	}
	return nil
}

// end checks that the chain reaches every checkpoint and holds a keyed row.
func (w *chainWalk) end(cps []tongfa.AuditCheckpoint) error {
	var newest *tongfa.AuditCheckpoint
	for i := range cps {
		if c := &cps[i]; c.Seq > w.pos.seq && (newest == nil || c.Seq > newest.Seq) {
			newest = c
		}
	}
	if newest != nil {
		return &ErrChainBroken{Seq: w.pos.seq + 1, Reason: fmt.Sprintf("审计链比 %s 的校验点短：校验点记到第 %d 行，链只到第 %d 行；末尾的行被删除",
			newest.At.In(china).Format(time.DateTime), newest.Seq, w.pos.seq)}
	}
	if !w.keyed && w.mac != nil && w.pos.seq > 0 {
		return ErrAuditNotKeyed
	}
	return nil
}

// china is the time zone operators read times in.
var china = time.FixedZone("CST", 8*3600)
