package web

import (
	"net/http"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/registry"
	"github.com/tongfa/tongfa/web/console"
)

// userView is one user's page: their grants, and the forms that change
// them (POST /api/v1/users/{id}/roles).
type userView struct {
	Target   *tongfa.User
	UnitName string
	Grants   []grantRow
	Units    []console.Option
	Roles    []console.Option
	Self     bool // administrators never change their own roles
}

type grantRow struct {
	tongfa.Grant
	UnitName string
	Revoke   bool // the viewer administers the grant's unit
}

// consoleUser shows a user of a unit the viewer administers.
func (s *Server) consoleUser(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p := principal(r)
	u, err := s.Registry.User(r.Context(), p, id)
	if err != nil {
		return err
	}
	d := userView{Target: u, UnitName: p.Tree.Name(u.UnitID), Units: adminUnits(p), Roles: roleOptions(), Self: u.ID == p.User.ID}
	for _, g := range u.Grants {
		d.Grants = append(d.Grants, grantRow{Grant: g, UnitName: p.Tree.Name(g.UnitID), Revoke: registry.CanChangeRole(p, u.ID, g.UnitID, g.Role)})
	}
	v.Title, v.Nav, v.Data = "用户 "+u.Username, "users", d
	return s.render(w, http.StatusOK, "user", "layout", v)
}

// roleOptions are every role, for the role selects.
func roleOptions() []console.Option {
	out := make([]console.Option, 0, len(tongfa.Roles))
	for _, role := range tongfa.Roles {
		out = append(out, console.Option{Value: string(role), Label: role.Label()})
	}
	return out
}
