package web

import (
	"net/http"
	"strings"

	"github.com/tongfa/tongfa"
)

type loginView struct {
	Next, Username, Error, Code string
}

func (s *Server) consoleLoginPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if _, err := s.authenticate(r); err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.renderLogin(w, http.StatusOK, loginView{Next: next})
}

// consoleLogin is the form twin of POST /api/v1/session: the same password
// check, lockout and audit (identity.Login), then the same session cookie.
func (s *Server) consoleLogin(w http.ResponseWriter, r *http.Request) {
	if !loginFromHere(r) {
		s.renderLogin(w, http.StatusForbidden, loginView{Next: "/", Error: "登录请求来自其他网站，已拒绝", Code: tongfa.ECSRF})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	in := loginView{Next: safeNext(r.PostFormValue("next")), Username: strings.TrimSpace(r.PostFormValue("username"))}
	password := r.PostFormValue("password")
	if in.Username == "" || password == "" || len(in.Username) > 64 || len(password) > 256 {
		in.Error, in.Code = "请输入用户名和密码", tongfa.EInvalid
		s.renderLogin(w, http.StatusUnprocessableEntity, in)
		return
	}
	u, err := s.Identity.Login(r.Context(), in.Username, password, clientIP(r))
	if err != nil {
		in.Error, in.Code = tongfa.ErrorMessage(err), tongfa.ErrorCode(err)
		s.renderLogin(w, HTTPStatus(in.Code), in)
		return
	}
	if _, err := s.startSession(w, r, u.ID); err != nil {
		in.Error, in.Code = tongfa.ErrorMessage(err), tongfa.ErrorCode(err)
		s.renderLogin(w, HTTPStatus(in.Code), in)
		return
	}
	http.Redirect(w, r, in.Next, http.StatusSeeOther)
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
