// Package app publishes to the office's own mobile app backend: a JSON
// webhook with an Idempotency-Key header and an HMAC-SHA256 signature of
// the body, keyed by the account's hmac_secret.
package app

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
)

// Client is the app connector.
type Client struct{ connectors.KeyedAPI }

var _ connectors.Publisher = (*Client)(nil)

// New returns an app connector over hc.
func New(hc *http.Client) *Client {
	return &Client{connectors.KeyedAPI{Platform: tongfa.PlatformApp, Path: "/posts", HTTP: hc, Authorize: sign}}
}

// SignatureHeader carries Signature(secret, body).
const SignatureHeader = "X-Tongfa-Signature"

// Signature is "sha256=" + hex(HMAC-SHA256(secret, signed)), where signed
// is the request body, or the raw query of a request without one. Every
// body and query carries sent_at, so receivers can refuse replays.
func Signature(secret string, signed []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(signed)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func sign(req *http.Request, acc connectors.Account, signed []byte) error {
	secret := acc.Credentials["hmac_secret"]
	if secret == "" {
		return errors.New("缺少 hmac_secret")
	}
	req.Header.Set(SignatureHeader, Signature(secret, signed))
	return nil
}
