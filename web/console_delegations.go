package web

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/web/console"
)

// The delegation page: a signer hands their sign-off level in a unit to a
// colleague of the same role for a period (POST /api/v1/delegations, where
// review.Service.Delegate decides), and sees the delegations in force.

type delegationsView struct {
	Given    []delegationRow
	Received []delegationRow
	Forms    []delegationForm
	Start    string // datetime-local value of now, China time
	End      string // and of delegationEnd later
}

type delegationRow struct {
	store.Delegation
	From, To, UnitName string
	Started            bool
}

// delegationForm hands over one of the viewer's sign-off grants.
type delegationForm struct {
	tongfa.Grant
	UnitName   string
	Candidates []console.Option
}

func (s *Server) consoleDelegations(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p := r.Context(), principal(r)
	now := s.DB.Now()
	list, err := s.DB.Delegations(ctx, p.User.ID)
	if err != nil {
		return err
	}
	d := delegationsView{Start: localTime(now), End: localTime(now.Add(delegationEnd))}
	for _, dl := range list {
		if dl.RevokedAt != nil || !dl.EndsAt.After(now) {
			continue
		}
		row := delegationRow{Delegation: dl, From: s.userName(ctx, dl.DelegatorID), To: s.userName(ctx, dl.DelegateID),
			UnitName: p.Tree.Name(dl.UnitID), Started: !dl.StartsAt.After(now)}
		if dl.DelegatorID == p.User.ID {
			d.Given = append(d.Given, row)
		} else {
			d.Received = append(d.Received, row)
		}
	}
	users, err := s.DB.Users(ctx, p.Tree.Readable(p.User))
	if err != nil {
		return err
	}
	for _, g := range p.User.Grants {
		if slices.Contains(signers, g.Role) {
			d.Forms = append(d.Forms, delegationForm{Grant: g, UnitName: p.Tree.Name(g.UnitID), Candidates: delegates(users, p.User.ID, g.Role)})
		}
	}
	v.Title, v.Nav, v.Data = "审签委托", "delegations", d
	return s.render(w, http.StatusOK, "delegations", "layout", v)
}

// delegates are the active colleagues, other than the delegator, who hold
// role: the people a delegation of that role may go to.
func delegates(users []tongfa.User, delegator int64, role tongfa.Role) []console.Option {
	var out []console.Option
	for i := range users {
		u := &users[i]
		if !u.Disabled && u.ID != delegator && u.HasAnyRole(role) {
			out = append(out, userOption(u))
		}
	}
	return out
}

// userOption names a user in a select: display name with username.
func userOption(u *tongfa.User) console.Option {
	label := u.Username
	if u.DisplayName != "" {
		label = u.DisplayName + "（" + u.Username + "）"
	}
	return console.Option{Value: strconv.FormatInt(u.ID, 10), Label: label}
}

// delegationEnd suggests the end of a new delegation: a week on.
const delegationEnd = 7 * 24 * time.Hour

// localTime is t as a datetime-local input value, China time.
func localTime(t time.Time) string { return t.In(console.China).Format("2006-01-02T15:04") }
