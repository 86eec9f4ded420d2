package tongfa

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"strconv"
	"time"
)

// NewAuditHMAC returns the HMAC-SHA256 audit MAC under a 32-byte key. Its
// key id is the start of a MAC of a fixed label, which says nothing about
// the key but changes with it.
func NewAuditHMAC(key []byte) *AuditMAC {
	key = append([]byte(nil), key...)
	id := hmac.New(sha256.New, key)
	id.Write([]byte("tongfa.audit.key-id"))
	return &AuditMAC{Scheme: SchemeHMACSHA256, KeyID: hex.EncodeToString(id.Sum(nil)[:4]),
		New: func() hash.Hash { return hmac.New(sha256.New, key) }}
}

// Verify reports whether mac is the MAC of fields, in constant time.
func (m *AuditMAC) Verify(mac string, fields ...string) bool {
	return hmac.Equal([]byte(mac), []byte(m.Sum(fields...)))
}

// AuditCheckpoint pins the audit chain at one moment: its head position
// and hash, signed with the audit key. Checkpoints are kept outside the
// database (a file, the units' robots); a chain that no longer contains a
// checkpoint's row with that exact hash, or is shorter than the newest
// checkpoint, was altered.
type AuditCheckpoint struct {
	Seq  int64     `json:"seq"`  // chain position of the head; 0 for an empty chain
	Hash string    `json:"hash"` // the head row's hash (GenesisHash when empty)
	At   time.Time `json:"at"`   // when the checkpoint was taken
	MAC  string    `json:"mac"`
}

func (c *AuditCheckpoint) fields() []string {
	return []string{"tongfa.audit.checkpoint", strconv.FormatInt(c.Seq, 10), c.Hash, strconv.FormatInt(c.At.UnixMicro(), 10)}
}

// Sign sets c.MAC under m.
func (c *AuditCheckpoint) Sign(m *AuditMAC) { c.MAC = m.Sum(c.fields()...) }

// Valid reports whether c was signed under m and not changed since.
func (c *AuditCheckpoint) Valid(m *AuditMAC) bool { return m.Verify(c.MAC, c.fields()...) }

// AnchorMAC signs the retention anchor (the last pruned row's position and
// hash), so the anchor cannot be moved forward over rows deleted by hand.
func (m *AuditMAC) AnchorMAC(seq int64, hash string) string {
	return m.Sum(anchorFields(seq, hash)...)
}

// ValidAnchor reports whether mac signs the anchor (seq, hash) under m.
func (m *AuditMAC) ValidAnchor(mac string, seq int64, hash string) bool {
	return m.Verify(mac, anchorFields(seq, hash)...)
}

func anchorFields(seq int64, hash string) []string {
	return []string{"tongfa.audit.anchor", strconv.FormatInt(seq, 10), hash}
}
