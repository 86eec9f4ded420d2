package tongfa

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestAuditHashes(t *testing.T) {
	m := NewAuditHMAC(bytes.Repeat([]byte{1}, 32))
	other := NewAuditHMAC(bytes.Repeat([]byte{2}, 32))
	e := AuditEntry{ID: 7, Seq: 3, At: time.UnixMicro(1_700_000_000_000_000), Actor: "cli", Action: "unit.create",
		Details: "{}", PrevHash: GenesisHash}
	legacy, keyed := e.LegacyHash(), e.KeyedHash(m)
	if !IsLegacyHash(legacy) || len(legacy) != 64 || HashScheme(legacy) != "" {
		t.Fatalf("legacy hash %q", legacy)
	}
	if !strings.HasPrefix(keyed, m.Name()+":") || HashScheme(keyed) != "hmac-sha256/"+m.KeyID || IsLegacyHash(keyed) {
		t.Fatalf("keyed hash %q", keyed)
	}
	if keyed == e.KeyedHash(other) || m.KeyID == other.KeyID || len(m.KeyID) != 8 {
		t.Fatal("keyed hash or key id does not depend on the key")
	}
	e.Details = `{"n":1}`
	if keyed == e.KeyedHash(m) || legacy == e.LegacyHash() {
		t.Fatal("hashes do not cover the details")
	}
}

func TestCheckpointSignature(t *testing.T) {
	m := NewAuditHMAC(bytes.Repeat([]byte{1}, 32))
	c := AuditCheckpoint{Seq: 42, Hash: "hmac-sha256:ab", At: time.Now()}
	c.Sign(m)
	if !c.Valid(m) {
		t.Fatal("signed checkpoint does not verify")
	}
	for name, bad := range map[string]AuditCheckpoint{
		"seq":  {Seq: 43, Hash: c.Hash, At: c.At, MAC: c.MAC},
		"hash": {Seq: 42, Hash: "hmac-sha256:cd", At: c.At, MAC: c.MAC},
		"time": {Seq: 42, Hash: c.Hash, At: c.At.Add(time.Second), MAC: c.MAC},
	} {
		if bad.Valid(m) {
			t.Errorf("checkpoint with changed %s verifies", name)
		}
	}
	if c.Valid(NewAuditHMAC(bytes.Repeat([]byte{2}, 32))) {
		t.Error("checkpoint verifies under another key")
	}
}
