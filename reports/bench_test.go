package reports_test

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/reports"
	"github.com/tongfa/tongfa/stats"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
	"github.com/tongfa/tongfa/workday"
)

// yearSeed is a year (2025) of an office of 50 units with four accounts
// each: 5 items a week per unit to all four accounts (every fifth a
// reprint, every twentieth urgent), one submission per item with its
// signatures, one message a day per account, and a patrol run a month.
// Statements are set-based so seeding takes seconds.
var yearSeed = []string{
	`INSERT INTO units (name, created_at) VALUES ('基准市政府办公室', '2024-01-01')`,
	`INSERT INTO units (name, parent_id, created_at) SELECT '基准单位' || g, (SELECT min(id) FROM units), '2024-01-01' FROM generate_series(1, 50) g`,
	`INSERT INTO users (username, unit_id, password_hash, created_at)
		SELECT r, (SELECT min(id) FROM units), 'x', '2024-01-01' FROM unnest(ARRAY['editor','reviewer','deputy','principal']) r`,
	`INSERT INTO accounts (unit_id, platform, name, status, created_at, updated_at)
		SELECT u.id, p, u.name || p, 'active', '2024-06-01', '2024-06-01'
		FROM units u CROSS JOIN unnest(ARRAY['wechat','weibo','app','website']) p WHERE u.parent_id IS NOT NULL`,
	`INSERT INTO items (unit_id, author_id, state, version_number, created_at, updated_at)
		SELECT u.id, 1, 'published', 1, t, t FROM units u CROSS JOIN generate_series(0, 259) n
		CROSS JOIN LATERAL (SELECT timestamptz '2025-01-01 08:00+08' + n * interval '33 hours 40 minutes' + u.id * interval '1 minute' AS t) x
		WHERE u.parent_id IS NOT NULL`,
	`INSERT INTO item_versions (item_id, number, hash, author_id, created_at, title, category, urgency, content)
		SELECT i.id, 1, md5(i.id::text) || md5(i.id::text || '.'), 1, i.created_at, '稿件' || i.id, 'news', x.urgency,
			jsonb_build_object('title', '稿件' || i.id, 'category', 'news', 'urgency', x.urgency,
				'kind', CASE WHEN i.id % 5 = 0 THEN 'reprint' ELSE 'original' END,
				'event_time', CASE WHEN x.urgency = 'urgent' THEN to_jsonb(i.created_at) END,
				'targets', (SELECT jsonb_agg(a.id ORDER BY a.id) FROM accounts a WHERE a.unit_id = i.unit_id))
		FROM items i CROSS JOIN LATERAL (SELECT CASE WHEN i.id % 20 = 0 THEN 'urgent' ELSE 'normal' END AS urgency) x`,
	`INSERT INTO deliveries (item_id, version_number, version_hash, account_id, platform, state, created_at, updated_at, delivered_at)
		SELECT i.id, 1, v.hash, a.id, a.platform, x.state, i.created_at + interval '5 minutes', i.created_at + interval '5 minutes',
			CASE WHEN x.state <> 'failed' THEN i.created_at + ((i.id * 7 + a.id * 13) % 120) * interval '1 minute' END
		FROM items i JOIN item_versions v ON v.item_id = i.id JOIN accounts a ON a.unit_id = i.unit_id
		CROSS JOIN LATERAL (SELECT CASE WHEN (i.id + a.id) % 50 = 0 THEN 'failed' WHEN (i.id + a.id) % 97 = 0 THEN 'withdrawn'
			ELSE 'delivered' END AS state) x`,
	`INSERT INTO submissions (item_id, version_number, version_hash, tier, chain, state, submitted_by, submitted_at, level_since, ended_at)
		SELECT i.id, 1, v.hash, x.tier, x.chain, CASE WHEN i.id % 31 = 0 THEN 'rejected' ELSE 'approved' END, 1,
			i.created_at - interval '3 hours', i.created_at - interval '3 hours', i.created_at
		FROM items i JOIN item_versions v ON v.item_id = i.id
		CROSS JOIN LATERAL (SELECT CASE WHEN i.id % 10 < 7 THEN 'routine' WHEN i.id % 10 < 9 THEN 'deputy' ELSE 'principal' END AS tier,
			(ARRAY['{reviewer}','{reviewer,deputy}','{reviewer,deputy,principal}'])[CASE WHEN i.id % 10 < 7 THEN 1 WHEN i.id % 10 < 9 THEN 2 ELSE 3 END]::text[] AS chain) x`,
	`INSERT INTO signoffs (submission_id, item_id, version_number, version_hash, level, role, signer_id, decision, at)
		SELECT s.id, s.item_id, 1, s.version_hash, l, s.chain[l], l + 1, 'approve', s.submitted_at + l * interval '40 minutes'
		FROM submissions s CROSS JOIN LATERAL generate_series(1, array_length(s.chain, 1)) l`,
	`INSERT INTO messages (account_id, unit_id, platform, kind, platform_msg_id, body, received_at, class, deadline, state,
			extension_days, answered_at, created_at, updated_at)
		SELECT a.id, a.unit_id, a.platform, 'message', 'm' || d, '样例留言', r, c.class, r + (c.days + ext) * interval '1 day' * 7 / 5,
			CASE WHEN unanswered THEN 'assigned' ELSE 'answered' END, ext,
			CASE WHEN NOT unanswered THEN r + ((a.id * 3 + d * 7) % (c.days * 40)) * interval '1 hour' END, r, r
		FROM accounts a CROSS JOIN generate_series(0, 364) d
		CROSS JOIN LATERAL (SELECT timestamptz '2025-01-01 09:00+08' + d * interval '1 day' + (a.id % 480) * interval '1 minute' AS r,
			(a.id + d) % 17 = 0 AS unanswered, CASE WHEN (a.id + d) % 23 = 0 THEN 10 ELSE 0 END AS ext) x
		CROSS JOIN LATERAL (SELECT (ARRAY['表扬感谢','谏言咨询','申诉求助','网站找错','其他'])[1 + (a.id + d) % 5] AS class,
			(ARRAY[5, 10, 20, 1, 10])[1 + (a.id + d) % 5] AS days) c`,
	`INSERT INTO patrol_runs (reason, state, started_at, finished_at)
		SELECT '词库更新', 'done', timestamptz '2025-01-15 03:00+08' + m * interval '1 month', timestamptz '2025-01-15 04:00+08' + m * interval '1 month'
		FROM generate_series(0, 11) m`,
	`INSERT INTO patrol_findings (run_id, item_id, unit_id, field, kind, category, level, text, rule)
		SELECT r.id, i.id, i.unit_id, 'body', (ARRAY['word','expression','secret','ad','pii'])[1 + i.id % 5], 'x', 'review', '样例', '样例'
		FROM patrol_runs r JOIN items i ON i.id % 400 = r.id`,
}

