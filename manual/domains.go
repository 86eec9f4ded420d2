package manual

import (
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/tongfa/tongfa"
)

// Domains are the sites each manual channel publishes on: a pasted link
// must be on one of them or a subdomain (www.toutiao.com, m.toutiao.com).
// "other" takes any public address. Douyin is listed for links pasted on
// its share pages.
var Domains = map[tongfa.Platform][]string{
	tongfa.PlatformShipinhao:   {"channels.weixin.qq.com", "mp.weixin.qq.com"},
	tongfa.PlatformToutiao:     {"toutiao.com"},
	tongfa.PlatformXiaohongshu: {"xiaohongshu.com", "xhslink.com"},
	tongfa.PlatformKuaishou:    {"kuaishou.com"},
	tongfa.PlatformRenminhao:   {"people.com.cn"},
	tongfa.PlatformXuexi:       {"xuexi.cn"},
	tongfa.PlatformDouyin:      {"douyin.com"},
}

// OnDomain reports whether u is on one of platform's domains (a platform
// without a list, "other", takes any host) or on one of extra, hosts
// (host:port) accepted for every platform. When it is not, the reason
// names the domains in Chinese.
func OnDomain(platform tongfa.Platform, u *url.URL, extra []string) (bool, string) {
	if slices.Contains(extra, u.Host) {
		return true, ""
	}
	domains, ok := Domains[platform]
	if !ok {
		return true, ""
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if net.ParseIP(host) == nil {
		for _, d := range domains {
			if host == d || strings.HasSuffix(host, "."+d) {
				return true, ""
			}
		}
	}
	return false, "该链接不在" + platform.Label() + "的网站上（应为 " + strings.Join(domains, "、") + " 的链接），请粘贴" + platform.Label() + "上已发布稿件的链接"
}
