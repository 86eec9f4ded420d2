package tongfa

// Platform names a channel type.
type Platform string

const (
	PlatformWeChat  Platform = "wechat"
	PlatformWeibo   Platform = "weibo"
	PlatformApp     Platform = "app"
	PlatformWebsite Platform = "website"
	PlatformOther   Platform = "other"
)

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
	}
	return "其他新媒体"
}

// DeliveryState is the lifecycle of one version sent to one account.
type DeliveryState string

const (
	DeliveryPending     DeliveryState = "pending"     // planned in the approval transaction
	DeliveryQueued      DeliveryState = "queued"      // handed to the queue
	DeliverySending     DeliveryState = "sending"     // a worker is on it
	DeliveryUnconfirmed DeliveryState = "unconfirmed" // outcome unknown; verify before any resend
	DeliveryDelivered   DeliveryState = "delivered"
	DeliveryFailed      DeliveryState = "failed"
	DeliveryAbandoned   DeliveryState = "abandoned"
	DeliveryWithdrawn   DeliveryState = "withdrawn"
)

// Done reports whether no more work will happen on a delivery.
func (s DeliveryState) Done() bool {
	switch s {
	case DeliveryDelivered, DeliveryFailed, DeliveryAbandoned, DeliveryWithdrawn:
		return true
	}
	return false
}
