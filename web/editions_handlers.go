package web

import (
	"net/http"

	"github.com/tongfa/tongfa/editions"
)

func (s *Server) handleCreateEdition(w http.ResponseWriter, r *http.Request) {
	var in editions.Input
	if err := s.decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	e, err := s.Editions.Create(r.Context(), principal(r), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, e)
}

func (s *Server) handleGetEdition(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	e, err := s.Editions.Get(r.Context(), principal(r), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (s *Server) handleConfirmEdition(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	e, err := s.Editions.Confirm(r.Context(), principal(r), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}
