package web

import (
	"net/http"

	"github.com/tongfa/tongfa/identity"
)

// handleTokens lists the caller's API tokens (never the secrets).
func (s *Server) handleTokens(w http.ResponseWriter, r *http.Request) {
	list, err := s.Identity.Tokens(r.Context(), principal(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": nonNil(list)})
}

// handleCreateToken makes a token for the caller; the secret is shown once.
func (s *Server) handleCreateToken(w http.ResponseWriter, r *http.Request) {
	var in identity.TokenInput
	if err := s.decodeValid(w, r, &in, identity.TokenLabels); err != nil {
		s.writeError(w, r, err)
		return
	}
	secret, t, err := s.Identity.CreateToken(r.Context(), principal(r), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": secret, "id": t.ID, "name": t.Name, "scope": t.Scope,
		"expires_at": t.ExpiresAt})
}

// handleRevokeToken revokes one of the caller's tokens at once.
func (s *Server) handleRevokeToken(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		err = s.Identity.RevokeToken(r.Context(), principal(r), id)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
