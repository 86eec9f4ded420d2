package store_test

import (
	"context"
	"testing"

	"github.com/tongfa/tongfa/reports/reportstest"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
)

// TestReportScopes: the report queries' total rows count distinct items
// across accounts, and a scope narrows to its units or its account.
func TestReportScopes(t *testing.T) {
	db := storetest.New(t)
	q := reportstest.SeedQuarter(t, db, nil)
	ctx := context.Background()
	from, to := reportstest.CST(2026, 1, 1, 0, 0, 0), reportstest.CST(2026, 4, 1, 0, 0, 0)
	for _, tc := range []struct {
		name                   string
		sc                     store.ReportScope
		items, posts, findings int
		accounts, urgent       int
	}{
		{"everything", store.ReportScope{}, 74, 140, 4, 7, 7},
		{"health commission", store.ReportScope{Units: []int64{q.Health}}, 14, 14, 1, 3, 1},
		{"education Weibo", store.ReportScope{AccountID: &q.EduWeibo}, 35, 35, 3, 1, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			posts, err := db.ReportPosts(ctx, tc.sc, from, to)
			if err != nil {
				t.Fatal(err)
			}
			sum, items := 0, 0
			for _, p := range posts {
				if p.AccountID == 0 {
					items = p.Posts
				} else {
					sum += p.Posts
				}
			}
			patrol, err := db.ReportPatrol(ctx, tc.sc, from, to)
			if err != nil {
				t.Fatal(err)
			}
			findings := -1
			for _, p := range patrol {
				if p.Kind == "" {
					findings = p.Findings
				}
			}
			accounts, err := db.ReportAccounts(ctx, tc.sc)
			if err != nil {
				t.Fatal(err)
			}
			urgent, err := db.ReportUrgent(ctx, tc.sc, from, to)
			if err != nil {
				t.Fatal(err)
			}
			if items != tc.items || sum != tc.posts || findings != tc.findings || len(accounts) != tc.accounts || len(urgent) != tc.urgent {
				t.Errorf("items %d posts %d findings %d accounts %d urgent %d", items, sum, findings, len(accounts), len(urgent))
			}
		})
	}
}
