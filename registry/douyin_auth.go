package registry

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/douyin"
	"github.com/tongfa/tongfa/store"
)

// DouyinApp is the hub's app on Douyin's open platform: the account's
// owner authorises it (OAuth) to publish on their behalf
// (video.create.bind). Nil on Service: authorisation is not offered.
type DouyinApp struct {
	ClientKey    string // TONGFA_DOUYIN_CLIENT_KEY
	ClientSecret string // TONGFA_DOUYIN_CLIENT_SECRET
	// RedirectURL is the hub's callback registered with the app
	// (TONGFA_PUBLIC_URL + /accounts/douyin/callback).
	RedirectURL string
	Redis       redis.UniversalClient // the pending authorisations
	Client      *douyin.Client        // exchanges the code
	// TTL is how long an authorisation may take from start to callback
	// (default 10 minutes, the life of Douyin's code).
	TTL time.Duration
}

// pendingAuth is what the hub remembers of an authorisation it started:
// whose session started it, for which account. The state itself is not
// stored, only its digest.
type pendingAuth struct {
	AccountID int64  `json:"account_id"`
	UserID    int64  `json:"user_id"`
	Session   string `json:"session"` // digest of the console session
}

func stateKey(state string) string {
	sum := sha256.Sum256([]byte(state))
	return "tongfa:douyin:oauth:" + hex.EncodeToString(sum[:])
}

func sessionDigest(session string) string {
	sum := sha256.Sum256([]byte("douyin-oauth\x00" + session))
	return hex.EncodeToString(sum[:])
}

// errAuthState answers every state the hub cannot match to an
// authorisation the caller started in this session: forged, replayed,
// expired, or started by someone else.
var errAuthState = &tongfa.Error{Code: tongfa.EInvalid,
	Message: "抖音授权请求无效、已使用或已过期（每次授权须从本系统的账号页面发起，10 分钟内有效且只能使用一次），未保存任何凭据，请重新发起授权"}

// CanAuthorizeDouyin reports whether p manages a's Douyin authorisation:
// the administrators of the account's unit (or of a unit above it).
func CanAuthorizeDouyin(p *access.Principal, a *tongfa.Account) bool {
	return a.Platform == tongfa.PlatformDouyin && p.Tree.Administers(p.User, a.UnitID)
}

// douyinAccount is a Douyin account p manages; any other id is not found.
func (s *Service) douyinAccount(ctx context.Context, p *access.Principal, id int64) (*tongfa.Account, error) {
	a, err := s.DB.Account(ctx, id)
	if err != nil || !CanAuthorizeDouyin(p, a) {
		return nil, fmt.Errorf("registry: douyin account %d: %w", id, tongfa.ErrNotFound)
	}
	return a, nil
}

func (s *Service) douyinReady() error {
	switch {
	case s.Douyin == nil || s.Douyin.ClientKey == "" || s.Douyin.Redis == nil || s.Douyin.Client == nil:
		return &tongfa.Error{Code: tongfa.EUnavailable, Message: "服务器未配置抖音开放平台应用（TONGFA_DOUYIN_CLIENT_KEY、TONGFA_DOUYIN_CLIENT_SECRET），不能发起抖音授权"}
	case s.Box == nil:
		return &tongfa.Error{Code: tongfa.EUnavailable, Message: "服务器未配置密钥（TONGFA_SECRET_KEY），不能保存抖音授权凭据"}
	}
	return nil
}

// StartDouyinAuth begins the authorisation of a Douyin account by its
// owner and returns the platform's authorize URL to send the browser to.
// The state in it is random, bound to p's console session and the
// account, single use and valid for TTL.
func (s *Service) StartDouyinAuth(ctx context.Context, p *access.Principal, accountID int64) (string, error) {
	a, err := s.douyinAccount(ctx, p, accountID)
	if err != nil {
		return "", err
	}
	if err := s.douyinReady(); err != nil {
		return "", err
	}
	if p.Session == "" {
		return "", &tongfa.Error{Code: tongfa.EForbidden, Message: "抖音授权须在控制台登录后从账号页面发起"}
	}
	state := rand.Text()
	b, _ := json.Marshal(pendingAuth{AccountID: a.ID, UserID: p.User.ID, Session: sessionDigest(p.Session)})
	if err := s.Douyin.Redis.Set(ctx, stateKey(state), b, s.authTTL()).Err(); err != nil {
		return "", fmt.Errorf("registry: douyin authorisation of account %d: %w", a.ID, err)
	}
	return douyin.AuthorizeURL(a.APIBase, s.Douyin.ClientKey, s.Douyin.RedirectURL, state), nil
}

func (s *Service) authTTL() time.Duration {
	if s.Douyin.TTL > 0 {
		return s.Douyin.TTL
	}
	return 10 * time.Minute
}

// FinishDouyinAuth completes an authorisation p started: the state must
// be one p's session started and not yet used; the code is exchanged for
// the owner's tokens, which replace the account's credentials (sealed
// like every credential). denied is the platform's error parameter when
// the owner refused. Nothing is stored on any refusal.
func (s *Service) FinishDouyinAuth(ctx context.Context, p *access.Principal, state, code, denied string) (*AccountView, error) {
	if err := s.douyinReady(); err != nil {
		return nil, err
	}
	if state == "" {
		return nil, errAuthState
	}
	raw, err := s.Douyin.Redis.GetDel(ctx, stateKey(state)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, errAuthState
	}
	if err != nil {
		return nil, fmt.Errorf("registry: douyin authorisation: %w", err)
	}
	var pend pendingAuth
	if json.Unmarshal(raw, &pend) != nil || pend.UserID != p.User.ID || p.Session == "" ||
		subtle.ConstantTimeCompare([]byte(pend.Session), []byte(sessionDigest(p.Session))) != 1 {
		return nil, errAuthState
	}
	a, err := s.douyinAccount(ctx, p, pend.AccountID)
	if err != nil {
		return nil, err
	}
	if denied != "" || code == "" {
		return nil, &tongfa.Error{Code: tongfa.EInvalid, Message: "抖音账号所有者未同意授权，未保存任何凭据"}
	}
	g, err := s.Douyin.Client.Exchange(ctx, a.APIBase, s.Douyin.ClientKey, s.Douyin.ClientSecret, code)
	if err != nil {
		var ce *connectors.Error
		msg := "抖音授权未能完成，请稍后重新发起授权"
		if errors.As(err, &ce) && ce.Message != "" {
			msg = "抖音授权未能完成：" + ce.Message + "。未保存任何凭据，请重新发起授权"
		}
		return nil, &tongfa.Error{Code: tongfa.EUnavailable, Message: msg, Err: err}
	}
	if g.AccessToken == "" || g.OpenID == "" {
		return nil, &tongfa.Error{Code: tongfa.EUnavailable, Message: "抖音授权的应答缺少令牌，未保存任何凭据，请重新发起授权"}
	}
	creds := g.Credentials(s.Douyin.ClientKey)
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetAccountCredentials(ctx, a.ID, s.seal(connectors.AccountAAD(a.ID), creds)); err != nil {
			return err
		}
		tx.Audit(store.UserActor(p.User, p.IP), "account.authorize", fmt.Sprintf("account:%d", a.ID), &a.UnitID,
			map[string]any{"platform": a.Platform, "open_id": g.OpenID, "scope": g.Scope,
				"expires_at": g.ExpiresAt.UTC().Format(time.RFC3339), "refresh_expires_at": g.RefreshExpiresAt.UTC().Format(time.RFC3339)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	a, err = s.DB.Account(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	return s.view(p, *a, creds), nil
}
