package review

import "github.com/tongfa/tongfa"

// channelsError refuses a version no channel would carry: one without a
// target, unless it is archive-only (仅存档). Such an item would otherwise
// be approved and then sit approved forever with no delivery.
func channelsError(c tongfa.Content, approving bool) error {
	if len(c.Targets) > 0 || c.ArchiveOnly {
		return nil
	}
	msg := "稿件未选择发布渠道，不能送审；请选择至少一个渠道，或标记为「仅存档」"
	if approving {
		msg = "稿件未选择发布渠道，不能审签通过；请退回采编选择渠道，或标记为「仅存档」"
	}
	return &tongfa.Error{Code: tongfa.ENoTargets, Message: msg,
		Fields: map[string]string{"targets": "请至少选择一个发布渠道，或标记为「仅存档」"}}
}
