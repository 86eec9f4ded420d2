package clocks

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
)

// Step is one event in an item's life.
type Step struct {
	At        time.Time `json:"at"`
	Kind      string    `json:"kind"`
	Label     string    `json:"label"` // Chinese
	Actor     string    `json:"actor,omitempty"`
	SincePrev int64     `json:"since_prev_seconds"`
	SinceFrom int64     `json:"since_created_seconds"`
}

var stepLabels = map[string]string{
	"item.create": "创建稿件", "item.version": "保存新版本", "item.submit": "送审", "item.signoff": "审签",
	"item.approve": "审签通过", "item.reject": "退回", "item.void": "修改后原审签作废", "item.withdraw": "撤回",
	"item.submission_withdrawn": "撤回送审", "item.escalate": "审签超时提醒", "clock.alert": "时限提醒",
	"item.reschedule": "调整定时发布",
}

// Timeline lists every step of an item with timestamps and durations:
// creation, versions, submission, each signature, approval, each channel's
// confirmed post.
func (s *Service) Timeline(ctx context.Context, itemID int64) ([]Step, error) {
	rows, err := s.DB.ListAudit(ctx, store.AuditFilter{Target: fmt.Sprintf("item:%d", itemID), Limit: 500})
	if err != nil {
		return nil, err
	}
	var steps []Step
	for _, r := range rows {
		label, ok := stepLabels[r.Action]
		if !ok {
			continue
		}
		steps = append(steps, Step{At: r.At, Kind: r.Action, Label: label + detail(r), Actor: r.Actor})
	}
	ds, err := s.DB.ItemDeliveries(ctx, itemID)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		if d.DeliveredAt != nil {
			steps = append(steps, Step{At: *d.DeliveredAt, Kind: "delivery.delivered", Label: d.Platform.Label() + "发布成功"})
		}
		if d.State == tongfa.DeliveryFailed {
			steps = append(steps, Step{At: d.UpdatedAt, Kind: "delivery.failed", Label: d.Platform.Label() + "投递失败：" + d.Error})
		}
	}
	slices.SortStableFunc(steps, func(a, b Step) int { return a.At.Compare(b.At) })
	for i := range steps {
		steps[i].SinceFrom = int64(steps[i].At.Sub(steps[0].At) / time.Second)
		if i > 0 {
			steps[i].SincePrev = int64(steps[i].At.Sub(steps[i-1].At) / time.Second)
		}
	}
	return steps, nil
}

// detail adds what a step's audit details say that matters to a reader.
func detail(r tongfa.AuditEntry) string {
	var d struct {
		Version  int         `json:"version"`
		Tier     tongfa.Tier `json:"tier"`
		Role     tongfa.Role `json:"role"`
		Decision string      `json:"decision"`
		Level    int         `json:"level"`
		Platform string      `json:"platform"`
		From     *time.Time  `json:"from"`
		To       *time.Time  `json:"to"`
		Reason   string      `json:"reason"`
		// PublishAt is the time an approval scheduled the item for.
		PublishAt *time.Time `json:"publish_at"`
	}
	json.Unmarshal([]byte(r.Details), &d) //nolint:errcheck // best effort
	switch r.Action {
	case "item.version":
		return fmt.Sprintf("（第 %d 版）", d.Version)
	case "item.submit":
		return "（需" + d.Tier.Label() + "）"
	case "item.signoff":
		if d.Decision == "reject" {
			return fmt.Sprintf("：第 %d 级%s退回", d.Level, d.Role.Label())
		}
		return fmt.Sprintf("：第 %d 级%s同意", d.Level, d.Role.Label())
	case "clock.alert":
		return "：" + tongfa.Platform(d.Platform).Label()
	case "item.approve":
		if d.PublishAt != nil {
			return "，定时于 " + tongfa.ChinaTime(*d.PublishAt) + " 发布"
		}
	case "item.reschedule":
		return "：" + scheduleText(d.From) + " → " + scheduleText(d.To) + reasonText(d.Reason)
	}
	return ""
}

func scheduleText(t *time.Time) string {
	if t == nil {
		return "审签后立即发布"
	}
	return tongfa.ChinaTime(*t)
}

func reasonText(r string) string {
	if r == "" {
		return ""
	}
	return "（" + r + "）"
}
