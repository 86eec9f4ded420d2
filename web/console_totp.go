package web

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/identity"
)

// totpView is the second-factor page: the status, an enrolment under way
// (QR code and secret), or the recovery codes just made.
type totpView struct {
	Status   identity.TOTPStatus
	Enrol    *enrolView
	Recovery []string
	Next     string // after a sign-in that enrolled: where to go on
	Error    string
	Code     string
}

// enrolView is an enrolment as a template shows it: the QR code's data:
// URL marked safe (html/template would blank it), and the secret grouped
// by four for typing by hand.
type enrolView struct {
	QR     template.URL
	Secret string
	URL    string
	Ticket string
}

func enrolViewOf(e *identity.Enrolment) *enrolView {
	if e == nil {
		return nil
	}
	var groups []string
	for s := e.Secret; s != ""; {
		n := min(4, len(s))
		groups, s = append(groups, s[:n]), s[n:]
	}
	return &enrolView{QR: template.URL(e.QR), Secret: strings.Join(groups, " "), URL: e.URL, Ticket: e.Ticket}
}

// consoleTOTP is GET /account/totp.
func (s *Server) consoleTOTP(w http.ResponseWriter, r *http.Request, v *view) error {
	return s.renderTOTP(w, r, v, totpView{}, http.StatusOK)
}

// consoleTOTPStart is POST /account/totp: the password starts an
// enrolment and the page shows its QR code.
func (s *Server) consoleTOTPStart(w http.ResponseWriter, r *http.Request, v *view) error {
	e, err := s.Identity.StartEnrolment(r.Context(), principal(r), r.PostFormValue("password"))
	if err != nil {
		return s.renderTOTP(w, r, v, totpView{Error: tongfa.ErrorMessage(err), Code: tongfa.ErrorCode(err)}, HTTPStatus(tongfa.ErrorCode(err)))
	}
	return s.renderTOTP(w, r, v, totpView{Enrol: enrolViewOf(e)}, http.StatusOK)
}

// consoleTOTPConfirm is POST /account/totp/confirm: the first code turns
// the second factor on; the page shows the recovery codes once.
func (s *Server) consoleTOTPConfirm(w http.ResponseWriter, r *http.Request, v *view) error {
	codes, err := s.Identity.ConfirmEnrolment(r.Context(), principal(r), strings.TrimSpace(r.PostFormValue("code")))
	if err != nil {
		return s.renderTOTP(w, r, v, totpView{Error: tongfa.ErrorMessage(err), Code: tongfa.ErrorCode(err)}, HTTPStatus(tongfa.ErrorCode(err)))
	}
	return s.renderTOTP(w, r, v, totpView{Recovery: codes}, http.StatusOK)
}

func (s *Server) renderTOTP(w http.ResponseWriter, r *http.Request, v *view, d totpView, status int) error {
	st, err := s.Identity.TOTPStatus(r.Context(), principal(r))
	if err != nil {
		return err
	}
	d.Status = st
	v.Title, v.Nav, v.Data = "动态口令", "totp", d
	return s.render(w, status, "totp", "layout", v)
}