// statsSeed is the year's statistics: every post published gets seven
// days of figures as its platform reports them (WeChat without likes and
// 在看, Weibo without reads; a third of WeChat's posts second in their
// send), and every account a day of followers and totals for each day of
// the year — 364,000 post days and 73,000 account days.
var statsSeed = []string{
	`SELECT stats_partitions('2025-01-01', '2026-01-31')`,
	`INSERT INTO stats_posts (account_id, platform_post_id, delivery_id, item_id, position, published_on)
		SELECT d.account_id, 'p' || d.id, d.id, d.item_id, CASE WHEN d.platform = 'wechat' AND d.item_id % 3 = 0 THEN 2 ELSE 1 END,
			(d.delivered_at AT TIME ZONE 'Asia/Shanghai')::date
		FROM deliveries d WHERE d.state IN ('delivered', 'withdrawn')`,
	`INSERT INTO stats_post_days (day, post_id, account_id, reads, likes, wows, shares, comments, source, collected_at)
		SELECT p.published_on + k, p.id, p.account_id,
			CASE WHEN a.platform <> 'weibo' THEN (200 + p.id % 4000) / (k + 1) END,
			CASE WHEN a.platform <> 'wechat' THEN (5 + p.id % 90) / (k + 1) END,
			NULL, (3 + p.id % 60) / (k + 1), (1 + p.id % 20) / (k + 1), 'platform', now()
		FROM stats_posts p JOIN accounts a ON a.id = p.account_id CROSS JOIN generate_series(0, 6) k`,
	`INSERT INTO stats_account_days (day, account_id, followers, new_followers, lost_followers, reads, shares, source, collected_at)
		SELECT date '2025-01-01' + n, a.id, 5000 + a.id * 37 + n * 12, 15 + (a.id + n) % 7, 3 + (a.id * n) % 5,
			CASE WHEN a.platform <> 'weibo' THEN 800 + (a.id * 13 + n * 7) % 2000 END, 20 + n % 30, 'platform', now()
		FROM accounts a CROSS JOIN generate_series(0, 364) n`,
	`ANALYZE`,
}

