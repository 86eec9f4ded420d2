package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/workday"
)

// FilingDays is how long after an approved change it must be filed (R9:
// 3–5 working days; Tongfa holds offices to the stricter end).
const FilingDays = 3

// RequestAAD binds credentials proposed in a request to that request.
func RequestAAD(id int64) []byte { return fmt.Appendf(nil, "account-request:%d", id) }

// request stores a request of kind for unit.
func (s *Service) request(ctx context.Context, tx *store.Tx, p *access.Principal, kind string, unit int64, account *int64, in *AccountInput, reason string) (*store.AccountRequest, error) {
	creds := in.Credentials
	proposal := *in
	proposal.Credentials = nil
	body, _ := json.Marshal(proposal)
	q := &store.AccountRequest{Kind: kind, UnitID: unit, AccountID: account, Proposal: body, Reason: reason, RequestedBy: p.User.ID}
	var seal func(int64) []byte
	if len(creds) > 0 {
		seal = func(id int64) []byte { return s.seal(RequestAAD(id), creds) }
	}
	if err := tx.CreateAccountRequest(ctx, q, seal); err != nil {
		return nil, err
	}
	tx.Audit(store.UserActor(p.User, p.IP), "account.request", fmt.Sprintf("account-request:%d", q.ID), &unit,
		map[string]any{"kind": kind, "account_id": account, "platform": in.Platform, "name": in.Name, "credential_keys": keys(creds)})
	return q, nil
}

// RequestChange files a change or closure of an existing account.
func (s *Service) RequestChange(ctx context.Context, p *access.Principal, accountID int64, kind string, in *AccountInput, reason string) (*store.AccountRequest, error) {
	a, err := s.account(ctx, p, accountID)
	if err != nil {
		return nil, err
	}
	if !p.Tree.Administers(p.User, a.UnitID) {
		return nil, notAdmin(nil)
	}
	if a.Status == tongfa.AccountClosed {
		return nil, &tongfa.Error{Code: tongfa.EInvalidState, Message: "账号「" + a.Name + "」已注销，不能再申请变更"}
	}
	if kind == "close" {
		in = fromAccount(a)
	} else if err := s.check(p, in); err != nil {
		return nil, err
	}
	in.UnitID, in.Platform = a.UnitID, string(a.Platform)
	var q *store.AccountRequest
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		q, err = s.request(ctx, tx, p, kind, a.UnitID, &a.ID, in, reason)
		return err
	})
	return q, err
}

func notAdmin(err error) error {
	if err != nil {
		return err
	}
	return &tongfa.Error{Code: tongfa.EForbidden, Message: "只有该单位的管理员可以申请变更账号"}
}

func fromAccount(a *tongfa.Account) *AccountInput {
	in := &AccountInput{UnitID: a.UnitID, Platform: string(a.Platform), Name: a.Name, PlatformRef: a.PlatformRef,
		Responsible: a.Responsible, Managers: a.Managers, APIBase: a.APIBase, Settings: a.Settings}
	if a.Exception != nil {
		in.Exception = *a.Exception
	}
	return in
}

// Decide approves or rejects a pending request; only an administrator of
// the supervising unit may.
func (s *Service) Decide(ctx context.Context, p *access.Principal, id int64, approve bool, comment string) (*tongfa.Account, error) {
	var a *tongfa.Account
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		q, err := tx.LockAccountRequest(ctx, id)
		if err != nil || !p.Tree.CanRead(p.User, q.UnitID) {
			return notVisibleRequest(id, err)
		}
		if !s.Supervises(p, q.UnitID) {
			return &tongfa.Error{Code: tongfa.EForbidden, Message: "账号开设、变更、注销须由主管单位管理员审批"}
		}
		a, err = s.decide(ctx, tx, p, q, approve, comment)
		return err
	})
	return a, err
}

func notVisibleRequest(id int64, err error) error {
	if err != nil {
		return err
	}
	return fmt.Errorf("registry: request %d: %w", id, tongfa.ErrNotFound)
}

