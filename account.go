package tongfa

import "time"

// Platform names a channel type.
type Platform string

const (
	PlatformWeChat  Platform = "wechat"
	PlatformWeibo   Platform = "weibo"
	PlatformApp     Platform = "app"
	PlatformWebsite Platform = "website"
	PlatformDouyin  Platform = "douyin"
	PlatformOther   Platform = "other"

	// Manual channels: no publishing API, an operator posts by hand
	// and pastes the published URL (issue 19).
	PlatformShipinhao   Platform = "shipinhao"
	PlatformToutiao     Platform = "toutiao"
	PlatformXiaohongshu Platform = "xiaohongshu"
	PlatformKuaishou    Platform = "kuaishou"
	PlatformRenminhao   Platform = "renminhao"
	PlatformXuexi       Platform = "xuexi"
)

// Platforms lists every platform an account may be registered on.
var Platforms = []Platform{PlatformWeChat, PlatformWeibo, PlatformApp, PlatformWebsite, PlatformDouyin,
	PlatformShipinhao, PlatformToutiao, PlatformXiaohongshu, PlatformKuaishou, PlatformRenminhao, PlatformXuexi, PlatformOther}

// Manual reports whether p has no publishing API: its deliveries are
// publishing tasks done by hand.
func (p Platform) Manual() bool {
	switch p {
	case PlatformShipinhao, PlatformToutiao, PlatformXiaohongshu, PlatformKuaishou, PlatformRenminhao, PlatformXuexi, PlatformOther:
		return true
	}
	return false
}

// Label is the Chinese name of the platform.
func (p Platform) Label() string {
	switch p {
	case PlatformWeChat:
		return "微信公众号"
	case PlatformWeibo:
		return "微博"
	case PlatformApp:
		return "移动客户端"
	case PlatformWebsite:
		return "政府网站"
	case PlatformDouyin:
		return "抖音"
	case PlatformShipinhao:
		return "视频号"
	case PlatformToutiao:
		return "今日头条"
	case PlatformXiaohongshu:
		return "小红书"
	case PlatformKuaishou:
		return "快手"
	case PlatformRenminhao:
		return "人民号"
	case PlatformXuexi:
		return "学习强国"
	}
	return "其他新媒体"
}

// AccountStatus is where a channel account stands in the registry (R9).
type AccountStatus string

const (
	AccountRequested AccountStatus = "requested"
	AccountActive    AccountStatus = "active"
	AccountSuspended AccountStatus = "suspended"
	AccountClosed    AccountStatus = "closed"
)

// AccountStatuses lists every account status.
var AccountStatuses = []AccountStatus{AccountRequested, AccountActive, AccountSuspended, AccountClosed}

// Label is the Chinese name shown to operators.
func (s AccountStatus) Label() string {
	return labelOf(s, map[AccountStatus]string{AccountRequested: "待开设", AccountActive: "在用",
		AccountSuspended: "已暂停", AccountClosed: "已注销"})
}

// Account is a channel account as stored. Credentials stay sealed here;
// only the worker opens them, right before talking to the platform.
type Account struct {
	ID          int64             `json:"id"`
	UnitID      int64             `json:"unit_id"`
	Platform    Platform          `json:"platform"`
	Name        string            `json:"name"`
	Status      AccountStatus     `json:"status"`
	APIBase     string            `json:"api_base,omitempty"`
	Settings    map[string]string `json:"settings"`
	Credentials []byte            `json:"-"`
	PlatformRef string            `json:"platform_ref"`
	Responsible string            `json:"responsible"`
	Managers    []Manager         `json:"managers"`
	Exception   *string           `json:"exception_reason,omitempty"`
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
}

// Manager is one of the (up to three) people who run an account.
type Manager struct {
	Name  string `json:"name" validate:"required,max=50"`
	Phone string `json:"phone" validate:"max=30"`
}

// HasCredentials reports whether sealed credentials are stored.
func (a *Account) HasCredentials() bool { return len(a.Credentials) > 0 }

// Target is an account an item of some unit names as a channel, and
// whether that unit holds a grant to publish on it (代发) when it is
// another unit's.
type Target struct {
	Account
	Granted bool
}

// MassMode reports whether approved items reach a WeChat account's
// followers by a mass send (群发; setting wechat_mode mass) rather than a
// freepublish that notifies nobody (wechat_mode publish, or unset on
// accounts registered before mass sends).
func (a *Account) MassMode() bool {
	return a.Platform == PlatformWeChat && a.Settings["wechat_mode"] == "mass"
}
