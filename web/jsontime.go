package web

import (
	"bytes"
	"time"
)

// apiZone is the one zone every time the API returns is written in:
// China time, so an answer never mixes Z and +08:00.
var apiZone = time.FixedZone("CST", 8*3600)

// chinaTimes rewrites, in the encoded JSON b, every string that is an RFC
// 3339 time into the same instant in China time. It is the JSON encoder's
// last step (writeJSON), so no handler or store has to remember the zone.
// b must be valid JSON, as encoding/json writes it.
func chinaTimes(b []byte) []byte {
	var out []byte // nil until the first rewrite: most answers need none
	last := 0
	for i := 0; i < len(b); i++ {
		if b[i] != '"' {
			continue
		}
		end := stringEnd(b, i+1)
		if s := b[i+1 : end]; len(s) >= len(time.DateTime)+1 && len(s) <= len(time.RFC3339Nano) && s[4] == '-' && s[10] == 'T' {
			if t, err := time.Parse(time.RFC3339Nano, string(s)); err == nil {
				if _, off := t.Zone(); off != 8*3600 || !bytes.HasSuffix(s, []byte("+08:00")) {
					out = append(append(out, b[last:i+1]...), t.In(apiZone).Format(time.RFC3339Nano)...)
					last = end
				}
			}
		}
		i = end
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// stringEnd returns the index of the quote closing the JSON string whose
// text starts at i.
func stringEnd(b []byte, i int) int {
	for ; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return len(b)
}
