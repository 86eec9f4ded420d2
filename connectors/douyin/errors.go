package douyin

import (
	"errors"
	"fmt"
	"time"

	"github.com/tongfa/tongfa/connectors"
)

// platform names Douyin in errors.
const platform = "douyin"

// codes maps Douyin's error_code (in data and extra of every answer) to a
// class and an operator message. docs/connectors.md lists them with their
// sources.
var codes = map[int64]struct {
	class connectors.Class
	msg   string
}{
	2100004: {connectors.Retryable, "抖音系统繁忙"},
	10001:   {connectors.Retryable, "抖音授权服务异常"},
	2190001: {connectors.RateLimited, "抖音账号的接口调用额度已用完"},
	2118110: {connectors.RateLimited, "抖音接口请求过于频繁"},
	2190002: {connectors.Token, "抖音授权令牌无效"},
	2190008: {connectors.Token, "抖音授权令牌已过期"},
	10008:   {connectors.Token, "抖音授权令牌无效或已过期"},
	2100005: {connectors.Permanent, "抖音认为请求参数不合法"},
	2100007: {connectors.Permanent, "抖音账号无权进行该操作"},
	2100009: {connectors.Permanent, "抖音账号已被禁止进行该操作"},
	2190003: {connectors.Permanent, "抖音账号所有者未授权该接口，请重新授权并勾选相应权限"},
	2190004: {connectors.Permanent, "抖音应用未获得该能力（如代用户发布）"},
	2190005: {connectors.Permanent, "视频文件太大"},
	2190006: {connectors.Permanent, "视频时长超过 15 分钟"},
	2190007: {connectors.Permanent, "抖音视频文件编号无效或已使用"},
	2190015: {connectors.Permanent, "抖音授权令牌与账号的 open_id 不一致，请检查接口凭据"},
	2111001: {connectors.Permanent, "抖音评论回复命中敏感词"},
	2111003: {connectors.Permanent, "抖音评论不存在"},
	2111004: {connectors.Permanent, "该评论不属于这条抖音作品"},
	2111006: {connectors.Permanent, "抖音评论回复失败"},
	2111007: {connectors.Permanent, "抖音作品不存在或无法读取"},
	10003:   {connectors.Permanent, "抖音应用的 client_key 无效"},
	10005:   {connectors.Permanent, "抖音授权请求缺少参数"},
	10007:   {connectors.Permanent, "抖音授权码已过期（10 分钟内有效，只能使用一次）"},
	10010:   {connectors.Permanent, "抖音 refresh_token 已过期，请账号所有者重新授权"},
	10013:   {connectors.Permanent, "抖音应用的 client_key 或 client_secret 有误"},
	10014:   {connectors.Permanent, "抖音授权所用的 client_key 与账号配置不一致"},
	10020:   {connectors.Permanent, "抖音 refresh_token 续期次数已用完，请账号所有者重新授权"},
}

// retryAfter is how long a rate limit keeps us away unless Douyin says
// (Retry-After): the quota (2190001) is per day, so probing it every half
// hour costs little; a frequency limit passes within the minute.
var retryAfter = map[int64]time.Duration{2190001: 30 * time.Minute, 2118110: 30 * time.Second}

// classify turns a Douyin error answer into a connectors.Error.
func classify(code int64, desc string, after time.Duration) *connectors.Error {
	c, ok := codes[code]
	if !ok {
		c.class, c.msg = connectors.Permanent, "抖音拒绝了请求"
	}
	out := &connectors.Error{Class: c.class, Platform: platform, Code: fmt.Sprint(code),
		Message: fmt.Sprintf("%s（error_code %d：%s）", c.msg, code, desc)}
	if c.class == connectors.RateLimited {
		out.RetryAfter = after
		if out.RetryAfter <= 0 {
			out.RetryAfter = retryAfter[code]
		}
	}
	return out
}

// permanent is a refusal found before anything was sent.
func permanent(msg string) error {
	return &connectors.Error{Class: connectors.Permanent, Platform: platform, Message: msg}
}

// harmless reclassifies the failure of a request that is safe to repeat
// (an upload, a part, a lookup): a lost answer there is no unknown post.
func harmless(err error) error {
	var ce *connectors.Error
	if errors.As(err, &ce) && ce.Class == connectors.Unconfirmed {
		c := *ce
		c.Class, c.Message = connectors.Retryable, "抖音接口未应答，将重试"
		return &c
	}
	return err
}

// hasCode reports whether err is Douyin's error code.
func hasCode(err error, code string) bool {
	var ce *connectors.Error
	return errors.As(err, &ce) && ce.Code == code
}
