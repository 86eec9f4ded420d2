package review

import (
	"strconv"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors/render"
)

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

// deliveryError refuses a version that could not be delivered as it
// stands: no channel (channelsError), or a channel that would certainly
// refuse it (render.Problems: the Weibo link, length limits, the safe
// domain), with the problems in the error's data.
func deliveryError(c tongfa.Content, found []tongfa.Target) error {
	if err := channelsError(c, false); err != nil {
		return err
	}
	accounts := make([]tongfa.Account, len(found))
	for i, t := range found {
		accounts[i] = t.Account
	}
	problems := render.Problems(0, c, accounts)
	if len(problems) == 0 {
		return nil
	}
	msg := "稿件无法在以下渠道发布，请先修改：「" + problems[0].Account + "」" + problems[0].Message
	if len(problems) > 1 {
		msg += "等 " + strconv.Itoa(len(problems)) + " 个问题"
	}
	return &tongfa.Error{Code: tongfa.EUndeliverable, Message: msg, Data: map[string]any{"problems": problems}}
}
