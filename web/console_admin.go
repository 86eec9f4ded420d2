package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/registry"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/web/console"
)

// The administration pages list through the services the API handlers
// use; their forms post to the same API endpoints.

func (s *Server) consoleAccounts(w http.ResponseWriter, r *http.Request, v *view) error {
	p := principal(r)
	list, err := s.Registry.List(r.Context(), p)
	if err != nil {
		return err
	}
	changeable, authorizable := map[int64]bool{}, map[int64]bool{}
	authorized := ""
	for _, a := range list {
		changeable[a.ID] = registry.CanRequestChange(p, &a.Account)
		authorizable[a.ID] = s.Registry.Douyin != nil && registry.CanAuthorizeDouyin(p, &a.Account) // offered once the app is configured
		if r.URL.Query().Get("authorized") == strconv.FormatInt(a.ID, 10) && authorizable[a.ID] {
			authorized = a.Name
		}
	}
	v.Title, v.Nav, v.Data = "渠道账号", "accounts", map[string]any{"Accounts": list, "Units": adminUnits(p), "Changeable": changeable,
		"Authorizable": authorizable, "Authorized": authorized}
	return s.render(w, http.StatusOK, "accounts", "layout", v)
}

type usersView struct {
	Users    []tongfa.User
	UnitName func(int64) string
	Units    []console.Option
	Roles    []console.Option
}

func (s *Server) consoleUsers(w http.ResponseWriter, r *http.Request, v *view) error {
	p := principal(r)
	list, err := s.Registry.Users(r.Context(), p)
	if err != nil {
		return err
	}
	d := usersView{Users: list, UnitName: p.Tree.Name, Units: adminUnits(p), Roles: roleOptions()}
	v.Title, v.Nav, v.Data = "用户与角色", "users", d
	return s.render(w, http.StatusOK, "users", "layout", v)
}

// adminUnits are the units p administers (with the units below them), for
// the unit selects of the administration forms; the API decides again.
func adminUnits(p *access.Principal) []console.Option {
	var out []console.Option
	seen := map[int64]bool{}
	for _, u := range p.Tree.WithRole(p.User, tongfa.RoleAdmin) {
		for _, id := range p.Tree.Subtree(u) {
			if !seen[id] {
				seen[id] = true
				out = append(out, console.Option{Value: strconv.FormatInt(id, 10), Label: p.Tree.Name(id)})
			}
		}
	}
	return out
}

func (s *Server) consoleDictionaries(w http.ResponseWriter, r *http.Request, v *view) error {
	list, err := s.Registry.DictionaryVersions(r.Context(), principal(r))
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Data = "词库", "dictionaries", map[string]any{"Versions": list, "Entries": s.Checker.Size()}
	return s.render(w, http.StatusOK, "dictionaries", "layout", v)
}

// consoleAudit shows the newest audit rows with the API's unit scoping.
func (s *Server) consoleAudit(w http.ResponseWriter, r *http.Request, v *view) error {
	p := principal(r)
	q := r.URL.Query()
	f := store.AuditFilter{Action: q.Get("action"), Target: q.Get("target"), Limit: 100}
	rows, err := s.Audit.List(r.Context(), p, f)
	if err != nil {
		return err
	}
	d := map[string]any{"Entries": rows, "Action": f.Action, "Target": f.Target}
	if q.Get("verify") == "1" {
		d["Verify"] = s.verifyAudit(r.Context(), p)
	}
	v.Title, v.Nav, v.Data = "审计日志", "audit", d
	return s.render(w, http.StatusOK, "audit", "layout", v)
}

// auditCheck is the outcome of walking the audit hash chain (R10), as
// `tongfa audit verify` reports it.
type auditCheck struct {
	Report store.AuditReport
	Broken *store.ErrChainBroken
	Error  string
}

// verifyAudit walks the whole sealed chain, so it runs only on request.
func (s *Server) verifyAudit(ctx context.Context, p *access.Principal) auditCheck {
	rep, err := s.Audit.Verify(ctx, p)
	out := auditCheck{Report: rep}
	if err != nil && !errors.As(err, &out.Broken) {
		out.Error = tongfa.ErrorMessage(err)
	}
	return out
}
