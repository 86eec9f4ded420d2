package web

import (
	"fmt"
	"net/http"

	"github.com/tongfa/tongfa/auth"
	"github.com/tongfa/tongfa/store"
)

// handleTokens lists the caller's API tokens (never the secrets).
func (s *Server) handleTokens(w http.ResponseWriter, r *http.Request) {
	list, err := s.DB.Tokens(r.Context(), principal(r).User.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": nonNil(list)})
}

type tokenRequest struct {
	Name string `json:"name" validate:"required,max=100"`
}

// handleCreateToken makes a token for the caller; the secret is shown once.
func (s *Server) handleCreateToken(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var req tokenRequest
	if err := s.decodeValid(w, r, &req, map[string]string{"name": "用途"}); err != nil {
		s.writeError(w, r, err)
		return
	}
	token, hash := auth.NewToken()
	var t *store.Token
	err := s.DB.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		if t, err = tx.CreateToken(r.Context(), p.User.ID, req.Name, hash); err == nil {
			tx.Audit(store.UserActor(p.User, p.IP), "token.create", fmt.Sprintf("token:%d", t.ID), &p.User.UnitID, map[string]any{"name": req.Name})
		}
		return err
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": token, "id": t.ID, "name": t.Name})
}

// handleRevokeToken revokes one of the caller's tokens at once.
func (s *Server) handleRevokeToken(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, err := pathID(r, "id")
	if err == nil {
		err = s.DB.InTx(r.Context(), func(tx *store.Tx) error {
			tx.Audit(store.UserActor(p.User, p.IP), "token.revoke", fmt.Sprintf("token:%d", id), &p.User.UnitID, nil)
			return tx.RevokeToken(r.Context(), p.User.ID, id)
		})
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
