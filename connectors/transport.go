package connectors

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"sync/atomic"
	"time"
)

// SendError is a transport failure that knows whether the whole request
// had been written when it happened: if it had, the platform may have
// acted on it.
type SendError struct {
	Err     error
	Written bool
}

func (e *SendError) Error() string { return e.Err.Error() }
func (e *SendError) Unwrap() error { return e.Err }

// tracing is a RoundTripper that bounds each exchange by timeout and marks
// failures with SendError. The bound lives here rather than in
// http.Client.Timeout because the client replaces a timed-out request's
// error with a bare string, losing whether the request went out.
type tracing struct {
	base    http.RoundTripper
	timeout time.Duration
}

func (t tracing) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
	var written atomic.Bool
	trace := &httptrace.ClientTrace{WroteRequest: func(i httptrace.WroteRequestInfo) { written.Store(i.Err == nil) }}
	resp, err := t.base.RoundTrip(req.WithContext(httptrace.WithClientTrace(ctx, trace)))
	if err != nil {
		cancel()
		return nil, &SendError{Err: err, Written: written.Load()}
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelBody releases the exchange's timer once the body is closed; reads
// after the deadline fail, and are reported as written.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = &SendError{Err: err, Written: true}
	}
	return n, err
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// NewHTTPClient returns a client for platform APIs: each exchange is
// bounded by timeout, and failures say whether the request went out.
func NewHTTPClient(timeout time.Duration) *http.Client {
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.MaxIdleConnsPerHost = 32
	return &http.Client{Transport: tracing{base: base, timeout: timeout}}
}

// TransportError classifies a failed call: if the request was written the
// outcome is unknown (Unconfirmed), otherwise it certainly did nothing
// (Retryable).
func TransportError(platform string, err error) *Error {
	var se *SendError
	if errors.As(err, &se) && se.Written {
		return &Error{Class: Unconfirmed, Platform: platform, Message: "请求已发出但未收到平台应答，需核实是否已发布", Err: err}
	}
	return &Error{Class: Retryable, Platform: platform, Message: "无法连接平台接口：" + shortErr(err), Err: err}
}

func shortErr(err error) string {
	s := err.Error()
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

// HTTPStatusError classifies an HTTP status without a platform error code.
func HTTPStatusError(platform string, status int, retryAfter time.Duration) *Error {
	switch {
	case status == http.StatusTooManyRequests:
		return &Error{Class: RateLimited, Platform: platform, Code: "429", Message: "平台限流，稍后自动重试", RetryAfter: max(retryAfter, time.Second)}
	case status >= 500:
		return &Error{Class: Retryable, Platform: platform, Code: fmt.Sprint(status), Message: fmt.Sprintf("平台服务暂时不可用（HTTP %d）", status), bare: true}
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return &Error{Class: Permanent, Platform: platform, Code: fmt.Sprint(status), Message: "平台拒绝了账号凭据，请检查接口配置"}
	}
	return &Error{Class: Permanent, Platform: platform, Code: fmt.Sprint(status), Message: fmt.Sprintf("平台拒绝了请求（HTTP %d）", status)}
}

// RetryAfter reads a Retry-After header (seconds or an HTTP date); 0 when
// absent or unreadable.
func RetryAfter(h http.Header) time.Duration {
	v := h.Get("Retry-After")
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

// Ambiguous turns a retryable failure of a request that creates a post,
// and that the platform itself did not explain (a bare 5xx from a gateway,
// a lost answer), into Unconfirmed: the post may exist. Platform error
// codes keep their class.
func Ambiguous(err error) error {
	var ce *Error
	if errors.As(err, &ce) && ce.Class == Retryable && ce.bare {
		c := *ce
		c.Class, c.Message = Unconfirmed, "平台网关报错，无法确定是否已发布，需核实"
		return &c
	}
	return err
}
