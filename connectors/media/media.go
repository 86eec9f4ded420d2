package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults of Options.
const (
	DefaultMaxBytes     = 5 << 20
	DefaultTimeout      = 15 * time.Second
	DefaultMaxRedirects = 3
)

// Options configure a Fetcher; zero values take the defaults.
type Options struct {
	// Allow lists hosts, or host:port pairs, that may resolve to internal
	// addresses: an office's own image server (TONGFA_MEDIA_HOSTS).
	Allow        []string
	MaxBytes     int64
	Timeout      time.Duration // the whole fetch: redirects and body included
	MaxRedirects int
	Resolver     *net.Resolver // nil: the system's
}

// Fetcher downloads images by URL under the rules of this package. It is
// safe for concurrent use.
type Fetcher struct {
	transport    http.RoundTripper
	maxBytes     int64
	timeout      time.Duration
	maxRedirects int
}

// New returns a Fetcher with its own connections: they never go through a
// proxy, which would connect on our behalf past the guard.
func New(o Options) *Fetcher {
	f := &Fetcher{maxBytes: o.MaxBytes, timeout: o.Timeout, maxRedirects: o.MaxRedirects}
	if f.maxBytes <= 0 {
		f.maxBytes = DefaultMaxBytes
	}
	if f.timeout <= 0 {
		f.timeout = DefaultTimeout
	}
	if f.maxRedirects <= 0 {
		f.maxRedirects = DefaultMaxRedirects
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	tr.DialContext = (&guard{allow: newAllowList(o.Allow), resolver: o.Resolver}).DialContext
	f.transport = tr
	return f
}

var (
	errSlow        = errors.New("media: fetch took too long")
	errTooLarge    = errors.New("media: image too large")
	errNotImage    = errors.New("media: not an image")
	errRedirects   = errors.New("media: too many redirects")
	errRedirectURL = errors.New("media: redirect to a non-http(s) URL")
)

// statusError is an answer other than 200.
type statusError struct{ status int }

func (e *statusError) Error() string { return fmt.Sprintf("media: HTTP %d", e.status) }

// checkRedirect bounds redirects; where they lead is checked by the guard
// when the next connection is made.
func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > f.maxRedirects {
		return errRedirects
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return errRedirectURL
	}
	return nil
}

// Image downloads the image ref (an http or https URL) points at. Every
// refusal is a permanent *connectors.Error naming the host and the reason;
// a network failure is retryable.
func (f *Fetcher) Image(ctx context.Context, ref string) ([]byte, error) {
	u, err := url.Parse(ref)
	if err != nil || u.Hostname() == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, refuse(CodeBadURL, "图片地址无效（只接受 http 或 https 地址），已拒绝：%s", clip(ref))
	}
	ctx, cancel := context.WithTimeoutCause(ctx, f.timeout, errSlow)
	defer cancel()
	b, redirected, err := f.get(ctx, u, f.maxBytes, isImage)
	if err != nil {
		return nil, f.explain(ctx, u.Host, redirected, err)
	}
	return b, nil
}

// Page downloads the page a URL an operator reports points at (a post on
// a channel without an API), under the same rules as images: public
// addresses only, unless allowed, bounded in time, size and redirects.
// Refusals are permanent *connectors.Error naming the reason.
func (f *Fetcher) Page(ctx context.Context, ref string) ([]byte, error) {
	u, err := url.Parse(ref)
	if err != nil || u.Hostname() == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, refuse(CodeBadURL, "链接无效（只接受 http 或 https 地址）：%s", clip(ref))
	}
	ctx, cancel := context.WithTimeoutCause(ctx, f.timeout, errSlow)
	defer cancel()
	b, redirected, err := f.get(ctx, u, f.maxBytes, func([]byte) bool { return true })
	if err != nil {
		return nil, f.explainAs(ctx, "页面", u.Host, redirected, err)
	}
	return b, nil
}

func isImage(b []byte) bool { return strings.HasPrefix(http.DetectContentType(b), "image/") }

// get reads at most maxBytes and accepts only what looks like an image by
// its first bytes: a Content-Type header proves nothing. redirected tells
// the message whether a refused host is the URL's own.
func (f *Fetcher) get(ctx context.Context, u *url.URL, maxBytes int64, accept func([]byte) bool) (b []byte, redirected bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, false, err
	}
	client := &http.Client{Transport: f.transport, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		redirected = true
		return f.checkRedirect(req, via)
	}}
	resp, err := client.Do(req)
	if err != nil {
		return nil, redirected, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, redirected, &statusError{resp.StatusCode}
	}
	if resp.ContentLength > maxBytes {
		return nil, redirected, errTooLarge
	}
	b, err = io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	switch {
	case err != nil:
		return nil, redirected, err
	case int64(len(b)) > maxBytes:
		return nil, redirected, errTooLarge
	case !accept(b):
		return nil, redirected, errNotImage
	}
	return b, redirected, nil
}

// clip shortens a reference for a message: it may be a whole data: URI.
func clip(s string) string {
	if r := []rune(s); len(r) > 80 {
		return string(r[:80]) + "…"
	}
	return s
}
