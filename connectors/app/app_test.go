package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/app"
	"github.com/tongfa/tongfa/connectors/connectortest"
	"github.com/tongfa/tongfa/connectors/sim"
)

func harness(t *testing.T) *connectortest.Harness {
	return connectortest.Keyed(t, app.New(connectors.NewHTTPClient(2*time.Second)), tongfa.PlatformApp, "/app", "posts",
		map[string]string{"hmac_secret": sim.AppSecret}, map[string]string{"hmac_secret": "not-the-secret"})
}

func TestConnectorSuite(t *testing.T) { connectortest.Exercise(t, harness) }

// TestSignature pins the wire format receivers implement:
// sha256=hex(HMAC-SHA256(secret, body)).
func TestSignature(t *testing.T) {
	got := app.Signature("key", []byte("The quick brown fox jumps over the lazy dog"))
	if got != "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8" {
		t.Fatal(got)
	}
}

func TestMissingSecretIsPermanent(t *testing.T) {
	h := harness(t)
	p := h.Post("缺少密钥")
	p.Account.Credentials = map[string]string{}
	_, err := h.Publisher.Publish(context.Background(), p, connectortest.NewSteps())
	connectortest.WantClass(t, err, connectors.Permanent)
}
