package web

import (
	"net/http"
	"strings"

	"github.com/tongfa/tongfa"
)

type loginRequest struct {
	Username string `json:"username" validate:"required,max=64"`
	Password string `json:"password" validate:"required,max=256"`
}

type loginResponse struct {
	User      *tongfa.User `json:"user"`
	CSRFToken string       `json:"csrf_token"`
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := s.decode(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.Validate.Struct(&req, map[string]string{"username": "用户名", "password": "密码"}); err != nil {
		s.writeError(w, r, err)
		return
	}
	u, err := s.Identity.Login(r.Context(), strings.TrimSpace(req.Username), req.Password, clientIP(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	csrf, err := s.startSession(w, r, u.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, loginResponse{User: u, CSRFToken: csrf})
}

// startSession opens a session for a user who has just logged in (API or
// console), sets its cookie and returns the session's CSRF token.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, userID int64) (string, error) {
	token, csrf, err := s.Identity.StartSession(r.Context(), userID)
	if err != nil {
		return "", err
	}
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: strings.HasPrefix(s.Config.BaseURL(), "https://"), // no Max-Age: no "remember me" (R10)
	})
	return csrf, nil
}

// endSession ends the caller's session (API or console) and clears the
// cookie.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request) error {
	if err := s.Identity.Logout(r.Context(), principal(r)); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	return nil
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if err := s.endSession(w, r); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, principal(r).User)
}
