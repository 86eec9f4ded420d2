package tongfa

import "time"

// DeliveryState is the lifecycle of one version sent to one account.
type DeliveryState string

const (
	DeliveryPending     DeliveryState = "pending"     // planned in the approval transaction
	DeliveryQueued      DeliveryState = "queued"      // handed to the queue
	DeliverySending     DeliveryState = "sending"     // a worker is on it
	DeliveryUnconfirmed DeliveryState = "unconfirmed" // outcome unknown; verify before any resend
	DeliveryManual      DeliveryState = "manual"      // a manual channel's publishing task: an operator posts by hand
	DeliveryDelivered   DeliveryState = "delivered"
	DeliveryFailed      DeliveryState = "failed"
	DeliveryAbandoned   DeliveryState = "abandoned"
	DeliveryWithdrawn   DeliveryState = "withdrawn"
)

// DeliveryStates lists every delivery state in lifecycle order.
var DeliveryStates = []DeliveryState{DeliveryPending, DeliveryQueued, DeliverySending, DeliveryUnconfirmed,
	DeliveryManual, DeliveryDelivered, DeliveryFailed, DeliveryAbandoned, DeliveryWithdrawn}

// Done reports whether no more work will happen on a delivery.
func (s DeliveryState) Done() bool {
	switch s {
	case DeliveryDelivered, DeliveryFailed, DeliveryAbandoned, DeliveryWithdrawn:
		return true
	}
	return false
}

// Label is the Chinese name shown to operators.
func (s DeliveryState) Label() string {
	return labelOf(s, map[DeliveryState]string{DeliveryPending: "待投递", DeliveryQueued: "排队中", DeliverySending: "投递中",
		DeliveryUnconfirmed: "待核实", DeliveryManual: "待人工发布", DeliveryDelivered: "已发布", DeliveryFailed: "失败", DeliveryAbandoned: "已放弃",
		DeliveryWithdrawn: "已撤回"})
}

// Delivery is one approved version on its way to one account.
type Delivery struct {
	ID             int64             `json:"id"`
	ItemID         int64             `json:"item_id"`
	VersionNumber  int               `json:"version_number"`
	VersionHash    string            `json:"version_hash"`
	AccountID      int64             `json:"account_id"`
	Platform       Platform          `json:"platform"`
	Queue          string            `json:"queue"`
	State          DeliveryState     `json:"state"`
	Attempts       int               `json:"attempts"`
	Steps          map[string]string `json:"-"`
	PayloadHash    string            `json:"payload_hash,omitempty"`
	PlatformPostID string            `json:"platform_post_id,omitempty"`
	URL            string            `json:"url,omitempty"`
	ErrorCode      string            `json:"error_code,omitempty"`
	Error          string            `json:"error,omitempty"`
	CreatedAt      time.Time         `json:"created_at"`
	UpdatedAt      time.Time         `json:"updated_at"`
	DeliveredAt    *time.Time        `json:"delivered_at,omitempty"`
	// NotBefore holds a scheduled delivery back until its item's publish_at.
	NotBefore *time.Time `json:"not_before,omitempty"`
	// EditionID: the delivery goes out in that WeChat edition's mass
	// send, not on its own.
	EditionID *int64 `json:"edition_id,omitempty"`
}

// labelOf looks a value up in a label table; an unknown value shows as
// itself rather than as nothing.
func labelOf[K ~string](k K, labels map[K]string) string {
	if l, ok := labels[k]; ok {
		return l
	}
	return string(k)
}
