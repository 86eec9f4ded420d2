package web_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/tongfa/tongfa/store"
)

// TestNoRouteDeletesAuditRows: the audit log is read-only over HTTP for
// everyone, the system administrator included (R10: logs kept six months;
// retention is the only deletion, and it is not a route).
func TestNoRouteDeletesAuditRows(t *testing.T) {
	h := setup(t)
	ctx := context.Background()
	h.db.Audit(ctx, store.SystemActor, "test.event", "", nil, nil) //nolint:errcheck
	h.db.SealAudit(ctx)                                            //nolint:errcheck
	var before int
	h.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log`).Scan(&before) //nolint:errcheck
	for _, c := range []*client{h.login("sysadmin"), h.script("sysadmin"), h.script("cityauditor")} {
		for _, m := range []string{http.MethodDelete, http.MethodPut, http.MethodPatch, http.MethodPost} {
			for _, path := range []string{"/api/v1/audit", "/api/v1/audit/1", "/admin/audit"} {
				if code := c.do(m, path, map[string]any{}, nil); code != http.StatusMethodNotAllowed && code != http.StatusNotFound && code != http.StatusForbidden {
					t.Errorf("%s %s answered %d", m, path, code)
				}
			}
		}
	}
	var after int
	h.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'test.event'`).Scan(&after) //nolint:errcheck
	if after != 1 {
		t.Fatalf("the audit row is gone (%d of %d rows left with its action)", after, before)
	}
}
