package inbox

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/officialaccount"
	oaconfig "github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/message"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/group"
	"github.com/tongfa/tongfa/secret"
)

// Intake answers the platforms' pushes: WeChat's message callback and the
// app's and website's signed webhooks. Every message is stored before the
// platform gets its acknowledgement; a platform that gets none pushes
// again, and the repeat is deduplicated.
type Intake struct {
	Inbox *Service
	Box   *secret.Box
	Redis redis.UniversalClient // remembers recent signatures, to refuse replays
	Log   *slog.Logger
	// Window is how far a push's timestamp may be from now (default 5
	// minutes); older or later ones are refused as replays.
	Window time.Duration

	group     group.Group[Incoming, struct{}]
	groupOnce sync.Once
	accounts  accountCache
}

// maxPush bounds a pushed body.
const maxPush = 1 << 20

func (in *Intake) window() time.Duration {
	if in.Window > 0 {
		return in.Window
	}
	return 5 * time.Minute
}

// IntakeError is a refused push, answered with its HTTP status.
type IntakeError struct {
	Status int
	Code   string
	Msg    string
}

func (e *IntakeError) Error() string { return e.Msg }

func refuse(status int, code, msg string) error {
	return &IntakeError{Status: status, Code: code, Msg: msg}
}

// account loads an active account of platform and opens its credentials.
func (in *Intake) account(ctx context.Context, id int64, platform tongfa.Platform) (*tongfa.Account, map[string]string, error) {
	if acc, creds, ok := in.accounts.get(id); ok && acc.Platform == platform {
		return acc, creds, nil
	}
	acc, err := in.Inbox.DB.Account(ctx, id)
	if err != nil || acc.Platform != platform || acc.Status != "active" {
		return nil, nil, refuse(http.StatusNotFound, "not_found", "账号不存在或未启用")
	}
	creds, err := connectors.Credentials(in.Box, acc)
	if err != nil {
		return nil, nil, fmt.Errorf("inbox: account %d credentials: %w", id, err)
	}
	in.accounts.put(acc, creds)
	return acc, creds, nil
}

// accountCache keeps opened accounts for a few seconds: a busy account
// pushes many messages a second, and a credential change or suspension
// takes effect within accountTTL.
type accountCache struct {
	mu sync.Mutex
	m  map[int64]cachedAccount
}

type cachedAccount struct {
	acc   *tongfa.Account
	creds map[string]string
	until time.Time
}

const accountTTL = 5 * time.Second

func (c *accountCache) get(id int64) (*tongfa.Account, map[string]string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[id]
	if !ok || time.Now().After(e.until) {
		return nil, nil, false
	}
	return e.acc, e.creds, true
}

func (c *accountCache) put(acc *tongfa.Account, creds map[string]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 10_000 {
		c.m = map[int64]cachedAccount{}
	}
	c.m[acc.ID] = cachedAccount{acc, creds, time.Now().Add(accountTTL)}
}

// fresh refuses a push whose timestamp is outside the window, or whose
// signature was seen before (a replay), remembering it for the window.
func (in *Intake) fresh(ctx context.Context, accountID int64, ts int64, signature string) error {
	if d := time.Since(time.Unix(ts, 0)); d > in.window() || d < -in.window() {
		return refuse(http.StatusForbidden, "stale", "推送时间戳超出允许范围，疑似重放")
	}
	if in.Redis == nil {
		return nil
	}
	ok, err := in.Redis.SetNX(ctx, fmt.Sprintf("tongfa:inbox:seen:%d:%s", accountID, signature), 1, 2*in.window()).Result()
	if err != nil {
		return fmt.Errorf("inbox: replay guard: %w", err)
	}
	if !ok {
		return refuse(http.StatusForbidden, "replayed", "重复的推送请求，已拒绝")
	}
	return nil
}

// WeChat handles POST (and the GET URL check of) /callback/wechat/{account}
// through silenceper's server: the signature is checked, safe (AES) mode
// decrypted; stale and replayed requests are refused before that.
func (in *Intake) WeChat(w http.ResponseWriter, r *http.Request, accountID int64) {
	if err := in.wechat(w, r, accountID); err != nil {
		in.fail(w, r, err)
	}
}

