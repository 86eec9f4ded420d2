package web

import (
	"net/http"

	"github.com/tongfa/tongfa/registry"
)

func (s *Server) handleCreateAccount(w http.ResponseWriter, r *http.Request) {
	var in registry.AccountInput
	if err := s.decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	a, req, err := s.Registry.Create(r.Context(), principal(r), &in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if a == nil {
		writeJSON(w, http.StatusAccepted, map[string]any{"request": req, "message": "开设申请已提交，待主管单位管理员审批"})
		return
	}
	writeJSON(w, http.StatusCreated, a)
}

func (s *Server) handleListAccounts(w http.ResponseWriter, r *http.Request) {
	list, err := s.Registry.List(r.Context(), principal(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"accounts": list})
}
