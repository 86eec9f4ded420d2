package media

import (
	"context"
	"errors"
	"fmt"

	"github.com/tongfa/tongfa/connectors"
)

// Codes of the errors Image returns: stable, recorded on deliveries as
// their error_code.
const (
	CodeBadURL      = "media_bad_url"
	CodeBlocked     = "media_blocked"
	CodeRedirects   = "media_redirects"
	CodeTooLarge    = "media_too_large"
	CodeTooSlow     = "media_too_slow"
	CodeNotImage    = "media_not_image"
	CodeHTTPStatus  = "media_http_status"
	CodeUnreachable = "media_unreachable"
)

// source names who refused in connectors.Error: the fetch of content
// media, whichever platform the image was bound for.
const source = "media"

func refuse(code, format string, args ...any) *connectors.Error {
	return &connectors.Error{Class: connectors.Permanent, Platform: source, Code: code, Message: fmt.Sprintf(format, args...)}
}

// explain turns a failed fetch from host into the error an operator sees.
func (f *Fetcher) explain(ctx context.Context, host string, redirected bool, err error) error {
	return f.explainAs(ctx, "图片", host, redirected, err)
}

// explainAs is explain for what is fetched: 图片 (an image), 页面 (a
// published page).
func (f *Fetcher) explainAs(ctx context.Context, what, host string, redirected bool, err error) error {
	var refused *refusedError
	var status *statusError
	var e *connectors.Error
	switch {
	case errors.As(err, &refused):
		e = refused.explain(what, host, redirected)
	case errors.Is(context.Cause(ctx), errSlow):
		e = refuse(CodeTooSlow, "%s下载超过 %g 秒仍未完成，已拒绝：%s", what, f.timeout.Seconds(), host)
	case errors.Is(err, errTooLarge):
		e = refuse(CodeTooLarge, "%s超过 %d MB，已拒绝：%s", what, f.maxBytes>>20, host)
	case errors.Is(err, errNotImage):
		e = refuse(CodeNotImage, "图片地址返回的内容不是图片，已拒绝：%s", host)
	case errors.Is(err, errRedirects):
		e = refuse(CodeRedirects, "%s地址重定向超过 %d 次，已拒绝：%s", what, f.maxRedirects, host)
	case errors.Is(err, errRedirectURL):
		e = refuse(CodeBadURL, "%s地址重定向到了非 http(s) 地址，已拒绝：%s", what, host)
	case errors.As(err, &status):
		e = refuse(CodeHTTPStatus, "%s无法读取（HTTP %d）：%s", what, status.status, host)
	default:
		return &connectors.Error{Class: connectors.Retryable, Platform: source, Code: CodeUnreachable,
			Message: "暂时无法读取" + what + "，请稍后重试：" + host, Err: err}
	}
	e.Err = err
	return e
}

// explain words a refused connection to the URL's host, first (as the URL
// writes it); after a redirect the refused one is another, named with its
// port.
func (e *refusedError) explain(what, first string, redirected bool) *connectors.Error {
	to := first
	if redirected {
		to = e.addr
	}
	if e.ip.IsValid() && e.ip.String() != e.host {
		to += "（" + e.ip.String() + "）"
	}
	hint := ""
	if what == "图片" {
		hint = "；本单位的图片服务器请由系统管理员加入 TONGFA_MEDIA_HOSTS"
	}
	if redirected {
		return refuse(CodeBlocked, "%s地址 %s 重定向到%s，已拒绝：%s%s", what, first, e.kind, to, hint)
	}
	return refuse(CodeBlocked, "%s地址指向%s，已拒绝：%s%s", what, e.kind, to, hint)
}
