package wechat_test

import (
	"testing"
	"time"

	"github.com/tongfa/tongfa/connectors/wechat"
)

var cst = time.FixedZone("CST", 8*3600)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, cst)
	if err != nil {
		panic(err)
	}
	return t
}

func TestMassQuota(t *testing.T) {
	cases := []struct {
		name  string
		kind  string
		sends []string
		now   string
		want  wechat.Quota
	}{
		{"subscription, nothing sent", "subscription", nil, "2025-04-10 09:00", wechat.Quota{Today: 1, ThisMonth: 21}},
		{"subscription, sent today", "subscription", []string{"2025-04-10 08:00"}, "2025-04-10 09:00",
			wechat.Quota{Today: 0, ThisMonth: 20, Next: at("2025-04-11 00:00")}},
		{"subscription, sent yesterday late", "subscription", []string{"2025-04-09 23:59"}, "2025-04-10 00:01",
			wechat.Quota{Today: 1, ThisMonth: 21}},
		{"subscription, last day of the month", "subscription", nil, "2025-04-30 22:00", wechat.Quota{Today: 1, ThisMonth: 1}},
		{"subscription, February of a leap year", "subscription", nil, "2024-02-01 10:00", wechat.Quota{Today: 1, ThisMonth: 29}},
		{"service, three sent this month", "service", []string{"2025-04-01 10:00", "2025-04-05 10:00", "2025-04-09 10:00"},
			"2025-04-10 09:00", wechat.Quota{Today: 1, ThisMonth: 1}},
		{"service, four sent", "service", []string{"2025-12-01 10:00", "2025-12-02 10:00", "2025-12-02 11:00", "2025-12-03 10:00"},
			"2025-12-20 09:00", wechat.Quota{Today: 0, ThisMonth: 0, Next: at("2026-01-01 00:00")}},
		{"service, last month's sends do not count", "service", []string{"2025-03-31 23:00", "2025-03-30 10:00"},
			"2025-04-01 08:00", wechat.Quota{Today: 4, ThisMonth: 4}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var sends []time.Time
			for _, s := range c.sends {
				sends = append(sends, at(s))
			}
			got, err := wechat.MassQuota(c.kind, sends, at(c.now))
			if err != nil || got.Today != c.want.Today || got.ThisMonth != c.want.ThisMonth || !got.Next.Equal(c.want.Next) {
				t.Fatalf("got %+v %v, want %+v", got, err, c.want)
			}
		})
	}
}

// TestMassQuotaChinaTime: days and months are China's, whatever the
// zone of the times given.
func TestMassQuotaChinaTime(t *testing.T) {
	sent := time.Date(2025, 4, 30, 16, 30, 0, 0, time.UTC) // 2025-05-01 00:30 in China
	q, err := wechat.MassQuota("subscription", []time.Time{sent}, time.Date(2025, 4, 30, 17, 0, 0, 0, time.UTC))
	if err != nil || q.Today != 0 || q.ThisMonth != 30 {
		t.Fatalf("%+v %v", q, err)
	}
	if _, err := wechat.MassQuota("enterprise", nil, sent); err == nil {
		t.Fatal("an unknown account type was accepted")
	}
}

func FuzzMassQuota(f *testing.F) {
	f.Add(true, int64(1744243200), int64(1744250000), int64(1744000000))
	f.Fuzz(func(t *testing.T, subscription bool, now, a, b int64) {
		kind := map[bool]string{true: "subscription", false: "service"}[subscription]
		q, err := wechat.MassQuota(kind, []time.Time{time.Unix(a, 0), time.Unix(b, 0)}, time.Unix(now, 0))
		if err != nil || q.Today < 0 || q.Today > q.ThisMonth || q.ThisMonth > 31 || (q.Today == 0) == q.Next.IsZero() {
			t.Fatalf("%s at %d with sends %d, %d: %+v %v", kind, now, a, b, q, err)
		}
	})
}

func BenchmarkMassQuota(b *testing.B) {
	sends := make([]time.Time, 120)
	for i := range sends {
		sends[i] = at("2025-01-01 08:00").AddDate(0, 0, i)
	}
	for b.Loop() {
		wechat.MassQuota("service", sends, at("2025-04-10 09:00")) //nolint:errcheck
	}
}
