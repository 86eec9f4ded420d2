package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/identity"
)

type loginView struct {
	Next, Username, Error, Code string
	// The second step: the code (Ticket stands for the password), with the
	// QR code when the sign-in enrols.
	Ticket string
	Enrol  *enrolView
	Prompt string // what the second step asks for (not an error)
	OIDC   bool   // the unified identity login is offered
	// Change asks for a new password in place of a temporary one, before
	// anything else (Ticket stands for the temporary password).
	Change bool
}

func (s *Server) consoleLoginPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if _, err := s.authenticate(r); err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.renderLogin(w, http.StatusOK, loginView{Next: next, OIDC: s.oidcOffered()})
}

// consoleLogin is the form twin of POST /api/v1/session: the same password
// check, lockout and audit (identity.Login), then the same session cookie.
func (s *Server) consoleLogin(w http.ResponseWriter, r *http.Request) {
	if !loginFromHere(r) {
		s.renderLogin(w, http.StatusForbidden, loginView{Next: "/", Error: "登录请求来自其他网站，已拒绝", Code: tongfa.ECSRF})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	in := loginView{Next: safeNext(r.PostFormValue("next")), Username: strings.TrimSpace(r.PostFormValue("username")), OIDC: s.oidcOffered()}
	password, ticket := r.PostFormValue("password"), r.PostFormValue("ticket")
	if (in.Username == "" || password == "") && ticket == "" || len(in.Username) > 64 || len(password) > 256 {
		in.Error, in.Code = "请输入用户名和密码", tongfa.EInvalid
		s.renderLogin(w, http.StatusUnprocessableEntity, in)
		return
	}
	newPassword := r.PostFormValue("new_password")
	if newPassword != r.PostFormValue("new_password2") {
		in.Ticket, in.Change, in.Prompt, in.Error, in.Code = ticket, true, passwordChangePrompt, "两次输入的新密码不一致", tongfa.EInvalid
		s.renderLogin(w, http.StatusUnprocessableEntity, in)
		return
	}
	res, err := s.Identity.LoginWith(r.Context(), identity.LoginInput{Username: in.Username, Password: password,
		OTP: strings.TrimSpace(r.PostFormValue("otp")), Ticket: ticket, NewPassword: newPassword, IP: clientIP(r)})
	if err != nil {
		s.renderLoginStep(w, in, ticket, err)
		return
	}
	u := res.User
	if _, err := s.startSession(w, r, u.ID); err != nil {
		s.renderLoginStep(w, in, "", err)
		return
	}
	if len(res.RecoveryCodes) > 0 { // shown once, before going on
		s.render(w, http.StatusOK, "totp", "layout", &view{Title: "恢复码", Data: totpView{Recovery: res.RecoveryCodes, Next: in.Next}}) //nolint:errcheck
		return
	}
	http.Redirect(w, r, in.Next, http.StatusSeeOther)
}

// passwordChangePrompt is what the step after a temporary password asks.
const passwordChangePrompt = identity.PasswordChangePrompt

// loginStep is the login page after a refused attempt: the second step
// (code field, and the QR code to enrol) when the password was right.
func loginStep(in loginView, ticket string, err error) loginView {
	in.Error, in.Code = tongfa.ErrorMessage(err), tongfa.ErrorCode(err)
	var e *tongfa.Error
	if errors.As(err, &e) {
		switch d := e.Data.(type) {
		case identity.OTPChallenge:
			in.Ticket, in.Prompt, in.Error = d.Ticket, in.Error, ""
		case *identity.Enrolment:
			in.Ticket, in.Enrol, in.Prompt, in.Error = d.Ticket, enrolViewOf(d), in.Error, ""
		case identity.PasswordChallenge:
			in.Ticket, in.Change, in.Prompt = d.Ticket, true, passwordChangePrompt
			if in.Error == passwordChangePrompt {
				in.Error = "" // the first ask, not a refusal
			}
		}
	}
	if in.Ticket == "" && in.Code == tongfa.EUnauthorized && ticket != "" && e != nil && e.Fields["otp"] != "" {
		in.Ticket = ticket // a wrong code: try again within the ticket's time
	}
	return in
}

// renderLoginStep renders the login page after err: the second step
// (200: the next step, not a failure) when the first factor passed, else
// the error with its status.
func (s *Server) renderLoginStep(w http.ResponseWriter, in loginView, ticket string, err error) {
	in = loginStep(in, ticket, err)
	status := HTTPStatus(in.Code)
	if in.Prompt != "" {
		status = http.StatusOK
	}
	s.renderLogin(w, status, in)
}

func (s *Server) renderLogin(w http.ResponseWriter, status int, in loginView) {
	v := &view{Title: "登录", Data: in}
	if err := s.render(w, status, "login", "layout", v); err != nil {
		http.Error(w, "页面渲染失败（错误代码：internal）", http.StatusInternalServerError)
	}
}

// consoleLogout ends the session (the form carries the CSRF token).
func (s *Server) consoleLogout(w http.ResponseWriter, r *http.Request, v *view) error {
	if err := s.endSession(w, r); err != nil {
		return err
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}
