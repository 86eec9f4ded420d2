package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store/storetest"
)

// TestAuditChainSwitchesSuites: an installation that moves from
// TONGFA_CRYPTO=std to sm (and back) under the same audit key goes on
// sealing under the new suite's HMAC; rows, the retention anchor and
// checkpoints of both verify.
func TestAuditChainSwitchesSuites(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	suites := []struct{ suite, scheme string }{{"std", tongfa.SchemeHMACSHA256}, {"sm", tongfa.SchemeHMACSM3}, {"std", tongfa.SchemeHMACSHA256}}
	var cps []tongfa.AuditCheckpoint
	for _, s := range suites {
		f.db.AuditMAC = tongfa.NewAuditMACSuite(s.suite, storetest.AuditKey)
		rows := chain(t, f.db, 2)
		if last := rows[len(rows)-1].Hash; !strings.HasPrefix(last, s.scheme+"/") {
			t.Fatalf("%s: sealed %s", s.suite, last)
		}
		cps = append(cps, checkpoint(t, f.db))
	}
	for _, s := range suites {
		f.db.AuditMAC = tongfa.NewAuditMACSuite(s.suite, storetest.AuditKey)
		rep, err := f.db.VerifyAudit(ctx, cps...)
		if err != nil || rep.Verified != 6 || rep.Checkpoints != 3 {
			t.Fatalf("verify under %s: %+v %v", s.suite, rep, err)
		}
	}
	// The other suite's MAC alone (not accepting the first) is another key.
	f.db.AuditMAC = tongfa.NewAuditHMACSM3(storetest.AuditKey)
	wantBroken(t, f.db, 1, []string{"配置了错误的密钥"})
}
