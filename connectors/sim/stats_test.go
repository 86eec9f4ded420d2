package sim

import (
	"testing"
	"time"
)

// A post's days add up to its total, the figures are the same whenever
// asked about the same instant, and they only grow.
func TestPostFiguresAddUp(t *testing.T) {
	posted := time.Date(2026, 3, 2, 10, 30, 0, 0, china)
	now := posted.Add(10 * 24 * time.Hour)
	for _, id := range []string{"1000001", "1000002_1", "@9Vw0000001000003"} {
		c := postCurve("weibo", "1234", id)
		if c != postCurve("weibo", "1234", id) {
			t.Fatal("the same post drew different figures")
		}
		var sum tally
		for d := chinaDay(posted); d.Before(now); d = d.AddDate(0, 0, 1) {
			day := c.day(posted, d, now)
			for i := range sum {
				if day[i] < 0 {
					t.Fatalf("%s on %s: %v", id, d, day)
				}
				sum[i] += day[i]
			}
		}
		if total := c.at(now.Sub(posted)); sum != total || total[fReads] < 200 {
			t.Errorf("%s: days add up to %v, total %v", id, sum, total)
		}
		if early, late := c.at(time.Hour), c.at(48*time.Hour); early[fReads] >= late[fReads] {
			t.Errorf("%s: %v after an hour, %v after two days", id, early, late)
		}
	}
}

// An account's followers move by the day's gains and losses.
func TestFollowersMoveByTheDay(t *testing.T) {
	a := accountAudience("wechat", "wx1")
	for d := time.Date(2026, 1, 1, 0, 0, 0, 0, china); d.Month() == time.January; d = d.AddDate(0, 0, 1) {
		before := a.at(d)
		after, gained, lost := a.day(d)
		if gained < 0 || lost < 0 || after-before != gained-lost {
			t.Fatalf("%s: %d → %d with +%d −%d", d, before, after, gained, lost)
		}
	}
}
