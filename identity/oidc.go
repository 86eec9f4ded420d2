package identity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
)

// ExternalIdentity is a person an external identity provider vouched for.
type ExternalIdentity struct {
	Issuer   string
	Subject  string // the provider's stable id of the person
	Username string // the Tongfa username the provider's user claim names
	Name     string
}

// IdentityProvider is the hook for the government's unified identity
// login (统一身份认证, 单点登录: 鹤壁 第八、十条). The browser is sent to
// AuthURL; the provider sends it back with a code, which Exchange turns
// into a verified identity; LoginExternal then signs that person in as
// the Tongfa user of the same username. The provider stands for the
// password; the unit's second factor still applies.
type IdentityProvider interface {
	AuthURL(state, nonce string) string
	Exchange(ctx context.Context, code, nonce string) (ExternalIdentity, error)
}

var _ IdentityProvider = (*OIDC)(nil)

// OIDC is an IdentityProvider speaking OpenID Connect: the issuer's
// discovery document, its JWKS, and an ID token signed by it, verified
// with github.com/coreos/go-oidc (issuer, audience, expiry, signature,
// nonce).
type OIDC struct {
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	issuer   string
	claim    string
}

// OIDCConfig is TONGFA_OIDC_* (config.Config) and the callback URL.
type OIDCConfig struct {
	Issuer, ClientID, ClientSecret, RedirectURL string
	UserClaim                                   string // default preferred_username
}

// NewOIDC discovers the issuer (ctx may carry an HTTP client:
// oidc.ClientContext).
func NewOIDC(ctx context.Context, c OIDCConfig) (*OIDC, error) {
	p, err := oidc.NewProvider(ctx, c.Issuer)
	if err != nil {
		return nil, fmt.Errorf("identity: oidc discovery of %s: %w", c.Issuer, err)
	}
	if c.UserClaim == "" {
		c.UserClaim = "preferred_username"
	}
	return &OIDC{
		oauth: oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, RedirectURL: c.RedirectURL,
			Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "profile"}},
		verifier: p.Verifier(&oidc.Config{ClientID: c.ClientID}),
		issuer:   c.Issuer, claim: c.UserClaim,
	}, nil
}

// AuthURL is where the browser signs in; state and nonce come back.
func (o *OIDC) AuthURL(state, nonce string) string {
	return o.oauth.AuthCodeURL(state, oidc.Nonce(nonce))
}

// Exchange redeems code at the token endpoint and verifies the ID token.
func (o *OIDC) Exchange(ctx context.Context, code, nonce string) (ExternalIdentity, error) {
	var id ExternalIdentity
	tok, err := o.oauth.Exchange(ctx, code)
	if err != nil {
		return id, fmt.Errorf("identity: oidc token: %w", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		return id, errors.New("identity: oidc token response has no id_token")
	}
	t, err := o.verifier.Verify(ctx, raw)
	if err != nil {
		return id, fmt.Errorf("identity: oidc id token: %w", err)
	}
	if t.Nonce != nonce {
		return id, errors.New("identity: oidc id token nonce does not match")
	}
	claims := map[string]any{}
	if err := t.Claims(&claims); err != nil {
		return id, err
	}
	id = ExternalIdentity{Issuer: t.Issuer, Subject: t.Subject}
	id.Username, _ = claims[o.claim].(string)
	id.Name, _ = claims["name"].(string)
	if id.Username == "" {
		return id, fmt.Errorf("identity: oidc id token has no %q claim", o.claim)
	}
	return id, nil
}

// LoginExternal signs in the user an identity provider vouched for, by
// username, with the same lockout, disabled-account and second-factor
// rules as a password sign-in, and audits it with the provider's subject.
func (s *Service) LoginExternal(ctx context.Context, id ExternalIdentity, code, ip string) (*LoginResult, error) {
	c, err := s.DB.CredentialsByUsername(ctx, id.Username)
	if errors.Is(err, tongfa.ErrNotFound) {
		s.DB.Audit(ctx, store.Actor{Name: id.Username, IP: ip}, "login.failed", "user:"+id.Username, nil, //nolint:errcheck
			map[string]string{"reason": "unknown_user", "issuer": id.Issuer, "subject": id.Subject})
		return nil, &tongfa.Error{Code: tongfa.EUnauthorized, Message: "统一身份认证的账号在本系统中没有对应用户，请联系管理员"}
	}
	if err != nil {
		return nil, err
	}
	u, actor, now := c.User, store.UserActor(c.User, ip), s.DB.Now()
	switch {
	case c.LockedUntil != nil && now.Before(*c.LockedUntil):
		return nil, lockedError(c.LockedUntil.Sub(now))
	case u.Disabled:
		return nil, &tongfa.Error{Code: tongfa.EUnauthorized, Message: "账号已停用，请联系管理员"}
	}
	res, err := s.passSecondFactor(ctx, u, code, actor)
	if err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		tx.Audit(actor, "login", userTarget(u.ID), &u.UnitID, map[string]string{"via": "oidc", "issuer": id.Issuer,
			"subject": id.Subject, "second_factor": res.SecondFactor})
		return tx.RecordLogin(ctx, u.ID)
	})
	return res, err
}

// OIDCOnDemand discovers the provider on first use, and again after a
// failed discovery, so a provider that is down when the hub starts does
// not stop it: the login page offers the provider once it answers.
type OIDCOnDemand struct {
	Config OIDCConfig

	mu sync.Mutex
	p  *OIDC
}

// Provider returns the discovered provider.
func (o *OIDCOnDemand) Provider(ctx context.Context) (IdentityProvider, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.p == nil {
		p, err := NewOIDC(ctx, o.Config)
		if err != nil {
			return nil, err
		}
		o.p = p
	}
	return o.p, nil
}

// ExternalProvider returns the unified identity login's provider: nil
// (with no error) when none is configured; an error when it is
// configured but cannot be reached now.
func (s *Service) ExternalProvider(ctx context.Context) (IdentityProvider, error) {
	if s.OIDC == nil {
		return nil, nil
	}
	p, err := s.OIDC.Provider(ctx)
	if err != nil {
		s.Log.Warn("unified identity login unavailable", slog.Any("error", err))
		return nil, &tongfa.Error{Code: tongfa.EUnavailable, Message: "统一身份认证暂时无法连接，请稍后再试或使用用户名和密码登录", Err: err}
	}
	return p, nil
}
