package audit

import (
	"context"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/store"
)

// Service is the audit log as people read it (R10).
type Service struct {
	DB *store.DB
}

// List returns audit rows matching f that p may read, newest first:
// administrators and auditors read the rows of their units and the units
// below; system administrators also the installation-wide rows. Nobody
// reads another unit tree's rows.
func (s *Service) List(ctx context.Context, p *access.Principal, f store.AuditFilter) ([]tongfa.AuditEntry, error) {
	f.UnitIDs, f.Installation = p.Tree.AuditUnits(p.User), p.Tree.IsSysAdmin(p.User) // never nil: nil would mean every unit
	if len(f.UnitIDs) == 0 && !f.Installation {
		return nil, &tongfa.Error{Code: tongfa.EForbidden, Message: "只有管理员、审计员和系统管理员可以查看审计日志"}
	}
	return s.DB.ListAudit(ctx, f)
}

// CanVerify reports whether p may walk the whole chain: it shows only
// whether rows were altered and where, never their contents.
func (s *Service) CanVerify(p *access.Principal) bool {
	return p.Tree.IsSysAdmin(p.User) || len(p.Tree.AuditUnits(p.User)) > 0
}

// Verify walks the chain for p.
func (s *Service) Verify(ctx context.Context, p *access.Principal) (store.AuditReport, error) {
	if !s.CanVerify(p) {
		return store.AuditReport{}, &tongfa.Error{Code: tongfa.EForbidden, Message: "只有管理员、审计员和系统管理员可以校验审计日志"}
	}
	return s.DB.VerifyAudit(ctx)
}
