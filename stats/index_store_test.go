package stats_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
)

// seedSeries stores days of posts for account: each post is published on
// its first day (or not known, with unknown set) and earns figure(i) on
// its i-th day.
type seeded struct {
	id        string
	position  int
	published time.Time
	unknown   bool
	reads     []int64 // nil: not reported (Weibo)
	shares    []int64
	likes     []int64 // nil: not reported (WeChat's datacube)
	comments  []int64
}

func at(v []int64, i int) *int64 {
	if v == nil {
		return nil
	}
	return n(v[i])
}

func seedSeries(t *testing.T, db *store.DB, account int64, posts []seeded) {
	t.Helper()
	for _, p := range posts {
		for i := range max(len(p.reads), len(p.shares)) {
			d := p.published.AddDate(0, 0, i)
			row := store.StatsPostDay{PlatformPostID: p.id, Position: p.position, PublishedOn: p.published, Day: d,
				Source: store.StatsPlatform, StatsFigures: store.StatsFigures{Reads: at(p.reads, i), Shares: at(p.shares, i),
					Likes: at(p.likes, i), Comments: at(p.comments, i)}}
			if p.unknown {
				row.PublishedOn = time.Time{}
			}
			if err := db.SaveStatsDay(context.Background(), store.StatsDayWrite{AccountID: account, Day: d, Complete: true,
				Posts: []store.StatsPostDay{row}}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// storedPost is a post's stored figures as the test reads them itself.
type storedPost struct {
	position                        int
	reads, shares, likes, comments  float64
	hasReads, hasLikes, hasReposted bool
}

// readBack sums, straight from the tables, what each post published in
// March 2026 earned on its first seven days.
func readBack(t *testing.T, db *store.DB, account int64) []storedPost {
	t.Helper()
	rows, err := db.Pool.Query(context.Background(), `SELECT p.position, d.day - p.published_on, d.reads, d.shares, d.likes, d.comments
		FROM stats_posts p JOIN stats_post_days d ON d.post_id = p.id
		WHERE p.account_id = $1 AND p.published_on >= '2026-03-01' AND p.published_on < '2026-04-01' ORDER BY p.id, d.day`, account)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []storedPost
	var last int
	for rows.Next() {
		var pos, age int
		var r, s, l, c *int64
		if err := rows.Scan(&pos, &age, &r, &s, &l, &c); err != nil {
			t.Fatal(err)
		}
		if age == 0 {
			out = append(out, storedPost{position: pos})
			last = len(out) - 1
		}
		if age >= 7 {
			continue // after the post's first week
		}
		p := &out[last]
		add := func(dst *float64, v *int64) {
			if v != nil {
				*dst += float64(*v)
			}
		}
		add(&p.reads, r)
		add(&p.shares, s)
		add(&p.likes, l)
		add(&p.comments, c)
	}
	return out
}

// TestIndexFromStoredSeries computes March 2026's WCI and BCI by hand
// from the stored days and compares them with the service's. The posts
// include a day after the first week, a post of February read in March,
// one whose publication day is unknown and a second article of a send.
func TestIndexFromStoredSeries(t *testing.T) {
	e := newEnv(t, china(2026, 4, 20, 10))
	ctx := context.Background()
	wx, wb := e.accounts[tongfa.PlatformWeChat].ID, e.accounts[tongfa.PlatformWeibo].ID
	seedSeries(t, e.db, wx, []seeded{
		{id: "501_1", position: 1, published: day(2026, 3, 3), reads: []int64{500, 300, 100, 50, 20, 10, 5, 3}, shares: []int64{10, 5, 2, 1, 0, 0, 0, 1}},
		{id: "501_2", position: 2, published: day(2026, 3, 3), reads: []int64{200, 80, 20}, shares: []int64{3, 1, 0}},
		{id: "502_1", position: 1, published: day(2026, 3, 28), reads: []int64{900, 400, 200, 100, 60, 30, 20, 10, 5}, shares: []int64{30, 12, 6, 3, 2, 1, 1, 0, 0}},
		{id: "499_1", position: 1, published: day(2026, 2, 27), reads: []int64{700, 300, 100, 50}, shares: []int64{9, 3, 1, 0}},
		{id: "old_1", position: 1, published: day(2026, 3, 10), unknown: true, reads: []int64{40}, shares: []int64{1}},
	})
	seedSeries(t, e.db, wb, []seeded{
		{id: "5001", published: day(2026, 3, 5), shares: []int64{20, 5, 1}, likes: []int64{80, 30, 10}, comments: []int64{12, 3, 0}},
		{id: "5002", published: day(2026, 3, 31), shares: []int64{2, 2, 2, 2, 2, 2, 2, 2}, likes: []int64{9, 9, 9, 9, 9, 9, 9, 9}, comments: []int64{1, 1, 1, 1, 1, 1, 1, 1}},
	})
	from, to := day(2026, 3, 1), day(2026, 4, 1)

	// WCI V14.2 by hand: d = 31, no 在看 or likes from datacube.
	posts := readBack(t, e.db, wx)
	if len(posts) != 3 {
		t.Fatalf("March has %d WeChat posts stored, want 3", len(posts))
	}
	var R, RE, Rt, REt, Rmax, REmax float64
	for _, p := range posts {
		R, RE = R+p.reads, RE+p.shares
		Rmax, REmax = math.Max(Rmax, p.reads), math.Max(REmax, p.shares)
		if p.position == 1 {
			Rt, REt = Rt+p.reads, REt+p.shares
		}
	}
	d, cnt := 31.0, float64(len(posts))
	part := func(r, re float64) float64 { return 0.70*math.Log(r+1) + 0.15*math.Log(re*10+1) } // ln(0·10+1) = 0 for Z and L
	wci := math.Pow(0.6*part(R/d, RE/d)+0.2*part(R/cnt, RE/cnt)+0.1*part(Rt/d, REt/d)+0.1*part(Rmax, REmax), 2) * 12
	got, err := e.svc.Index(ctx, wx, from, to)
	if err != nil || got.Name != "WCI" || math.Abs(got.Value-math.Round(wci*100)/100) > 1e-9 || got.Posts != 3 || got.Days != 31 ||
		*got.Totals.Reads != int64(R) {
		t.Fatalf("WCI %+v, %v; by hand %.4f (R %v, RE %v, Rt %v, Rmax %v)", got, err, wci, R, RE, Rt, Rmax)
	}
	as, err := e.svc.AccountStats(ctx, wx, from, to)
	if err != nil || as.Index.Value != got.Value || len(as.Months) != 1 || as.Months[0].Index.Value != got.Value {
		t.Fatalf("the account's page disagrees: %+v, %v", as, err)
	}

	// BCI by hand: (0.2 ln(n+1) + 0.8 (0.4 ln(reposts+1) + 0.4 ln(comments+1) + 0.2 ln(likes+1))) × 160.
	posts = readBack(t, e.db, wb)
	var reposts, comments, likes float64
	for _, p := range posts {
		reposts, comments, likes = reposts+p.shares, comments+p.comments, likes+p.likes
	}
	bci := (0.2*math.Log(float64(len(posts))+1) + 0.8*(0.4*math.Log(reposts+1)+0.4*math.Log(comments+1)+0.2*math.Log(likes+1))) * 160
	all, err := e.svc.Indices(ctx, []int64{wx, wb, e.accounts[tongfa.PlatformApp].ID}, from, to)
	if err != nil || len(all) != 2 || all[wb].Name != "BCI" || math.Abs(all[wb].Value-math.Round(bci*100)/100) > 1e-9 ||
		all[wx].Value != got.Value {
		t.Fatalf("indices %+v, %v; BCI by hand %.4f", all, err, bci)
	}
}
