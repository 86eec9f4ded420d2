package access

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tongfa/tongfa"
)

// CheckTargets applies the publishing rule to an item of unit naming ids:
// every id must be an open account of the unit itself, or of a unit that
// granted the item's unit publishing on it. found are the accounts that
// exist among ids. The error is validation_failed naming every refused
// account, so the editor sees all of them at once.
func CheckTargets(unit int64, ids []int64, found []tongfa.Target) error {
	byID := make(map[int64]tongfa.Target, len(found))
	for _, t := range found {
		byID[t.ID] = t
	}
	var reasons []string
	for _, id := range dedup(ids) {
		t, ok := byID[id]
		if r := refusal(unit, id, t, ok); r != "" {
			reasons = append(reasons, r)
		}
	}
	if len(reasons) == 0 {
		return nil
	}
	msg := strings.Join(reasons, "；")
	return &tongfa.Error{Code: tongfa.EInvalid, Message: "发布渠道有误：" + msg, Fields: map[string]string{"targets": msg}}
}

func refusal(unit, id int64, t tongfa.Target, exists bool) string {
	switch {
	case !exists:
		return fmt.Sprintf("账号 %d 不存在", id)
	case t.UnitID != unit && !t.Granted:
		return fmt.Sprintf("账号「%s」属于其他单位，且未授权本单位代发", t.Name)
	case t.Status != tongfa.AccountActive:
		return fmt.Sprintf("账号「%s」%s，不能发布", t.Name, t.Status.Label())
	}
	return ""
}

// CoSigners are the units, other than the item's own, whose accounts the
// item publishes on by grant: each signs a level of its own.
func CoSigners(unit int64, found []tongfa.Target) []int64 {
	var out []int64
	for _, t := range found {
		if t.UnitID != unit && t.Granted {
			out = append(out, t.UnitID)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func dedup(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}
