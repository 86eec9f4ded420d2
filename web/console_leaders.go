package web

import (
	"net/http"
	"strings"

	"github.com/tongfa/tongfa/registry"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/web/console"
)

// The leaders page reads a unit's table through the service GET
// /api/v1/units/{id}/leaders uses; its forms go to PUT …/leaders and POST
// …/leaders/rollback.

type leadersView struct {
	Unit  int64
	Units []console.Option
	Table *registry.LeaderTable
	Rows  []leaderRow // the effective table, the top supervising unit's rows first
	Today string
	Edit  bool
}

// leaderRow is one title held by one person, as the table lists it.
type leaderRow struct {
	Unit, Name, Title, From, To, Status, Former string
	Order                                       int
	Own, Current                                bool
}

var leaderStatus = map[string]string{sensitive.StatusServing: "在任", sensitive.StatusLeft: "离任", sensitive.StatusDismissed: "落马"}

// consoleLeaders shows the leaders table that applies to a unit, the
// unit's own with its versions, and to its administrators the import and
// rollback forms.
func (s *Server) consoleLeaders(w http.ResponseWriter, r *http.Request, v *view) error {
	p := principal(r)
	units := unitOptions(p, p.Tree.Readable(p.User))
	unit, err := chosenUnit(r, units)
	if err != nil {
		return err
	}
	t, err := s.Registry.LeaderTable(r.Context(), p, unit)
	if err != nil {
		return err
	}
	today := sensitive.DateOf(s.Now())
	d := leadersView{Unit: unit, Units: units, Table: t, Today: today.String(), Edit: registry.CanChangeUnitData(p, unit)}
	for _, c := range t.Chain {
		d.Rows = append(d.Rows, leaderRows(c, c.UnitID == unit, today)...)
	}
	v.Title, v.Nav, v.Data = "领导名单", "leaders", d
	return s.render(w, http.StatusOK, "leaders", "layout", v)
}

func leaderRows(c registry.ChainTable, own bool, today sensitive.Date) []leaderRow {
	var out []leaderRow
	for _, p := range c.Leaders.Persons {
		status := leaderStatus[p.Status]
		if p.Status == sensitive.StatusDismissed && !p.Dismissed.IsZero() {
			status += "（" + p.Dismissed.String() + "）"
		}
		for _, t := range p.Terms {
			out = append(out, leaderRow{Unit: c.UnitName, Name: p.Name, Title: t.Title, From: t.From.String(), To: t.To.String(),
				Status: status, Former: strings.Join(p.FormerNames, "、"), Order: t.Order, Own: own,
				Current: !today.Before(t.From) && (t.To.IsZero() || today.Before(t.To)) && p.Status != sensitive.StatusDismissed})
		}
	}
	return out
}
