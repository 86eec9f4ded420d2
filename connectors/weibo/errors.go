package weibo

import (
	"fmt"
	"time"

	"github.com/tongfa/tongfa/connectors"
)

// codes maps Weibo error codes to a class and an operator message.
var codes = map[int]struct {
	class connectors.Class
	msg   string
}{
	10001: {connectors.Retryable, "微博系统错误"},
	10002: {connectors.Retryable, "微博服务暂停"},
	10003: {connectors.Retryable, "微博远程服务错误"},
	10009: {connectors.Retryable, "微博任务过多，系统繁忙"},
	10011: {connectors.Retryable, "微博内部调用错误"},
	10022: {connectors.RateLimited, "服务器 IP 请求频次超过上限"},
	10023: {connectors.RateLimited, "账号请求频次超过上限"},
	10024: {connectors.RateLimited, "账号调用该接口频次超过上限"},
	20016: {connectors.RateLimited, "发布微博过于频繁"},
	21301: {connectors.Token, "微博授权失败"},
	21314: {connectors.Token, "微博授权令牌已被使用"},
	21315: {connectors.Token, "微博授权令牌已过期"},
	21316: {connectors.Token, "微博授权令牌已被撤销"},
	21317: {connectors.Token, "微博授权令牌不合法"},
	21327: {connectors.Token, "微博授权已过期"},
	21332: {connectors.Token, "微博授权令牌无效"},
	10006: {connectors.Permanent, "微博应用未授权（缺少 appkey）"},
	10014: {connectors.Permanent, "微博应用没有该接口的权限"},
	10016: {connectors.Permanent, "微博请求缺少必要参数"},
	10017: {connectors.Permanent, "微博内容不合要求（须包含安全域名下的链接）"},
	20012: {connectors.Permanent, "微博内容超过 140 字"},
	20017: {connectors.Permanent, "微博内容与近期发布的内容相似"},
	20018: {connectors.Permanent, "微博内容包含非法网址"},
	20019: {connectors.Permanent, "微博内容重复，该账号已发布过相同内容"},
	20020: {connectors.Permanent, "微博内容包含广告信息"},
	20021: {connectors.Permanent, "微博内容包含违规信息或安全域名外的链接"},
	20101: {connectors.Permanent, "微博不存在"},
}

// classify turns a Weibo error answer into a connectors.Error. Rate limits
// come back after the platform's Retry-After when it sends one, else 30 s:
// Weibo's limits are hourly, but probing costs one request.
func classify(e apiError, retryAfter time.Duration) *connectors.Error {
	c, ok := codes[e.ErrorCode]
	if !ok {
		c.class, c.msg = connectors.Permanent, "微博拒绝了请求"
	}
	out := &connectors.Error{Class: c.class, Platform: "weibo", Code: fmt.Sprint(e.ErrorCode),
		Message: fmt.Sprintf("%s（error_code %d：%s）", c.msg, e.ErrorCode, e.Error)}
	if c.class == connectors.RateLimited {
		out.RetryAfter = retryAfter
		if out.RetryAfter <= 0 {
			out.RetryAfter = 30 * time.Second
		}
	}
	return out
}
