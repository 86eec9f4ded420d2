package web

import (
	"net/http"

	"github.com/tongfa/tongfa/registry"
	"github.com/tongfa/tongfa/store"
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

func (s *Server) handleGrants(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	var list []store.PublishGrant
	if err == nil {
		list, err = s.Registry.Grants(r.Context(), principal(r), id)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"grants": nonNil(list)})
}

func (s *Server) handleGrant(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	var in registry.GrantInput
	if err == nil {
		err = s.decodeValid(w, r, &in, map[string]string{"unit_id": "被授权单位"})
	}
	var g *store.PublishGrant
	if err == nil {
		g, err = s.Registry.GrantPublishing(r.Context(), principal(r), id, in)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, g)
}

func (s *Server) handleRevokeGrant(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	var unit int64
	if err == nil {
		unit, err = pathID(r, "unit")
	}
	if err == nil {
		err = s.Registry.RevokePublishing(r.Context(), principal(r), id, unit)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
