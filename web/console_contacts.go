package web

import (
	"net/http"

	"github.com/tongfa/tongfa/registry"
	"github.com/tongfa/tongfa/web/console"
)

// The public numbers page reads a unit's list through the service GET
// /api/v1/units/{id}/contacts uses; its form goes to PUT …/contacts.

type contactsView struct {
	Unit     int64
	Units    []console.Option
	Contacts *registry.UnitContactsView
	Edit     bool
}

// consoleContacts shows the public contact numbers that apply to a unit's
// content and, to its administrators, the form to change its own list.
func (s *Server) consoleContacts(w http.ResponseWriter, r *http.Request, v *view) error {
	p := principal(r)
	units := unitOptions(p, p.Tree.Readable(p.User))
	unit, err := chosenUnit(r, units)
	if err != nil {
		return err
	}
	contacts, err := s.Registry.UnitContacts(r.Context(), p, unit)
	if err != nil {
		return err
	}
	v.Title, v.Nav = "本单位公开电话", "contacts"
	v.Data = contactsView{Unit: unit, Units: units, Contacts: contacts, Edit: registry.CanChangeUnitData(p, unit)}
	return s.render(w, http.StatusOK, "contacts", "layout", v)
}
