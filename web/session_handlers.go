package web

import (
	"net/http"
	"strings"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/identity"
)

type loginRequest struct {
	Username string `json:"username" validate:"required_without=Ticket,max=64"`
	Password string `json:"password" validate:"required_without=Ticket,max=256"`
	OTP      string `json:"otp" validate:"max=16"`    // the second factor: a TOTP code or a recovery code
	Ticket   string `json:"ticket" validate:"max=64"` // from otp_required, otp_enrollment_required or password_change_required, instead of the password
	// NewPassword replaces a temporary password (password_change_required).
	NewPassword string `json:"new_password" validate:"max=256"`
}

type loginResponse struct {
	User          *tongfa.User `json:"user"`
	CSRFToken     string       `json:"csrf_token"`
	RecoveryCodes []string     `json:"recovery_codes,omitempty"` // when this sign-in completed an enrolment: shown once
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := s.decode(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.Validate.Struct(&req, map[string]string{"username": "用户名", "password": "密码", "otp": "动态口令", "ticket": "登录凭证", "new_password": "新密码"}); err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.Identity.LoginWith(r.Context(), identity.LoginInput{Username: strings.TrimSpace(req.Username), Password: req.Password,
		OTP: strings.TrimSpace(req.OTP), Ticket: req.Ticket, NewPassword: req.NewPassword, IP: clientIP(r)})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	csrf, err := s.startSession(w, r, res.User.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, loginResponse{User: res.User, CSRFToken: csrf, RecoveryCodes: res.RecoveryCodes})
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
