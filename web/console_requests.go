package web

import (
	"encoding/json"
	"net/http"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/registry"
	"github.com/tongfa/tongfa/store"
)

// The account request pages (R9): requests to open, change or close an
// account, decided by the supervising office and then filed. Their forms
// post to /api/v1/accounts/{id}/requests and /api/v1/account-requests/….

var requestKinds = map[string]string{"open": "开设", "change": "变更", "close": "注销"}

var requestStates = map[string]string{"pending": "待审批", "approved": "已批准", "rejected": "已驳回"}

// requestRow is one request with what the console shows and may do.
type requestRow struct {
	store.AccountRequest
	Proposal      registry.AccountInput
	KindLabel     string
	PlatformLabel string
	StateLabel    string
	UnitName      string
	Requester     *tongfa.User
	Decider       *tongfa.User // nil until decided
	FilingOverdue bool
	Decide        bool // the viewer administers the supervising unit
	File          bool // approved, not yet filed, and the viewer administers the unit
}

// consoleRequests lists the account requests of the units the viewer may
// read (GET /api/v1/account-requests), newest first.
func (s *Server) consoleRequests(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p := r.Context(), principal(r)
	list, err := s.Registry.AccountRequests(ctx, p)
	if err != nil {
		return err
	}
	now := s.Now()
	rows := make([]requestRow, 0, len(list))
	for _, q := range list {
		row := requestRow{AccountRequest: q, KindLabel: labelOf(requestKinds, q.Kind), StateLabel: labelOf(requestStates, q.State),
			UnitName: p.Tree.Name(q.UnitID), Requester: s.person(ctx, q.RequestedBy)}
		json.Unmarshal(q.Proposal, &row.Proposal) //nolint:errcheck // written by registry.request; empty on damage
		if row.Proposal.Platform != "" {
			row.PlatformLabel = tongfa.Platform(row.Proposal.Platform).Label()
		}
		if q.DecidedBy != nil {
			row.Decider = s.person(ctx, *q.DecidedBy)
		}
		row.Decide = q.State == "pending" && s.Registry.Supervises(p, q.UnitID)
		row.File = registry.CanFile(p, &q)
		row.FilingOverdue = q.State == "approved" && q.FiledAt == nil && q.FilingDeadline != nil && now.After(*q.FilingDeadline)
		rows = append(rows, row)
	}
	v.Title, v.Nav, v.Data = "账号变更申请", "requests", rows
	return s.render(w, http.StatusOK, "requests", "layout", v)
}

type accountChangeView struct {
	Account  *tongfa.Account
	UnitName string
	Managers string // JSON, kept as it is by the change form
	Settings string // JSON, kept as it is by the change form
}

// consoleAccountChange is the form to request a change or the closure of
// an account; administrators of its unit only.
func (s *Server) consoleAccountChange(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p := principal(r)
	av, err := s.Registry.Account(r.Context(), p, id)
	if err != nil {
		return err
	}
	a := &av.Account
	if !registry.CanRequestChange(p, a) {
		return &tongfa.Error{Code: tongfa.EForbidden, Message: "只有该单位的管理员可以申请变更账号（已注销的账号不能再变更）"}
	}
	d := accountChangeView{Account: a, UnitName: p.Tree.Name(a.UnitID), Managers: jsonText(nonNil(a.Managers)),
		Settings: jsonText(a.Settings)}
	v.Title, v.Nav, v.Data = "申请变更账号", "accounts", d
	return s.render(w, http.StatusOK, "account_change", "layout", v)
}

// jsonText is v as JSON for a hidden form field ("{}" or "[]" when empty).
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return "{}"
	}
	return string(b)
}
