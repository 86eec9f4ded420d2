package tongfa

import "slices"

// Role is granted per unit. Signer roles map onto sign-off levels.
type Role string

const (
	RoleEditor    Role = "editor"
	RoleReviewer  Role = "reviewer"
	RoleDeputy    Role = "deputy"
	RolePrincipal Role = "principal"
	RoleAdmin     Role = "admin"
	RoleAuditor   Role = "auditor"
	// RoleSysAdmin (系统管理员) owns what is installation-wide: the shipped
	// dictionaries and policies, the holiday calendar, the queue dashboard
	// and metrics. It is granted on a top unit only.
	RoleSysAdmin Role = "sysadmin"
)

// Roles lists the roles held in a unit, in a stable order.
var Roles = []Role{RoleEditor, RoleReviewer, RoleDeputy, RolePrincipal, RoleAdmin, RoleAuditor}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleSysAdmin || slices.Contains(Roles, r) }

// Signer reports whether r holds a sign-off level.
func (r Role) Signer() bool { return r == RoleReviewer || r == RoleDeputy || r == RolePrincipal }

// Label is the Chinese name shown in the console.
func (r Role) Label() string {
	switch r {
	case RoleEditor:
		return "采编"
	case RoleReviewer:
		return "审核员"
	case RoleDeputy:
		return "分管领导"
	case RolePrincipal:
		return "主要领导"
	case RoleAdmin:
		return "管理员"
	case RoleAuditor:
		return "审计员"
	case RoleSysAdmin:
		return "系统管理员"
	}
	return string(r)
}

// Tier is the sign-off level an item requires (R1).
type Tier string

const (
	TierRoutine   Tier = "routine"
	TierDeputy    Tier = "deputy"
	TierPrincipal Tier = "principal"
)

// Rank orders tiers: routine < deputy < principal; unknown tiers rank 0.
func (t Tier) Rank() int {
	switch t {
	case TierRoutine:
		return 1
	case TierDeputy:
		return 2
	case TierPrincipal:
		return 3
	}
	return 0
}

// Valid reports whether t is a known tier.
func (t Tier) Valid() bool { return t.Rank() > 0 }

// MaxTier returns the higher of two tiers.
func MaxTier(a, b Tier) Tier {
	if b.Rank() > a.Rank() {
		return b
	}
	return a
}

// Chain is the ordered list of signer roles the tier requires.
func (t Tier) Chain() []Role {
	switch t {
	case TierDeputy:
		return []Role{RoleReviewer, RoleDeputy}
	case TierPrincipal:
		return []Role{RoleReviewer, RoleDeputy, RolePrincipal}
	}
	return []Role{RoleReviewer}
}

// Label is the Chinese name of the tier.
func (t Tier) Label() string {
	switch t {
	case TierDeputy:
		return "分管领导审签"
	case TierPrincipal:
		return "主要领导审签"
	}
	return "审核员审核"
}

// TierForImportance maps the editor's declared importance onto a tier.
func TierForImportance(i Importance) Tier {
	switch i {
	case ImportanceImportant:
		return TierDeputy
	case ImportanceMajor:
		return TierPrincipal
	}
	return TierRoutine
}
