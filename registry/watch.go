package registry

import (
	"context"
	"fmt"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/store"
)

// FilingSweep alerts the supervising unit's administrators about approved
// account changes not filed within the deadline (R9), once each.
func (s *Service) FilingSweep(ctx context.Context, tree *access.Tree, now time.Time) (int, error) {
	qs, err := s.DB.OverdueFilings(ctx, now)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, q := range qs {
		up := tree.Parent(q.UnitID)
		if up == 0 {
			up = q.UnitID
		}
		msg := fmt.Sprintf("【账号备案逾期】%s的账号%s申请已于 %s 批准，备案期限 %s 已过，请尽快备案", tree.Name(q.UnitID),
			map[string]string{"open": "开设", "change": "变更", "close": "注销"}[q.Kind], q.DecidedAt.Format("01-02"), q.FilingDeadline.Format("01-02 15:04"))
		fired, err := s.alert(ctx, fmt.Sprintf("account-request:%d", q.ID), "filing", "overdue", up, tongfa.RoleAdmin, msg)
		if err != nil {
			return n, err
		}
		if fired {
			n++
		}
	}
	return n, nil
}

// alert fires an alert once and notifies the holders of role in unit.
func (s *Service) alert(ctx context.Context, subject, kind, level string, unit int64, role tongfa.Role, msg string) (bool, error) {
	var fired bool
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if fired, err = tx.FireAlert(ctx, subject, kind, level, &unit, msg); err != nil || !fired {
			return err
		}
		to, err := tx.UsersWithRole(ctx, []int64{unit}, role)
		if err != nil {
			return err
		}
		return tx.Notify(ctx, to, nil, kind, false, msg)
	})
	return fired, err
}

// TokenExpiry is what a connector says about an account's token.
type TokenExpiry interface {
	TokenExpiry(ctx context.Context, acc connectors.Account) (time.Time, error)
}

// TokenWarning is how long before a Weibo or Douyin authorisation expires
// it is announced.
const TokenWarning = 7 * 24 * time.Hour

// expiring are the platforms whose authorisation by the account's owner
// lapses: Weibo's access token, Douyin's refresh token.
var expiring = map[tongfa.Platform]bool{tongfa.PlatformWeibo: true, tongfa.PlatformDouyin: true}

// TokenSweep asks the platforms when each account's authorisation expires
// and announces the ones expiring within seven days to the unit's
// administrators. tokens answers for every platform in expiring.
func (s *Service) TokenSweep(ctx context.Context, tokens TokenExpiry, now time.Time) (int, error) {
	accounts, err := s.DB.ActiveAccounts(ctx, nil)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, a := range accounts {
		if !expiring[a.Platform] {
			continue
		}
		cacc, err := connectors.Connect(s.Box, &a)
		if err != nil {
			continue // reported when a delivery needs them
		}
		at, err := tokens.TokenExpiry(ctx, cacc)
		if err != nil || at.Sub(now) > TokenWarning {
			continue
		}
		msg := fmt.Sprintf("【%s授权即将到期】账号「%s」的授权将于 %s 到期，请管理员重新授权", a.Platform.Label(), a.Name, at.Format("2006-01-02 15:04"))
		year, week := now.ISOWeek()
		fired, err := s.alert(ctx, fmt.Sprintf("account:%d", a.ID), "token_expiry", fmt.Sprintf("%d-W%02d", year, week), a.UnitID, tongfa.RoleAdmin, msg)
		if err != nil {
			return n, err
		}
		if fired {
			n++
		}
	}
	return n, nil
}
