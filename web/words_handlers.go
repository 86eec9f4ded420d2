package web

import (
	"net/http"

	"github.com/tongfa/tongfa/registry"
)

var unitWordsLabels = map[string]string{"content": "本单位词库", "note": "修改说明", "version": "版本"}

// handleUnitWords answers a unit's own words with their versions, for the
// unit's administrators and auditors.
func (s *Server) handleUnitWords(w http.ResponseWriter, r *http.Request) {
	unit, err := pathID(r, "id")
	var v *registry.UnitWordsView
	if err == nil {
		v, err = s.Registry.UnitWords(r.Context(), principal(r), unit)
	}
	s.writeResult(w, r, v, err)
}

// handleSetUnitWords stores a new version of a unit's words; the service
// starts a patrol of the subtree's published items for the words it adds.
func (s *Server) handleSetUnitWords(w http.ResponseWriter, r *http.Request) {
	unit, err := pathID(r, "id")
	var req leadersRequest
	if err == nil {
		req, err = s.leadersBody(w, r, unitWordsLabels)
	}
	var ch *registry.UnitWordsChange
	if err == nil {
		ch, err = s.Registry.SetUnitWords(r.Context(), principal(r), unit, req.Content, req.Note)
	}
	s.writeResult(w, r, ch, err)
}

func (s *Server) handleRollbackUnitWords(w http.ResponseWriter, r *http.Request) {
	unit, version, err := s.rollbackRequest(w, r, unitWordsLabels)
	var ch *registry.UnitWordsChange
	if err == nil {
		ch, err = s.Registry.RollbackUnitWords(r.Context(), principal(r), unit, version)
	}
	s.writeResult(w, r, ch, err)
}