// repostSeed is a year of repost tasks: every Monday the office
// designates an item for all 200 accounts, due at 18:00 — 52 tasks,
// 10,400 targets, each target's reprint an item of its unit with its
// deliveries (some in time, some late, a few never).
var repostSeed = []string{
	`INSERT INTO repost_tasks (unit_id, item_id, created_by, note, deadline, created_at)
		SELECT (SELECT min(id) FROM units), (SELECT min(id) FROM items) + w, 1, '',
			timestamptz '2025-01-06 18:00+08' + w * interval '7 days', timestamptz '2025-01-06 09:00+08' + w * interval '7 days'
		FROM generate_series(0, 51) w`,
	`INSERT INTO repost_targets (task_id, account_id, reprint_item_id)
		SELECT t.id, a.id, (SELECT i.id FROM items i WHERE i.unit_id = a.unit_id AND i.created_at >= t.created_at - interval '1 day'
			ORDER BY i.created_at LIMIT 1)
		FROM repost_tasks t CROSS JOIN accounts a`,
	`ANALYZE repost_tasks, repost_targets`,
}

func seedYear(b *testing.B, db *store.DB) {
	b.Helper()
	for _, q := range slices.Concat(yearSeed, statsSeed, repostSeed) {
		if _, err := db.Pool.Exec(context.Background(), q); err != nil {
			b.Fatalf("%v\n%s", err, q)
		}
	}
}

// BenchmarkYearReport measures the report of a year for the whole office
// (docs/benchmarks.md), its tables of ranking indices and repost tasks
// included: building
// it, and building it and writing the workbook; the index table alone;
// then one account's report.
func BenchmarkYearReport(b *testing.B) {
	db := storetest.New(b)
	seedYear(b, db)
	db.Now = func() time.Time { return time.Date(2026, 1, 5, 9, 0, 0, 0, workday.Location()) }
	indices := &stats.Service{DB: db}
	svc := &reports.Service{DB: db, Clocks: &clocks.Service{DB: db, Calendar: workday.Default}, Indices: indices}
	p, err := reports.ParsePeriod("year", "2025-01-01", "", db.Now())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	office, err := svc.Scope(ctx, nil, 0, 0)
	if err != nil {
		b.Fatal(err)
	}
	build := func(b *testing.B, sc reports.Scope) *reports.Report {
		r, err := svc.Build(ctx, p, sc)
		if err != nil {
			b.Fatal(err)
		}
		return r
	}
	if r := build(b, office); r.Summary.Posts == 0 || r.Summary.Messages == 0 || len(r.Accounts) != 200 || len(r.Indices) != 100 ||
		len(r.Reposts) != 51 || r.Reposts[50].Assigned != 52*200 || r.Reposts[50].OnTime == 0 || r.Reposts[50].Late+r.Reposts[50].Missed == 0 {
		b.Fatalf("seed: %+v, %d accounts, %d indices, reposts %+v", r.Summary, len(r.Accounts), len(r.Indices), r.Reposts[len(r.Reposts)-1:])
	}
	b.Run("build", func(b *testing.B) {
		for b.Loop() {
			build(b, office)
		}
	})
	b.Run("xlsx", func(b *testing.B) {
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			if err := build(b, office).Write(&buf, reports.FormatXLSX); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The index table alone: the 100 WeChat and Weibo accounts' year from
	// their 364,000 post days.
	ids := make([]int64, 200)
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	from, to := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b.Run("indices", func(b *testing.B) {
		for b.Loop() {
			if _, err := indices.Indices(ctx, ids, from, to); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The repost table's rows alone: the office's 10,400 targets with
	// their first deliveries.
	b.Run("reposts", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.RepostRowsDue(ctx, store.ReportScope{}, from, to); err != nil {
				b.Fatal(err)
			}
		}
	})
	// One account's year, for comparison: what the indexes of migration 070 serve.
	account, err := svc.Scope(ctx, nil, 0, 7)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("account", func(b *testing.B) {
		for b.Loop() {
			build(b, account)
		}
	})
}
