package reports_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/reports"
	"github.com/tongfa/tongfa/reports/reportstest"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
	"github.com/tongfa/tongfa/workday"
)

// TestReportsReadTheReplica: with a replica configured, a report counts
// what the replica holds, not the primary. The "replica" is a second
// schema holding the known quarter while the primary holds nothing, so
// any read left on the primary shows as a missing figure.
func TestReportsReadTheReplica(t *testing.T) {
	primary, replica := storetest.New(t), storetest.New(t)
	q := reportstest.SeedQuarter(t, replica, nil)
	primary.Now = func() time.Time { return q.Now }
	replica.Now = primary.Now
	ctx := context.Background()
	p, err := reports.ParsePeriod("quarter", "2026-01-01", "", q.Now)
	if err != nil {
		t.Fatal(err)
	}
	build := func(svc *reports.Service) *reports.Report {
		t.Helper()
		r, err := svc.Build(ctx, p, reports.Scope{Label: "全部单位"})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	on := func(db *store.DB) *clocks.Service { return &clocks.Service{DB: db, Calendar: workday.Default} }

	withReplica := build(&reports.Service{DB: primary, Clocks: on(primary), Replica: replica})
	onReplicaAlone := build(&reports.Service{DB: replica, Clocks: on(replica)})
	a, _ := json.Marshal(withReplica)
	b, _ := json.Marshal(onReplicaAlone)
	if string(a) != string(b) || withReplica.Summary.Posts != 140 || withReplica.Summary.Weekly.Den == 0 {
		t.Fatalf("with a replica:\n%s\nthe replica's own report:\n%s", a, b)
	}
	if none := build(&reports.Service{DB: primary, Clocks: on(primary)}); none.Summary.Posts != 0 || len(none.Accounts) != 0 {
		t.Fatalf("without a replica the empty primary must be read: %+v", none.Summary)
	}
}
