package web

import (
	"net/http"
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
	From, To *tongfa.User
	UnitName string
	Started  bool
}

// delegationForm hands over one of the viewer's sign-off grants.
type delegationForm struct {
	tongfa.Grant
	UnitName   string
	Candidates []console.Option
}

func (s *Server) consoleDelegations(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p := r.Context(), principal(r)
	now := s.Now()
	list, err := s.Review.Delegations(ctx, p)
	if err != nil {
		return err
	}
	d := delegationsView{Start: localTime(now), End: localTime(now.Add(delegationEnd))}
	for _, dl := range list {
		if dl.RevokedAt != nil || !dl.EndsAt.After(now) {
			continue
		}
		row := delegationRow{Delegation: dl, From: s.person(ctx, dl.DelegatorID), To: s.person(ctx, dl.DelegateID),
			UnitName: p.Tree.Name(dl.UnitID), Started: !dl.StartsAt.After(now)}
		if dl.DelegatorID == p.User.ID {
			d.Given = append(d.Given, row)
		} else {
			d.Received = append(d.Received, row)
		}
	}
	for _, g := range p.User.Grants {
		if !g.Role.Signer() {
			continue
		}
		users, err := s.Review.DelegateCandidates(ctx, p, g.UnitID, g.Role)
		if err != nil {
			return err
		}
		d.Forms = append(d.Forms, delegationForm{Grant: g, UnitName: p.Tree.Name(g.UnitID), Candidates: userOptions(users)})
	}
	v.Title, v.Nav, v.Data = "审签委托", "delegations", d
	return s.render(w, http.StatusOK, "delegations", "layout", v)
}

func userOptions(users []tongfa.User) []console.Option {
	out := make([]console.Option, 0, len(users))
	for i := range users {
		out = append(out, userOption(&users[i]))
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