// decide records the decision and, on approval, applies the request.
func (s *Service) decide(ctx context.Context, tx *store.Tx, p *access.Principal, q *store.AccountRequest, approve bool, comment string) (*tongfa.Account, error) {
	var deadline *time.Time
	if approve {
		d := s.calendar().AddWorkingDays(tx.Now(), FilingDays)
		deadline = &d
	}
	if err := tx.DecideAccountRequest(ctx, q.ID, p.User.ID, approve, comment, deadline); err != nil {
		return nil, err
	}
	tx.Audit(store.UserActor(p.User, p.IP), "account.request."+map[bool]string{true: "approve", false: "reject"}[approve],
		fmt.Sprintf("account-request:%d", q.ID), &q.UnitID, map[string]any{"kind": q.Kind, "comment": comment})
	if !approve {
		return nil, nil
	}
	return s.apply(ctx, tx, q)
}

func (s *Service) calendar() *workday.Calendar {
	if s.Calendar != nil {
		return s.Calendar()
	}
	return workday.Default()
}

// apply carries an approved request out on the account itself.
func (s *Service) apply(ctx context.Context, tx *store.Tx, q *store.AccountRequest) (*tongfa.Account, error) {
	var in AccountInput
	if err := json.Unmarshal(q.Proposal, &in); err != nil {
		return nil, err
	}
	creds, err := s.openRequest(q)
	if err != nil {
		return nil, err
	}
	a := &tongfa.Account{UnitID: q.UnitID, Platform: tongfa.Platform(in.Platform), Name: in.Name, APIBase: in.APIBase,
		Settings: in.Settings, PlatformRef: in.PlatformRef, Responsible: in.Responsible, Managers: in.Managers, Status: "active"}
	if in.Exception != "" {
		a.Exception = &in.Exception
	}
	switch q.Kind {
	case "open":
		var seal func(int64) ([]byte, error)
		if len(creds) > 0 {
			seal = func(id int64) ([]byte, error) { return s.seal(connectors.AccountAAD(id), creds), nil }
		}
		err = tx.CreateAccount(ctx, a, seal)
	case "change":
		a.ID = *q.AccountID
		if err = tx.UpdateAccount(ctx, a); err == nil && len(creds) > 0 {
			err = tx.SetAccountCredentials(ctx, a.ID, s.seal(connectors.AccountAAD(a.ID), creds))
		}
	case "close":
		a.ID, a.Status = *q.AccountID, "closed"
		err = tx.UpdateAccount(ctx, a)
	}
	if err != nil {
		return nil, err
	}
	tx.Audit(store.SystemActor, "account."+q.Kind, fmt.Sprintf("account:%d", a.ID), &q.UnitID,
		map[string]any{"request_id": q.ID, "name": a.Name, "status": a.Status})
	return a, nil
}

func (s *Service) openRequest(q *store.AccountRequest) (map[string]string, error) {
	if len(q.Credentials) == 0 {
		return nil, nil
	}
	b, err := s.Box.Open(q.Credentials, RequestAAD(q.ID))
	if err != nil {
		return nil, fmt.Errorf("registry: request %d credentials: %w", q.ID, err)
	}
	var creds map[string]string
	return creds, json.Unmarshal(b, &creds)
}

// CanRequestChange reports whether p may ask to change or close account
// a: an administrator of its unit or above, while it is not closed.
func CanRequestChange(p *access.Principal, a *tongfa.Account) bool {
	return a.Status != tongfa.AccountClosed && p.Tree.Administers(p.User, a.UnitID)
}

// CanFile reports whether p records that approved request q was filed
// with the supervising office: the administrators of its unit or above.
func CanFile(p *access.Principal, q *store.AccountRequest) bool {
	return q.State == "approved" && q.FiledAt == nil && p.Tree.Administers(p.User, q.UnitID)
}

// Filed records that an approved change was filed with the supervising office.
func (s *Service) Filed(ctx context.Context, p *access.Principal, id int64) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		q, err := tx.LockAccountRequest(ctx, id)
		if err != nil || !p.Tree.Administers(p.User, q.UnitID) {
			return notVisibleRequest(id, err)
		}
		tx.Audit(store.UserActor(p.User, p.IP), "account.request.filed", fmt.Sprintf("account-request:%d", id), &q.UnitID, nil)
		return tx.MarkFiled(ctx, id)
	})
}
