package wechat

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"github.com/tongfa/tongfa/connectors"
)

type code struct {
	class connectors.Class
	msg   string
	wait  time.Duration
}

// codes classify WeChat errcodes.
var codes = map[int64]code{
	-1:      {connectors.Retryable, "微信系统繁忙", 0},
	40001:   {connectors.Token, "access_token 无效", 0},
	42001:   {connectors.Token, "access_token 已过期", 0},
	40014:   {connectors.Token, "access_token 不合法", 0},
	41001:   {connectors.Token, "缺少 access_token", 0},
	45009:   {connectors.RateLimited, "已达到接口每日调用上限", 10 * time.Minute},
	45011:   {connectors.RateLimited, "接口调用过于频繁（每分钟限额）", 20 * time.Second},
	53501:   {connectors.RateLimited, "发布请求过于频繁", time.Minute},
	40007:   {connectors.Permanent, "素材 media_id 无效", 0},
	40006:   {connectors.Permanent, "图片文件大小不合法", 0},
	40009:   {connectors.Permanent, "图片大小超过微信限制（正文图片不超过 1MB）", 0},
	40113:   {connectors.Permanent, "图片格式不受支持（仅 jpg/png）", 0},
	45001:   {connectors.Permanent, "素材大小超过限制", 0},
	40125:   {connectors.Permanent, "AppSecret 无效，请检查账号配置", 0},
	40164:   {connectors.Permanent, "服务器 IP 不在公众号白名单内", 0},
	48001:   {connectors.Permanent, "公众号未获得该接口权限", 0},
	44002:   {connectors.Permanent, "草稿内容为空", 0},
	44003:   {connectors.Permanent, "图文标题或正文为空", 0},
	45003:   {connectors.Permanent, "标题超过长度限制", 0},
	45004:   {connectors.Permanent, "摘要超过长度限制", 0},
	45110:   {connectors.Permanent, "作者名超过长度限制", 0},
	53500:   {connectors.Permanent, "公众号发布功能被封禁", 0},
	53502:   {connectors.Permanent, "发布任务编号无效", 0},
	53503:   {connectors.Permanent, "草稿未通过发布检查", 0},
	53504:   {connectors.Permanent, "需前往公众平台官网使用草稿", 0},
	53505:   {connectors.Permanent, "请在公众平台手动保存草稿后再发布", 0},
	53600:   {connectors.Permanent, "文章或发布任务不存在", 0},
	40003:   {connectors.Permanent, "用户 openid 无效或未关注公众号", 0},
	45015:   {connectors.Permanent, "已超过 48 小时客服消息时限，请改用其他渠道答复", 0},
	45047:   {connectors.Permanent, "客服消息条数已达上限，须等用户再次留言", 0},
	45008:   {connectors.Permanent, "图文消息超过 8 篇", 0},
	45028:   {connectors.Permanent, "群发次数已用完", 0},
	45065:   {connectors.Permanent, "该 clientmsgid 已用于 24 小时内的一次群发", 0},
	45066:   {connectors.RateLimited, "同一期群发正在提交中，稍后再核对", 10 * time.Second},
	45067:   {connectors.Permanent, "clientmsgid 超过 64 字节", 0},
	48003:   {connectors.Permanent, "公众号尚未在公众平台同意群发协议", 0},
	9500002: {connectors.RateLimited, "群发任务过多，微信系统繁忙", time.Minute},
	40008:   {connectors.Permanent, "消息类型不合法", 0},
	40059:   {connectors.Permanent, "群发消息编号无效", 0},
	40060:   {connectors.Permanent, "要删除的文章序号无效", 0},
	40132:   {connectors.Permanent, "微信号不合法，请填写关注了本公众号的微信号", 0},
	43004:   {connectors.Permanent, "接收预览的微信号未关注本公众号", 0},
	47001:   {connectors.Permanent, "请求数据格式错误", 0},
	88001:   {connectors.Permanent, "文章不存在或未开启留言", 0},
	88005:   {connectors.Unconfirmed, "该留言已有回复，需核实是否为本次答复", 0},
	88007:   {connectors.Permanent, "回复内容为空或超过 2000 字", 0},
	88008:   {connectors.Permanent, "留言不存在", 0},
}

var (
	errcodeRe = regexp.MustCompile(`errcode=(-?\d+)`)
	statusRe  = regexp.MustCompile(`statusCode=(\d+)`)
)

// classify turns what the library returned into a connectors.Error. Only
// the submit step, a mass send and a reply to the public can leave
// something published without our knowing, so only there is a lost
// answer Unconfirmed;
// repeating any other step is harmless.
func classify(step string, err error) error {
	if err == nil {
		return nil
	}
	if c, ok := errcode(err); ok {
		k, known := codes[c]
		if !known {
			k = code{connectors.Permanent, "微信拒绝了请求", 0}
		}
		return &connectors.Error{Class: k.class, Platform: "wechat", Code: strconv.FormatInt(c, 10),
			Message: fmt.Sprintf("%s（errcode %d）", k.msg, c), RetryAfter: k.wait, Err: err}
	}
	if m := statusRe.FindStringSubmatch(err.Error()); m != nil {
		status, _ := strconv.Atoi(m[1])
		if sends(step) {
			// WeChat itself always answers 200: a 5xx came from a gateway
			// that may have passed the submit on.
			return connectors.Ambiguous(connectors.HTTPStatusError("wechat", status, 0))
		}
		return connectors.HTTPStatusError("wechat", status, 0)
	}
	var se *connectors.SendError
	if errors.As(err, &se) {
		ce := connectors.TransportError("wechat", err)
		if !sends(step) {
			ce.Class = connectors.Retryable
		}
		return ce
	}
	class := connectors.Retryable
	if sends(step) {
		class = connectors.Unconfirmed // an unreadable answer to a publish
	}
	return &connectors.Error{Class: class, Platform: "wechat", Message: "微信接口应答异常", Err: err}
}

// sends reports whether step publishes something the public sees.
func sends(step string) bool { return step == "submit" || step == "reply" || step == "mass" }

func errcode(err error) (int64, bool) {
	var ce *util.CommonError
	if errors.As(err, &ce) {
		return ce.ErrCode, true
	}
	if m := errcodeRe.FindStringSubmatch(err.Error()); m != nil {
		c, _ := strconv.ParseInt(m[1], 10, 64)
		return c, true
	}
	return 0, false
}
