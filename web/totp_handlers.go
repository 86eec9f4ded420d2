package web

import (
	"net/http"

	"github.com/tongfa/tongfa/identity"
)

// The second factor over the API (docs/openapi.yaml, "Two-factor
// sign-in"); the rules are identity's.

type totpStart struct {
	Password string `json:"password" validate:"required,max=256"`
}

type totpConfirm struct {
	Code string `json:"code" validate:"required,len=6,numeric"`
}

var totpLabels = map[string]string{"password": "登录密码", "code": "动态口令"}

// handleTOTPStatus is GET /api/v1/me/totp.
func (s *Server) handleTOTPStatus(w http.ResponseWriter, r *http.Request) {
	st, err := s.Identity.TOTPStatus(r.Context(), principal(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// handleTOTPStart is POST /api/v1/me/totp {password}: a new secret, its
// otpauth URL and QR code.
func (s *Server) handleTOTPStart(w http.ResponseWriter, r *http.Request) {
	var in totpStart
	var e *identity.Enrolment
	err := s.decodeValid(w, r, &in, totpLabels)
	if err == nil {
		e, err = s.Identity.StartEnrolment(r.Context(), principal(r), in.Password)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, e)
}

// handleTOTPConfirm is POST /api/v1/me/totp/confirm {code}: the recovery
// codes, shown once.
func (s *Server) handleTOTPConfirm(w http.ResponseWriter, r *http.Request) {
	var in totpConfirm
	var codes []string
	err := s.decodeValid(w, r, &in, totpLabels)
	if err == nil {
		codes, err = s.Identity.ConfirmEnrolment(r.Context(), principal(r), in.Code)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"recovery_codes": codes})
}

// handlePasswordReset is POST /api/v1/users/{id}/password-reset: an
// administrator gives a user a temporary password, shown once, to be
// changed at the next sign-in.
func (s *Server) handlePasswordReset(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	var out *identity.PasswordReset
	if err == nil {
		out, err = s.Identity.AdminResetPassword(r.Context(), principal(r), id)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}

// handleTOTPReset is DELETE /api/v1/users/{id}/totp: an administrator
// removes a lost second factor.
func (s *Server) handleTOTPReset(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		err = s.Identity.ResetTOTP(r.Context(), principal(r), id)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
