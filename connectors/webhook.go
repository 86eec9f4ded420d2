package connectors

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/tongfa/tongfa"
)

// MaxWebhook bounds a pushed webhook body.
const MaxWebhook = 1 << 20

// Webhook is one message the app or the website pushed to its callback
// URL, its signature checked.
type Webhook struct {
	Comment
	// SentAt is when the platform signed the push, for the freshness window.
	SentAt time.Time
	// ReplayKey is the signature in one spelling (lower-case hex), so a
	// repeat that spells it differently is still a repeat.
	ReplayKey string
}

// webhookBody is what the app and the website push.
type webhookBody struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	PostID    string    `json:"post_id"`
	User      string    `json:"user"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
	SentAt    int64     `json:"sent_at"`
}

// ReadWebhook verifies a JSON body signed with HMAC-SHA256 under secret
// in X-Tongfa-Signature ("sha256=<hex>") and reads the message. kinds are
// the message kinds the platform may push. Errors are *tongfa.Error with
// the codes the callback answers with.
func ReadWebhook(r *http.Request, secret string, kinds ...string) (*Webhook, error) {
	if secret == "" {
		return nil, tongfa.Errorf(tongfa.ENotConfigured, "该账号未配置推送密钥（webhook_secret）")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxWebhook+1))
	if err != nil || len(body) > MaxWebhook {
		return nil, tongfa.Errorf(tongfa.ETooLarge, "推送内容过大")
	}
	mac, ok := validHMAC(secret, body, r.Header.Get("X-Tongfa-Signature"))
	if !ok {
		return nil, tongfa.Errorf(tongfa.EBadSignature, "签名校验失败")
	}
	var p webhookBody
	if err := json.Unmarshal(body, &p); err != nil || p.ID == "" || strings.TrimSpace(p.Text) == "" {
		return nil, tongfa.Errorf(tongfa.EBadMessage, "推送内容格式错误")
	}
	if !slices.Contains(kinds, p.Kind) {
		return nil, tongfa.Errorf(tongfa.EBadMessage, "未知的消息类型「%s」", p.Kind)
	}
	w := &Webhook{Comment: Comment{ID: p.ID, Kind: p.Kind, PostID: p.PostID, User: p.User, Text: p.Text, CreatedAt: p.CreatedAt},
		SentAt: time.Unix(p.SentAt, 0), ReplayKey: mac}
	if w.CreatedAt.IsZero() {
		w.CreatedAt = w.SentAt
	}
	return w, nil
}

// validHMAC checks header against the body's MAC and returns the MAC in
// lower-case hex.
func validHMAC(secret string, body []byte, header string) (string, bool) {
	hexSig, ok := strings.CutPrefix(header, "sha256=")
	got, err := hex.DecodeString(hexSig)
	if !ok || err != nil {
		return "", false
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	sum := m.Sum(nil)
	return hex.EncodeToString(sum), hmac.Equal(got, sum)
}
