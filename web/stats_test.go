package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/stats"
	"github.com/tongfa/tongfa/store"
)

// delivered records a delivery of the item's first version to the
// account as delivered at at, as the workers would.
func (h *harness) delivered(item, account int64, at time.Time) int64 {
	h.t.Helper()
	var id int64
	err := h.db.Pool.QueryRow(context.Background(), `INSERT INTO deliveries (item_id, version_number, version_hash, account_id, platform,
			state, steps, platform_post_id, url, created_at, updated_at, delivered_at)
		SELECT $1, 1, v.hash, a.id, a.platform, 'delivered', '{}', $3, 'https://example.gov.cn/p/' || $3, $4, $4, $4
		FROM item_versions v, accounts a WHERE v.item_id = $1 AND v.number = 1 AND a.id = $2 RETURNING id`,
		item, account, fmt.Sprintf("post-%d-%d", item, account), at).Scan(&id)
	if err != nil {
		h.t.Fatal(err)
	}
	return id
}

func ptr(v int64) *int64 { return &v }

// withFigures is an item of bureau A published on its website on 2 March
// 2026 with two days of figures (reads 120 and 45, likes 1 and 2) and the
// account's followers those days (1000, 1007).
func (h *harness) withFigures() (item created, account int64) {
	h.t.Helper()
	ctx := context.Background()
	site := h.account(h.unitA.ID, tongfa.PlatformWebsite, "甲局网站")
	it := h.createItem("editor", itemBody("全市春季植树活动启动"))
	published := time.Date(2026, 3, 2, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	d := h.delivered(it.ID, site, published)
	for i, reads := range []int64{120, 45} {
		day := stats.Date{Time: time.Date(2026, 3, 2+i, 0, 0, 0, 0, time.UTC)}
		m := stats.Manual{AccountID: site, Day: day, DeliveryID: d, Figures: stats.Figures{Reads: ptr(reads), Likes: ptr(int64(i + 1))}}
		if err := h.hub.Stats.RecordManual(ctx, store.SystemActor, m); err != nil {
			h.t.Fatal(err)
		}
		if err := h.hub.Stats.RecordManual(ctx, store.SystemActor, stats.Manual{AccountID: site, Day: day, Followers: ptr(1000 + int64(i)*7)}); err != nil {
			h.t.Fatal(err)
		}
	}
	return it, site
}

// TestBrowserItemReach: the item page draws each channel's reads over
// the first seven days, and the dashboard compares this week's posts with
// last week's and lists the best, on a phone and a desktop, axe-clean.
func TestBrowserItemReach(t *testing.T) {
	h := setup(t)
	it, _ := h.withFigures()
	h.db.Now = func() time.Time { return time.Date(2026, 3, 4, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)) } // that Wednesday
	for _, screen := range screens {
		t.Run(screen.name, func(t *testing.T) {
			tb := newTab(t, h.ts.URL, screen.width, screen.height, screen.mobile)
			tb.login("editor")
			tb.open(fmt.Sprintf("/items/%d", it.ID))
			tb.waitFor("the chart", `document.querySelectorAll("#reach svg rect").length === 7`)
			label := tb.text(`document.querySelector("#reach svg").getAttribute("aria-label")`)
			if !strings.Contains(label, "第1天 120，第2天 45，第3天 0") {
				t.Errorf("chart label %q", label)
			}
			tb.audit("item-reach-" + screen.name)
			tb.fits("item-reach-" + screen.name)
			tb.screenshot("item-reach-" + screen.name)

			// The dashboard: this week's posts against last week's, and the best.
			tb.open("/")
			tb.waitFor("the week's figures", `document.getElementById("reach-week") !== null`)
			if row := tb.text(`document.querySelector("#reach-week tbody tr:nth-child(2)").textContent`); !strings.Contains(row, "阅读165—") {
				t.Errorf("reads row %q", row)
			}
			if top := tb.text(`document.getElementById("reach-top").textContent`); !strings.Contains(top, "全市春季植树活动启动") ||
				!strings.Contains(top, "阅读 165，点赞 3") {
				t.Errorf("top posts %q", top)
			}
			tb.audit("dashboard-reach-" + screen.name)
			tb.fits("dashboard-reach-" + screen.name)
			tb.screenshot("dashboard-reach-" + screen.name)
		})
	}
}

// TestStatsRoutes: an item's figures per channel and an account's days
// and followers, as the store holds them; another unit's item or account
// is not found, and a bad period is refused with the field named.
func TestStatsRoutes(t *testing.T) {
	h := setup(t)
	it, site := h.withFigures()

	var item stats.ItemStats
	if st := h.script("reviewer").do("GET", fmt.Sprintf("/api/v1/items/%d/stats", it.ID), nil, &item); st != 200 {
		t.Fatalf("item stats: %d", st)
	}
	if len(item.Channels) != 1 || len(item.Channels[0].Daily) != 2 || *item.Totals.Reads != 165 || *item.Totals.Likes != 3 ||
		item.Channels[0].AccountName != "甲局网站" || item.Channels[0].Daily[1].Source != "manual" {
		t.Errorf("item stats %+v", item)
	}
	var acc stats.AccountStats
	if st := h.script("editor").do("GET", fmt.Sprintf("/api/v1/accounts/%d/stats?from=2026-03-01&to=2026-03-05", site), nil, &acc); st != 200 {
		t.Fatalf("account stats: %d", st)
	}
	if len(acc.Daily) != 2 || acc.Followers.End == nil || *acc.Followers.End != 1007 || acc.Posts != 1 {
		t.Errorf("account stats %+v", acc)
	}

	for _, path := range []string{fmt.Sprintf("/api/v1/items/%d/stats", it.ID), fmt.Sprintf("/api/v1/accounts/%d/stats", site)} {
		if st := h.script("editorB").do("GET", path, nil, nil); st != 404 {
			t.Errorf("%s as another unit's editor: %d, want 404", path, st)
		}
	}
	for q, field := range map[string]string{"from=2026-03-05&to=2026-03-01": "to", "from=3月1日": "from", "from=2025-01-01&to=2026-03-01": "to"} {
		var e apiError
		if st := h.script("editor").do("GET", fmt.Sprintf("/api/v1/accounts/%d/stats?%s", site, q), nil, &e); st != 422 || e.Error.Fields[field] == "" {
			t.Errorf("?%s: %d %+v", q, st, e)
		}
	}
}
