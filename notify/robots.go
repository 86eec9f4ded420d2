package notify

import (
	"net/url"
	"slices"

	"github.com/tongfa/tongfa"
)

// robotHosts are where each kind of robot's webhooks live.
var robotHosts = map[string]string{WeCom: "qyapi.weixin.qq.com", DingTalk: "oapi.dingtalk.com"}

// CheckRobotURL refuses a webhook address that is not the robot service's
// own (over https), nor one of extra (an intranet relay the system
// administrator allowed with TONGFA_ROBOT_HOSTS): a robot address is a
// request the hub makes, and must not reach internal services.
func CheckRobotURL(kind, raw string, extra []string) error {
	u, err := url.Parse(raw)
	if err == nil && u.User == nil && (slices.Contains(extra, u.Host) || slices.Contains(extra, u.Hostname())) {
		return nil
	}
	if err != nil || u.Scheme != "https" || u.Host != robotHosts[kind] || u.User != nil {
		return &tongfa.Error{Code: tongfa.EInvalid, Message: "群机器人地址须为企业微信或钉钉的 https Webhook 地址",
			Fields: map[string]string{"url": "应以 https://" + robotHosts[kind] + "/ 开头"}}
	}
	return nil
}
