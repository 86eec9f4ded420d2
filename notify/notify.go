// Package notify sends alerts to the group robots offices already use:
// WeCom (企业微信) and DingTalk (钉钉) group-robot webhooks.
package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Robot kinds.
const (
	WeCom    = "wecom"
	DingTalk = "dingtalk"
)

// Robot is one configured group-robot webhook.
type Robot struct {
	Kind   string
	URL    string
	Secret string // DingTalk "加签" secret; empty when not used
}

// Message is what an alert says, in Markdown (both robots render it).
type Message struct {
	Title string
	Text  string
}

// Sender posts messages to robots.
type Sender struct {
	HTTP *http.Client
	Now  func() time.Time
}

// NewSender returns a sender with a short timeout: an alert must not hold
// up the work that raised it.
func NewSender() *Sender {
	return &Sender{HTTP: &http.Client{Timeout: 5 * time.Second}, Now: time.Now}
}

// Send posts m to r and checks the robot's errcode.
func (s *Sender) Send(ctx context.Context, r Robot, m Message) error {
	target, body, err := s.request(r, m)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("notify: %s: %w", r.Kind, err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := s.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("notify: %s: %w", r.Kind, err)
	}
	defer resp.Body.Close()
	var out struct {
		ErrCode int    `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &out) != nil || out.ErrCode != 0 {
		return fmt.Errorf("notify: %s answered %d: errcode %d %s", r.Kind, resp.StatusCode, out.ErrCode, out.ErrMsg)
	}
	return nil
}

func (s *Sender) request(r Robot, m Message) (string, []byte, error) {
	switch r.Kind {
	case WeCom:
		body, err := json.Marshal(map[string]any{"msgtype": "markdown",
			"markdown": map[string]string{"content": "**" + m.Title + "**\n" + m.Text}})
		return r.URL, body, err
	case DingTalk:
		body, err := json.Marshal(map[string]any{"msgtype": "markdown",
			"markdown": map[string]string{"title": m.Title, "text": "#### " + m.Title + "\n" + m.Text}})
		if err != nil || r.Secret == "" {
			return r.URL, body, err
		}
		target, err := signDingTalk(r.URL, r.Secret, s.Now())
		return target, body, err
	}
	return "", nil, fmt.Errorf("notify: unknown robot kind %q", r.Kind)
}

// signDingTalk adds DingTalk's timestamp and HMAC-SHA256 signature of
// "timestamp\nsecret" to the webhook URL.
func signDingTalk(raw, secret string, now time.Time) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("notify: dingtalk url: %w", err)
	}
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	q := u.Query()
	q.Set("timestamp", ts)
	q.Set("sign", DingTalkSign(ts, secret))
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// DingTalkSign is the signature DingTalk expects for a timestamp.
func DingTalkSign(timestamp, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
