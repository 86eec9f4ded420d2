package tongfa

import (
	"strconv"
	"time"
)

// AuditArchiveFormat names the format of audit archive files.
const AuditArchiveFormat = "tongfa-audit-archive/1"

// AuditArchiveHeader opens a file of audit rows exported before retention
// prunes them (`tongfa audit export`). The rows continue the chain from
// position FromSeq-1, whose hash is PrevHash; the header is signed with the
// audit key, so a file cut short or a run of rows dropped from its end is
// found even where no later row commits to them.
type AuditArchiveHeader struct {
	Format    string    `json:"format"`
	FromSeq   int64     `json:"from_seq"`             // the first row's chain position
	ToSeq     int64     `json:"to_seq"`               // the last row's
	PrevHash  string    `json:"prev_hash"`            // the hash of position FromSeq-1 (GenesisHash for 1)
	AnchorMAC string    `json:"anchor_mac,omitempty"` // the retention anchor's signature of FromSeq-1, when rows before were pruned
	LastHash  string    `json:"last_hash"`
	Rows      int64     `json:"rows"`
	Before    time.Time `json:"before"` // rows written before this instant
	At        time.Time `json:"at"`     // when the file was written
	MAC       string    `json:"mac"`
}

func (h *AuditArchiveHeader) fields() []string {
	return []string{"tongfa.audit.archive", h.Format, strconv.FormatInt(h.FromSeq, 10), strconv.FormatInt(h.ToSeq, 10),
		h.PrevHash, h.AnchorMAC, h.LastHash, strconv.FormatInt(h.Rows, 10),
		strconv.FormatInt(h.Before.UnixMicro(), 10), strconv.FormatInt(h.At.UnixMicro(), 10)}
}

// Sign sets h.MAC under m.
func (h *AuditArchiveHeader) Sign(m *AuditMAC) { h.MAC = m.Sum(h.fields()...) }

// Valid reports whether h was signed under m and not changed since.
func (h *AuditArchiveHeader) Valid(m *AuditMAC) bool { return m.Verify(h.MAC, h.fields()...) }
