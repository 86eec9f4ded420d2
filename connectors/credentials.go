package connectors

import (
	"encoding/json"
	"fmt"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/secret"
)

// AccountAAD binds sealed credentials to one account row, so credentials
// copied onto another account's row do not open.
func AccountAAD(id int64) []byte { return fmt.Appendf(nil, "account:%d", id) }

// Credentials decrypts an account's stored credentials.
func Credentials(box *secret.Box, a *tongfa.Account) (map[string]string, error) {
	if !a.HasCredentials() {
		return map[string]string{}, nil
	}
	if box == nil {
		return nil, fmt.Errorf("connectors: account %d: no secret key configured", a.ID)
	}
	b, err := box.Open(a.Credentials, AccountAAD(a.ID))
	if err != nil {
		return nil, fmt.Errorf("connectors: account %d: %w", a.ID, err)
	}
	var creds map[string]string
	return creds, json.Unmarshal(b, &creds)
}

// Connect opens a stored account's credentials and returns the account as
// a connector takes it. Only workers call it, right before talking to the
// platform.
func Connect(box *secret.Box, a *tongfa.Account) (Account, error) {
	creds, err := Credentials(box, a)
	if err != nil {
		return Account{}, err
	}
	return Account{ID: a.ID, Platform: a.Platform, Name: a.Name, APIBase: a.APIBase, Credentials: creds, Settings: a.Settings}, nil
}
