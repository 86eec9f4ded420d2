package web

import (
	"net/http"

	"github.com/tongfa/tongfa/registry"
	"github.com/tongfa/tongfa/store"
)

var unitContactsLabels = map[string]string{"content": "本单位公开电话", "note": "修改说明"}

// handleUnitContacts answers the public contact numbers that apply to a
// unit's content: its own list with its versions and its supervising
// units' lists.
func (s *Server) handleUnitContacts(w http.ResponseWriter, r *http.Request) {
	unit, err := pathID(r, "id")
	var v *registry.UnitContactsView
	if err == nil {
		v, err = s.Registry.UnitContacts(r.Context(), principal(r), unit)
	}
	s.writeResult(w, r, v, err)
}

// handleSetUnitContacts stores a new version of a unit's list.
func (s *Server) handleSetUnitContacts(w http.ResponseWriter, r *http.Request) {
	unit, err := pathID(r, "id")
	var req leadersRequest
	if err == nil {
		req, err = s.leadersBody(w, r, unitContactsLabels)
	}
	var v *store.ConfigVersion
	if err == nil {
		v, err = s.Registry.SetUnitContacts(r.Context(), principal(r), unit, req.Content, req.Note)
	}
	s.writeResult(w, r, v, err)
}