func (in *Intake) wechat(w http.ResponseWriter, r *http.Request, accountID int64) error {
	ctx := r.Context()
	acc, creds, err := in.account(ctx, accountID, tongfa.PlatformWeChat)
	if err != nil {
		return err
	}
	token := creds["callback_token"]
	if token == "" {
		return refuse(http.StatusNotFound, "not_configured", "该公众号未配置消息推送（callback_token）")
	}
	q := r.URL.Query()
	ts, err := strconv.ParseInt(q.Get("timestamp"), 10, 64)
	if err != nil || q.Get("signature") == "" {
		return refuse(http.StatusForbidden, "bad_signature", "缺少签名或时间戳")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxPush)
	oa := officialaccount.NewOfficialAccount(&oaconfig.Config{AppID: creds["app_id"], AppSecret: creds["app_secret"],
		Token: token, EncodingAESKey: creds["encoding_aes_key"], Cache: cache.NewMemory()})
	buf := &bufferedWriter{header: http.Header{}}
	srv := oa.GetServer(r, buf)
	if !srv.Validate() {
		return refuse(http.StatusForbidden, "bad_signature", "签名校验失败")
	}
	// The URL check (echostr) carries no message; everything else must be
	// fresh and seen once.
	if _, check := srv.GetQuery("echostr"); !check {
		if err := in.fresh(ctx, acc.ID, ts, q.Get("signature")+q.Get("msg_signature")+q.Get("nonce")); err != nil {
			return err
		}
	}
	var got []*message.MixMessage
	srv.SetMessageHandler(func(m *message.MixMessage) *message.Reply {
		got = append(got, m)
		return nil
	})
	if err := srv.Serve(); err != nil {
		if strings.Contains(err.Error(), "签名") || strings.Contains(err.Error(), "校验") {
			return refuse(http.StatusForbidden, "bad_signature", "消息签名校验失败")
		}
		return refuse(http.StatusBadRequest, "bad_message", "消息无法解析或解密："+err.Error())
	}
	var msgs []Incoming
	for _, m := range got {
		if m.MsgType != message.MsgTypeText || m.MsgID == 0 {
			continue // events and media: nothing to answer in text
		}
		msgs = append(msgs, Incoming{Account: acc, Kind: "message", PlatformMsgID: strconv.FormatInt(m.MsgID, 10),
			Author: string(m.FromUserName), Body: m.Content, At: time.Unix(m.CreateTime, 0)})
	}
	for _, m := range msgs {
		if err := in.ingest(ctx, m); err != nil {
			return err // no acknowledgement: WeChat pushes again
		}
	}
	if buf.Len() == 0 {
		buf.WriteString("success")
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err = w.Write(buf.Bytes())
	return err
}

// bufferedWriter holds what silenceper writes until the message is stored.
type bufferedWriter struct {
	bytes.Buffer
	header http.Header
}

func (b *bufferedWriter) Header() http.Header { return b.header }
func (b *bufferedWriter) WriteHeader(int)     {}

// pushed is the app's and website's webhook body.
type pushed struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	PostID    string    `json:"post_id"`
	User      string    `json:"user"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
	SentAt    int64     `json:"sent_at"`
}

// Webhook handles POST /callback/{app|website}/{account}: a JSON body
// signed with HMAC-SHA256 under the account's webhook secret in
// X-Tongfa-Signature ("sha256=<hex>").
func (in *Intake) Webhook(w http.ResponseWriter, r *http.Request, platform tongfa.Platform, accountID int64) {
	if err := in.webhook(r, platform, accountID); err != nil {
		in.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (in *Intake) webhook(r *http.Request, platform tongfa.Platform, accountID int64) error {
	ctx := r.Context()
	acc, creds, err := in.account(ctx, accountID, platform)
	if err != nil {
		return err
	}
	secret := creds["webhook_secret"]
	if secret == "" {
		secret = creds["hmac_secret"]
	}
	if secret == "" {
		return refuse(http.StatusNotFound, "not_configured", "该账号未配置推送密钥（webhook_secret）")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxPush+1))
	if err != nil || len(body) > maxPush {
		return refuse(http.StatusRequestEntityTooLarge, "too_large", "推送内容过大")
	}
	sig := r.Header.Get("X-Tongfa-Signature")
	if !validHMAC(secret, body, sig) {
		return refuse(http.StatusForbidden, "bad_signature", "签名校验失败")
	}
	var p pushed
	if err := json.Unmarshal(body, &p); err != nil || p.ID == "" || strings.TrimSpace(p.Text) == "" {
		return refuse(http.StatusBadRequest, "bad_message", "推送内容格式错误")
	}
	if p.Kind != "comment" && p.Kind != "message" && !(p.Kind == "error_report" && platform == tongfa.PlatformWebsite) {
		return refuse(http.StatusBadRequest, "bad_message", "未知的消息类型「"+p.Kind+"」")
	}
	if err := in.fresh(ctx, acc.ID, p.SentAt, sig); err != nil {
		return err
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = time.Unix(p.SentAt, 0)
	}
	return in.ingest(ctx, Incoming{Account: acc, Kind: p.Kind, PlatformMsgID: p.ID, PostID: p.PostID,
		Author: p.User, Body: p.Text, At: p.CreatedAt})
}

func validHMAC(secret string, body []byte, header string) bool {
	got, err := hex.DecodeString(strings.TrimPrefix(header, "sha256="))
	if err != nil || !strings.HasPrefix(header, "sha256=") {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

// fail answers a refused or failed push: platforms read the status, people
// reading logs the code and message.
func (in *Intake) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ie *IntakeError
	if !errors.As(err, &ie) {
		in.Log.ErrorContext(r.Context(), "inbox intake failed", slog.String("path", r.URL.Path), slog.Any("error", err))
		ie = &IntakeError{Status: http.StatusInternalServerError, Code: "internal", Msg: "暂时无法接收，请稍后重试"}
	} else {
		in.Log.WarnContext(r.Context(), "inbox push refused", slog.String("path", r.URL.Path), slog.String("code", ie.Code))
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(ie.Status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": ie.Code, "message": ie.Msg}}) //nolint:errcheck
}
