package notify

import (
	"maps"
	"net/url"
	"path"
	"slices"
	"strings"

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

// MaskRobotURL shows a webhook address without its key: every query value
// (WeCom key, DingTalk access_token) and, for a path-keyed robot, the last
// path segment keep their first four characters. The address grants posting
// to the group, so it is shown to no one once saved.
func MaskRobotURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "（地址无法解析）"
	}
	mask := func(s string) string {
		r := []rune(s)
		if len(r) <= 4 {
			return "****"
		}
		return string(r[:4]) + "****"
	}
	q := u.Query()
	var pairs []string
	for _, k := range slices.Sorted(maps.Keys(q)) {
		for _, v := range q[k] {
			pairs = append(pairs, url.QueryEscape(k)+"="+url.QueryEscape(mask(v)))
		}
	}
	u.RawQuery = strings.ReplaceAll(strings.Join(pairs, "&"), "%2A", "*")
	if len(q) == 0 && u.Path != "" && u.Path != "/" {
		dir, last := path.Split(u.Path)
		u.Path = dir + mask(last)
		u.RawPath = u.Path
	}
	u.User = nil
	return u.String()
}
