package tongfa

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"strconv"
	"time"

	"github.com/emmansun/gmsm/sm3"
)

// NewAuditHMAC returns the HMAC-SHA256 audit MAC under a 32-byte key. Its
// key id is the start of a MAC of a fixed label, which says nothing about
// the key but changes with it.
func NewAuditHMAC(key []byte) *AuditMAC { return newAuditHMAC(SchemeHMACSHA256, sha256.New, key) }

// NewAuditHMACSM3 returns the HMAC-SM3 audit MAC (GB/T 39786's hash, for
// TONGFA_CRYPTO=sm) under a 32-byte key.
func NewAuditHMACSM3(key []byte) *AuditMAC { return newAuditHMAC(SchemeHMACSM3, sm3.New, key) }

func newAuditHMAC(scheme string, h func() hash.Hash, key []byte) *AuditMAC {
	key = append([]byte(nil), key...)
	id := hmac.New(h, key)
	id.Write([]byte("tongfa.audit.key-id"))
	return &AuditMAC{Scheme: scheme, KeyID: hex.EncodeToString(id.Sum(nil)[:4]),
		New: func() hash.Hash { return hmac.New(h, key) }}
}

// NewAuditMACSuite returns the audit MAC of a cryptography suite
// (TONGFA_CRYPTO: "sm" seals with HMAC-SM3, anything else with
// HMAC-SHA256) that also accepts the other suite's values under the same
// key, so a chain, its anchor and its checkpoints stay verifiable when an
// installation switches suites.
func NewAuditMACSuite(suite string, key []byte) *AuditMAC {
	sha, sm := NewAuditHMAC(key), NewAuditHMACSM3(key)
	if suite == "sm" {
		sm.Accepts = []*AuditMAC{sha}
		return sm
	}
	sha.Accepts = []*AuditMAC{sm}
	return sha
}

// For returns the MAC, m or one it accepts, whose Name is name; nil when
// none is.
func (m *AuditMAC) For(name string) *AuditMAC {
	if m.Name() == name {
		return m
	}
	for _, a := range m.Accepts {
		if a.Name() == name {
			return a
		}
	}
	return nil
}

// Verify reports whether mac is the MAC of fields, in constant time, under
// m or under the MAC it names among those m accepts.
func (m *AuditMAC) Verify(mac string, fields ...string) bool {
	k := m.For(HashScheme(mac))
	return k != nil && hmac.Equal([]byte(mac), []byte(k.Sum(fields...)))
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
