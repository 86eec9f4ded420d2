package tongfa

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// AuditEntry is one row of the append-only audit chain (R10). Each row's
// Hash covers its own fields and the previous row's hash, so altering,
// inserting or deleting any row breaks every hash after it. Seq is the
// row's position in the chain, assigned when it is sealed (shortly after
// its transaction commits); until then Seq is 0 and the hashes are empty.
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

// ComputeHash returns the chain hash of e given its PrevHash. Fields are
// length-prefixed (in bytes) so no two different rows encode to the same
// bytes.
func (e *AuditEntry) ComputeHash() string {
	h := sha256.New()
	field := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	field("tongfa.audit.v1")
	field(e.PrevHash)
	field(strconv.FormatInt(e.Seq, 10))
	field(strconv.FormatInt(e.ID, 10))
	field(strconv.FormatInt(e.At.UnixMicro(), 10))
	field(optInt(e.ActorID))
	field(e.Actor)
	field(e.Action)
	field(e.Target)
	field(optInt(e.UnitID))
	field(e.IP)
	field(e.Details)
	return hex.EncodeToString(h.Sum(nil))
}

func optInt(p *int64) string {
	if p == nil {
		return "-"
	}
	return strconv.FormatInt(*p, 10)
}

// GenesisHash is the PrevHash of the first audit row.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"
