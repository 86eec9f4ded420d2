package web

import (
	"net/http"

	"github.com/tongfa/tongfa/items"
	"github.com/tongfa/tongfa/registry"
	"github.com/tongfa/tongfa/store"
)

type changeRequest struct {
	Kind    string                 `json:"kind" validate:"required,oneof=change close"`
	Reason  string                 `json:"reason" validate:"required,max=500"`
	Account *registry.AccountInput `json:"account" validate:"required_if=Kind change,omitempty"` // a closure needs none
}

// changeLabels name the fields of a change request in Chinese.
var changeLabels = func() map[string]string {
	l := registry.Labels("account.")
	l["kind"], l["reason"], l["account"] = "申请类型", "理由", "变更后的账号信息"
	return l
}()

func (s *Server) handleAccountChange(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	var req changeRequest
	if err == nil {
		err = s.decodeValid(w, r, &req, changeLabels)
	}
	if err == nil {
		var q any
		q, err = s.Registry.RequestChange(r.Context(), principal(r), id, req.Kind, req.Account, req.Reason)
		if err == nil {
			writeJSON(w, http.StatusAccepted, map[string]any{"request": q})
			return
		}
	}
	s.writeError(w, r, err)
}

func (s *Server) handleAccountRequests(w http.ResponseWriter, r *http.Request) {
	list, err := s.Registry.AccountRequests(r.Context(), principal(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"requests": nonNil(list)})
}

type decisionRequest struct {
	Comment string `json:"comment" validate:"max=500"`
}

func (s *Server) handleDecideRequest(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	var req decisionRequest
	if err == nil {
		err = s.decodeValid(w, r, &req, map[string]string{"comment": "意见"})
	}
	if err == nil {
		var a any
		if a, err = s.Registry.Decide(r.Context(), principal(r), id, varsOf(r)["decision"] == "approve", req.Comment); err == nil {
			s.InvalidateUnits()
			writeJSON(w, http.StatusOK, map[string]any{"account": a})
			return
		}
	}
	s.writeError(w, r, err)
}

func (s *Server) handleFiled(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		err = s.Registry.Filed(r.Context(), principal(r), id)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleConsistency(w http.ResponseWriter, r *http.Request) {
	list, err := s.Registry.Inconsistencies(r.Context(), principal(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"inconsistencies": nonNil(list)})
}

func (s *Server) handleUsers(w http.ResponseWriter, r *http.Request) {
	list, err := s.Registry.Users(r.Context(), principal(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": nonNil(list)})
}

func (s *Server) handleCreateUser(w http.ResponseWriter, r *http.Request) {
	var in registry.NewUserInput
	if err := s.decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	u, err := s.Registry.CreateUser(r.Context(), principal(r), &in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, u)
}

func (s *Server) handleDisableUser(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	var req struct {
		Reason string `json:"reason" validate:"required,max=500"`
	}
	if err == nil {
		err = s.decodeValid(w, r, &req, map[string]string{"reason": "停用原因"})
	}
	if err == nil {
		var out any
		if out, err = s.Registry.Disable(r.Context(), principal(r), id, req.Reason); err == nil {
			writeJSON(w, http.StatusOK, out)
			return
		}
	}
	s.writeError(w, r, err)
}

func (s *Server) handleRoles(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	var c registry.RoleChange
	if err == nil {
		err = s.decode(w, r, &c)
	}
	if err == nil {
		err = s.Registry.SetRole(r.Context(), principal(r), id, c)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type configRequest struct {
	Name    string `json:"name" validate:"omitempty,max=64"`
	Content string `json:"content" validate:"max=4000000"`
	Note    string `json:"note" validate:"max=500"`
	Version int    `json:"version" validate:"omitempty,gt=0"`
}

func (s *Server) handleDictionaries(w http.ResponseWriter, r *http.Request) {
	list, err := s.Registry.DictionaryVersions(r.Context(), principal(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"versions": nonNil(list), "entries": s.Checker.Size()})
}

// handleSetDictionary uploads (or, at /rollback, reactivates) a dictionary;
// the service starts a patrol of published content for the words it adds.
func (s *Server) handleSetDictionary(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var req configRequest
	if err := s.decodeValid(w, r, &req, map[string]string{"name": "词库名称", "content": "词库内容", "note": "说明", "version": "版本"}); err != nil {
		s.writeError(w, r, err)
		return
	}
	var ch *registry.DictionaryChange
	var err error
	if name := varsOf(r)["name"]; name != "" {
		ch, err = s.Registry.RollbackDictionary(r.Context(), p, name, req.Version)
	} else {
		ch, err = s.Registry.SetDictionary(r.Context(), p, req.Name, req.Content, req.Note)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"change": ch, "patrol": ch.Patrol})
}

func (s *Server) handlePatrol(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	var v *registry.PatrolView
	if err == nil {
		v, err = s.Registry.PatrolRun(r.Context(), principal(r), id)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *Server) handlePolicies(w http.ResponseWriter, r *http.Request) {
	unit, err := pathID(r, "id")
	var versions []store.ConfigVersion
	if err == nil {
		_, versions, err = s.Registry.PolicyOverride(r.Context(), principal(r), varsOf(r)["kind"], unit)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"versions": versions})
}

func (s *Server) handleSetPolicy(w http.ResponseWriter, r *http.Request) {
	unit, err := pathID(r, "id")
	var req configRequest
	if err == nil {
		err = s.decodeValid(w, r, &req, map[string]string{"content": "策略内容", "note": "说明", "version": "版本"})
	}
	if err == nil {
		kind := registry.PolicyKinds[varsOf(r)["kind"]]
		var v any
		if req.Version > 0 {
			v, err = s.Registry.RollbackPolicy(r.Context(), principal(r), kind, unit, req.Version)
		} else {
			v, err = s.Registry.SetPolicy(r.Context(), principal(r), kind, unit, req.Content, req.Note)
		}
		if err == nil {
			writeJSON(w, http.StatusOK, v)
			return
		}
	}
	s.writeError(w, r, err)
}

func (s *Server) handleCorrect(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	var in items.Input
	if err == nil {
		err = s.decode(w, r, &in)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	it, err := s.Items.Correct(r.Context(), principal(r), id, &in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.itemResponse(r, it))
}
