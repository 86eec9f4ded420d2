package registry

import (
	"context"
	"fmt"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/auth"
	"github.com/tongfa/tongfa/store"
)

// SessionRevoker ends every console session of a user.
type SessionRevoker interface {
	DeleteUser(ctx context.Context, userID int64) (int, error)
}

// Disabled is what disabling a user did, and the accounts whose
// credentials they handled: rotate those (R10, 弥勒 7.1).
type Disabled struct {
	UserID    int64            `json:"user_id"`
	Sessions  int              `json:"sessions_revoked"`
	Tokens    int64            `json:"tokens_revoked"`
	Checklist []tongfa.Account `json:"rotate_credentials"`
}

// Disable disables a user at once: sessions and tokens revoked in the same
// step. Administrators of the user's unit (or above) may.
func (s *Service) Disable(ctx context.Context, p *access.Principal, userID int64, reason string) (*Disabled, error) {
	u, err := s.User(ctx, p, userID)
	if err != nil {
		return nil, err
	}
	if u.ID == p.User.ID {
		return nil, &tongfa.Error{Code: tongfa.EInvalid, Message: "不能停用自己的账号"}
	}
	return s.disable(ctx, store.UserActor(p.User, p.IP), u, reason)
}

func (s *Service) disable(ctx context.Context, actor store.Actor, u *tongfa.User, reason string) (*Disabled, error) {
	out := &Disabled{UserID: u.ID, Checklist: []tongfa.Account{}}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DisableUser(ctx, u.ID, reason); err != nil {
			return err
		}
		var err error
		if out.Tokens, err = tx.RevokeAllTokens(ctx, u.ID); err != nil {
			return err
		}
		units, err := tx.UnitsWhereRole(ctx, u.ID, tongfa.RoleAdmin)
		if err != nil {
			return err
		}
		if out.Checklist, err = s.DB.Accounts(ctx, units); err != nil {
			return err
		}
		tx.Audit(actor, "user.disable", fmt.Sprintf("user:%d", u.ID), &u.UnitID,
			map[string]any{"reason": reason, "tokens_revoked": out.Tokens, "rotate_accounts": len(out.Checklist)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if s.Sessions != nil {
		out.Sessions, err = s.Sessions.DeleteUser(ctx, u.ID)
	}
	return out, err
}

// InactiveAfter disables users after this long without a login (鹤壁网站
// 第十三条: six months).
const InactiveAfter = 183 * 24 * time.Hour

// DisableInactive disables every user who has not logged in for six
// months and returns how many.
func (s *Service) DisableInactive(ctx context.Context, now time.Time) (int, error) {
	ids, err := s.DB.InactiveUsers(ctx, now.Add(-InactiveAfter))
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		u, err := s.DB.User(ctx, id)
		if err != nil {
			return 0, err
		}
		if _, err := s.disable(ctx, store.SystemActor, u, "超过 6 个月未登录，自动停用"); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// RoleChange is POST /api/v1/users/{id}/roles.
type RoleChange struct {
	UnitID int64       `json:"unit_id" validate:"required,gt=0"`
	Role   tongfa.Role `json:"role" validate:"required,oneof=editor reviewer deputy principal admin auditor sysadmin"`
	Grant  bool        `json:"grant"`
}

// SetRole grants or revokes a role; administrators of the unit only, and
// never their own.
func (s *Service) SetRole(ctx context.Context, p *access.Principal, userID int64, c RoleChange) error {
	if err := s.Validate.Struct(&c, map[string]string{"unit_id": "单位", "role": "角色"}); err != nil {
		return err
	}
	if err := s.mayChangeRole(ctx, p, userID, c); err != nil {
		return err
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		tx.Audit(store.UserActor(p.User, p.IP), "user.role", fmt.Sprintf("user:%d", userID), &c.UnitID,
			map[string]any{"role": c.Role, "grant": c.Grant})
		if c.Grant {
			return tx.Grant(ctx, userID, c.UnitID, c.Role)
		}
		return tx.Revoke(ctx, userID, c.UnitID, c.Role)
	})
	if err == nil && s.Sessions != nil {
		_, err = s.Sessions.DeleteUser(ctx, userID) // rights changed: log in again
	}
	return err
}

// mayChangeRole: roles change only by an administrator of the user's
// unit or above, in a unit they administer, never their own; the system
// administrator role only by a system administrator, on a top unit.
func (s *Service) mayChangeRole(ctx context.Context, p *access.Principal, userID int64, c RoleChange) error {
	if c.Role != tongfa.RoleSysAdmin && userID != p.User.ID {
		if _, err := s.User(ctx, p, userID); err != nil {
			return err // a user p cannot see is not found before anything else
		}
	}
	if err := roleChangeRefused(p, userID, c.UnitID, c.Role); err != nil {
		return err
	}
	if c.Role == tongfa.RoleSysAdmin {
		if _, err := s.DB.User(ctx, userID); err != nil {
			return errNoUser(userID)
		}
	}
	return nil
}

// CanChangeRole reports whether p may grant or revoke role in unit for
// user userID (mayChangeRole without looking the user up).
func CanChangeRole(p *access.Principal, userID, unit int64, role tongfa.Role) bool {
	return roleChangeRefused(p, userID, unit, role) == nil
}

func roleChangeRefused(p *access.Principal, userID, unit int64, role tongfa.Role) error {
	switch {
	case userID == p.User.ID:
		return &tongfa.Error{Code: tongfa.EInvalid, Message: "不能调整自己的角色"}
	case role == tongfa.RoleSysAdmin && !p.Tree.IsSysAdmin(p.User):
		return &tongfa.Error{Code: tongfa.EForbidden, Message: "只有系统管理员可以授予或撤销系统管理员角色"}
	case role == tongfa.RoleSysAdmin && (!p.Tree.Exists(unit) || p.Tree.Parent(unit) != 0):
		return &tongfa.Error{Code: tongfa.EInvalid, Message: "系统管理员角色只能授予在顶级单位", Fields: map[string]string{"unit_id": "请选择顶级单位"}}
	case role != tongfa.RoleSysAdmin && !p.Tree.Administers(p.User, unit):
		return &tongfa.Error{Code: tongfa.EForbidden, Message: "只有该单位的管理员可以调整角色"}
	}
	return nil
}

// NewUserInput is POST /api/v1/users.
type NewUserInput struct {
	Username    string        `json:"username" validate:"required,min=2,max=64,alphanumunicode|containsany=._-"`
	DisplayName string        `json:"display_name" validate:"required,max=50"`
	UnitID      int64         `json:"unit_id" validate:"required,gt=0"`
	Roles       []tongfa.Role `json:"roles" validate:"required,min=1,dive,oneof=editor reviewer deputy principal admin auditor"`
	Password    string        `json:"password" validate:"required,max=256"`
}

// CreateUser adds a user with roles in one unit (administrators of it).
func (s *Service) CreateUser(ctx context.Context, p *access.Principal, in *NewUserInput) (*tongfa.User, error) {
	if err := s.Validate.Struct(in, map[string]string{"username": "用户名", "display_name": "姓名", "unit_id": "单位", "roles": "角色", "password": "密码"}); err != nil {
		return nil, err
	}
	if !p.Tree.Has(p.User, in.UnitID, tongfa.RoleAdmin) {
		return nil, &tongfa.Error{Code: tongfa.EForbidden, Message: "只有该单位的管理员可以添加用户"}
	}
	if err := auth.ValidatePassword(in.Password); err != nil {
		return nil, &tongfa.Error{Code: tongfa.EInvalid, Message: err.Error(), Fields: map[string]string{"password": err.Error()}}
	}
	hash, err := auth.HashPassword(in.Password, auth.DefaultParams)
	if err != nil {
		return nil, err
	}
	var u *tongfa.User
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if u, err = tx.CreateUser(ctx, store.NewUser{Username: in.Username, DisplayName: in.DisplayName, UnitID: in.UnitID, PasswordHash: hash}); err != nil {
			return err
		}
		for _, r := range in.Roles {
			if err := tx.Grant(ctx, u.ID, in.UnitID, r); err != nil {
				return err
			}
		}
		tx.Audit(store.UserActor(p.User, p.IP), "user.create", fmt.Sprintf("user:%d", u.ID), &in.UnitID, map[string]any{"username": in.Username, "roles": in.Roles})
		return nil
	})
	return u, err
}
