package wechat

import (
	"fmt"
	"time"
)

// Account types (the account setting wechat_type), which decide the
// mass-send quota.
const (
	Subscription = "subscription" // 订阅号: one mass send per China calendar day
	Service      = "service"      // 服务号: four per calendar month
)

// china is the time zone of WeChat's quota days and months.
var china = time.FixedZone("CST", 8*3600)

// Quota is how many mass sends an account has left.
type Quota struct {
	Today     int // may still be sent today (China time)
	ThisMonth int // may still be sent in the rest of this calendar month, today included
	// Next is when Today next grows, if it is 0: the next China midnight
	// (subscription) or the first of next month (service).
	Next time.Time
}

// MassQuota is what the hub checks before sign-off: how many mass sends
// an account of wechatType has left at now, given the sends it already
// made (those that failed do not count; one awaiting confirmation does).
// Days and months are China's. An unknown type is an error.
func MassQuota(wechatType string, sends []time.Time, now time.Time) (Quota, error) {
	now = now.In(china)
	day, month := 0, 0
	for _, t := range sends {
		t = t.In(china)
		if t.Year() == now.Year() && t.Month() == now.Month() && !t.After(now) {
			month++
			if t.Day() == now.Day() {
				day++
			}
		}
	}
	dayStart := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, china)
	monthEnd := time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, china)
	var q Quota
	switch wechatType {
	case Subscription:
		daysLeft := int(monthEnd.Sub(dayStart).Hours()/24 + 0.5) // today included
		q.Today = max(1-day, 0)
		q.ThisMonth = daysLeft - 1 + q.Today
		if q.Today == 0 {
			q.Next = dayStart.AddDate(0, 0, 1)
		}
	case Service:
		q.ThisMonth = max(4-month, 0)
		q.Today = q.ThisMonth
		if q.Today == 0 {
			q.Next = monthEnd
		}
	default:
		return Quota{}, fmt.Errorf("公众号类型「%s」未知，请在账号设置中选择订阅号（%s）或服务号（%s）", wechatType, Subscription, Service)
	}
	return q, nil
}
