package connectors

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tongfa/tongfa"
)

// KeyedAPI is a platform that creates a post idempotently by key and can
// look a post up by key: the office's app backend and the website CMS.
// Their packages supply the paths and how a request is authenticated.
type KeyedAPI struct {
	Platform tongfa.Platform
	Path     string // collection path under the account's API base, e.g. "/api/articles"
	// CommentsPath lists what the public wrote (default "/comments").
	CommentsPath string
	// StatsPath answers a day's statistics (default "/stats").
	StatsPath string
	HTTP      *http.Client
	// Now is the clock of sent_at, which receivers check against theirs
	// (default time.Now; tests share the simulator's).
	Now func() time.Time
	// Authorize adds credentials to a request; signed is its body, or for
	// a request without one its raw query.
	Authorize func(req *http.Request, acc Account, signed []byte) error
	// FilesPath uploads pictures and attachments (default "/files").
	FilesPath string
	// Library gives the media library's files the content uses; Picture
	// names the platform copy of pictures (media/picture: app, website).
	Library MediaSource
	Picture string
}

// keyedPost is what both APIs answer.
type keyedPost struct {
	ID  string `json:"id"`
	URL string `json:"url"`
}

// keyedBody is the article both APIs accept. SentAt lets the receiver
// refuse a replayed request.
type keyedBody struct {
	Key         string   `json:"key"`
	SentAt      int64    `json:"sent_at"`
	Title       string   `json:"title"`
	Summary     string   `json:"summary,omitempty"`
	HTML        string   `json:"html"`
	Column      string   `json:"column,omitempty"`
	Cover       string   `json:"cover,omitempty"`
	Attribution string   `json:"attribution,omitempty"`
	Reprint     *Reprint `json:"reprint,omitempty"`
	Link        string   `json:"link,omitempty"`
	DeepLink    string   `json:"deep_link,omitempty"`
	// Attachments were uploaded first (FilesPath).
	Attachments []keyedAttachment `json:"attachments,omitempty"`
}

// Publish creates the post. The key makes a repeat harmless, which is why
// a gateway error here stays Retryable; a lost answer is still Unconfirmed
// and goes through Verify first, as the contract says.
func (k *KeyedAPI) Publish(ctx context.Context, p *Post, s Steps) (Receipt, error) {
	if id, ok := s.Get("post_id"); ok {
		u, _ := s.Get("url")
		return Receipt{PlatformPostID: id, URL: u, DeliveredAt: k.now()}, nil
	}
	pl := p.Payload
	m, err := k.uploadFiles(ctx, p, s)
	if err != nil {
		return Receipt{}, err
	}
	body, _ := json.Marshal(keyedBody{Key: p.Key, SentAt: k.now().Unix(), Title: pl.Title, Summary: pl.Digest, HTML: m.rewrite(pl.HTML),
		Column: pl.Column, Cover: m.cover(pl.Cover), Attribution: pl.Attribution, Reprint: pl.Reprint, Link: pl.Link, DeepLink: pl.DeepLink,
		Attachments: m.attachments})
	var out keyedPost
	if err := k.call(ctx, http.MethodPost, p.Account, k.Path, p.Key, body, &out); err != nil {
		return Receipt{}, err
	}
	return k.save(ctx, s, out)
}

func (k *KeyedAPI) save(ctx context.Context, s Steps, out keyedPost) (Receipt, error) {
	if out.ID == "" {
		return Receipt{}, &Error{Class: Unconfirmed, Platform: string(k.Platform), Message: "平台应答缺少文章编号，需核实是否已发布"}
	}
	if err := NoteSteps(ctx, s, "post_id", out.ID, "url", out.URL); err != nil {
		return Receipt{}, err
	}
	return Receipt{PlatformPostID: out.ID, URL: out.URL, DeliveredAt: k.now()}, nil
}

// Verify looks the post up by its key.
func (k *KeyedAPI) Verify(ctx context.Context, p *Post, s Steps) (Receipt, bool, error) {
	q := url.Values{"key": {p.Key}, "sent_at": {strconv.FormatInt(k.now().Unix(), 10)}}
	var out keyedPost
	absent := false
	err := Reread(ctx, func() error {
		err := k.call(ctx, http.MethodGet, p.Account, k.Path+"?"+q.Encode(), "", nil, &out)
		if absent = notFound(err); absent {
			return nil // an answer, not a failure
		}
		return err
	})
	if absent {
		return Receipt{}, false, nil
	}
	if err != nil {
		return Receipt{}, false, err
	}
	r, err := k.save(ctx, s, out)
	return r, err == nil, err
}

// Withdraw deletes the post; one already gone counts as withdrawn.
func (k *KeyedAPI) Withdraw(ctx context.Context, p *Post, r Receipt) error {
	body, _ := json.Marshal(map[string]any{"id": r.PlatformPostID, "sent_at": k.now().Unix()})
	err := k.call(ctx, http.MethodDelete, p.Account, k.Path+"/"+url.PathEscape(r.PlatformPostID), "", body, nil)
	if notFound(err) {
		return nil
	}
	return err
}

func (k *KeyedAPI) now() time.Time {
	if k.Now != nil {
		return k.Now()
	}
	return time.Now()
}

func notFound(err error) bool {
	e, ok := err.(*Error)
	return ok && e.Code == "404"
}

// call sends one request and decodes a 2xx answer into out; every failure
// comes back classified.
func (k *KeyedAPI) call(ctx context.Context, method string, acc Account, path, key string, body []byte, out any) error {
	req, err := k.request(ctx, method, acc, path, key, body)
	if err != nil {
		return err
	}
	resp, err := k.HTTP.Do(req)
	if err != nil {
		return TransportError(string(k.Platform), err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return TransportError(string(k.Platform), &SendError{Err: err, Written: true})
	}
	if resp.StatusCode >= 300 {
		return HTTPStatusError(string(k.Platform), resp.StatusCode, RetryAfter(resp.Header))
	}
	if out != nil && json.Unmarshal(raw, out) != nil {
		return &Error{Class: Unconfirmed, Platform: string(k.Platform), Message: fmt.Sprintf("平台应答无法解析（HTTP %d）", resp.StatusCode)}
	}
	return nil
}

func (k *KeyedAPI) request(ctx context.Context, method string, acc Account, path, key string, body []byte) (*http.Request, error) {
	platform := string(k.Platform)
	if acc.APIBase == "" {
		return nil, &Error{Class: Permanent, Platform: platform, Message: "账号未配置接口地址（api_base）"}
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(acc.APIBase, "/")+path, bytes.NewReader(body))
	if err != nil {
		return nil, &Error{Class: Permanent, Platform: platform, Message: "接口地址无效", Err: err}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	signed := body
	if body == nil {
		signed = []byte(req.URL.RawQuery)
	}
	if err := k.Authorize(req, acc, signed); err != nil {
		return nil, &Error{Class: Permanent, Platform: platform, Message: "账号凭据不完整：" + err.Error(), Err: err}
	}
	return req, nil
}
