package tongfa

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"strconv"
	"strings"
	"time"
)

// AuditEntry is one row of the append-only audit chain (R10). Each row's
// Hash covers its own fields and the previous row's hash, so altering,
// inserting or deleting any row breaks every hash after it. Seq is the
// row's position in the chain, assigned when it is sealed (shortly after
// its transaction commits); until then Seq is 0 and the hashes are empty.
//
// Rows are sealed with a keyed MAC (KeyedHash), written "scheme:hex", so a
// database superuser without the key cannot recompute the chain. Rows
// sealed before an installation enabled the key carry the plain SHA-256 of
// version 1 (LegacyHash, bare hex); the first keyed row commits to them.
type AuditEntry struct {
	ID       int64     `json:"id"`
	Seq      int64     `json:"seq"`
	At       time.Time `json:"at"`
	ActorID  *int64    `json:"actor_id,omitempty"`
	Actor    string    `json:"actor"`
	Action   string    `json:"action"`
	Target   string    `json:"target"`
	UnitID   *int64    `json:"unit_id,omitempty"`
	IP       string    `json:"ip"`
	Details  string    `json:"details"` // JSON text, hashed byte for byte
	PrevHash string    `json:"prev_hash"`
	Hash     string    `json:"hash"`
}

// LegacyHash returns the unkeyed version 1 chain hash of e given its
// PrevHash. Anyone can recompute it, so it only serves to verify rows
// sealed before the key was enabled.
func (e *AuditEntry) LegacyHash() string {
	h := sha256.New()
	e.encode(h, "tongfa.audit.v1")
	return hex.EncodeToString(h.Sum(nil))
}

// KeyedHash returns e's chain hash under m, prefixed with m's scheme.
func (e *AuditEntry) KeyedHash(m *AuditMAC) string {
	h := m.New()
	e.encode(h, "tongfa.audit.v2")
	return m.Name() + ":" + hex.EncodeToString(h.Sum(nil))
}

// encode writes e's fields length-prefixed (in bytes), so no two different
// rows encode to the same bytes.
func (e *AuditEntry) encode(w io.Writer, label string) {
	writeFields(w, label, e.PrevHash, strconv.FormatInt(e.Seq, 10), strconv.FormatInt(e.ID, 10),
		strconv.FormatInt(e.At.UnixMicro(), 10), optInt(e.ActorID), e.Actor, e.Action, e.Target,
		optInt(e.UnitID), e.IP, e.Details)
}

func writeFields(w io.Writer, fields ...string) {
	for _, s := range fields {
		io.WriteString(w, strconv.Itoa(len(s))) //nolint:errcheck // hashes do not fail
		io.WriteString(w, ":")                  //nolint:errcheck
		io.WriteString(w, s)                    //nolint:errcheck
	}
}

func optInt(p *int64) string {
	if p == nil {
		return "-"
	}
	return strconv.FormatInt(*p, 10)
}

// ErrNoAuditKey means the audit key is needed (to seal or verify keyed rows,
// or to sign a checkpoint) and neither TONGFA_AUDIT_KEY nor
// TONGFA_SECRET_KEY is set.
var ErrNoAuditKey = &Error{Code: EInvalidState, Message: "未配置审计密钥：请设置 TONGFA_AUDIT_KEY 或 TONGFA_SECRET_KEY"}

// GenesisHash is the PrevHash of the first audit row.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// IsLegacyHash reports whether h was made by LegacyHash (it names no
// scheme).
func IsLegacyHash(h string) bool { return !strings.Contains(h, ":") }

// HashScheme returns the scheme and key a keyed hash names (an
// AuditMAC's Name), "" for a legacy one.
func HashScheme(h string) string {
	scheme, _, ok := strings.Cut(h, ":")
	if !ok {
		return ""
	}
	return scheme
}

// AuditMAC is the keyed hash that seals the audit chain and signs its
// checkpoints. Its Name (scheme and key id) prefixes every value it makes,
// so a chain says which algorithm and which key sealed each row: another
// algorithm (HMAC-SM3, a national cryptography option) is another
// AuditMAC, and a wrong key is told apart from tampering.
type AuditMAC struct {
	Scheme string           // e.g. "hmac-sha256"; no colon or slash
	KeyID  string           // names the key without revealing it
	New    func() hash.Hash // a fresh MAC under the key
	// Accepts are other MACs whose values verify too (the other suite
	// under the same key, see NewAuditMACSuite); m itself seals.
	Accepts []*AuditMAC
}

// Name is what prefixes the MAC's values: "scheme/keyid".
func (m *AuditMAC) Name() string { return m.Scheme + "/" + m.KeyID }

// Schemes of keyed audit hashes.
const (
	SchemeHMACSHA256 = "hmac-sha256"
	SchemeHMACSM3    = "hmac-sm3"
)

// Sum returns the MAC of the length-prefixed fields, as "scheme:hex".
func (m *AuditMAC) Sum(fields ...string) string {
	h := m.New()
	writeFields(h, fields...)
	return m.Name() + ":" + hex.EncodeToString(h.Sum(nil))
}
