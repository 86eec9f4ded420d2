package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	pathpkg "path"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/web/console"
)

// consoleCSP keeps item bodies (sanitized HTML) from running script even if
// the sanitizer missed something: every script is a vendored static file.
// Images come only from the hub itself and data: URLs: a remote image in an
// item body would be fetched by every reviewer's browser (a tracking pixel,
// or a request into the office's network).
const consoleCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// mountConsole adds the server-rendered console under / (the JSON API
// stays under /api/v1; console forms post to it with the CSRF header).
func (s *Server) mountConsole(r *mux.Router) {
	r.PathPrefix("/static/").Handler(http.StripPrefix("/static/", staticFiles())).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/login", s.consoleLoginPage).Methods(http.MethodGet)
	r.HandleFunc("/login", s.consoleLogin).Methods(http.MethodPost)
	r.HandleFunc("/login/oidc", s.consoleOIDCStart).Methods(http.MethodGet)
	r.HandleFunc("/login/oidc/callback", s.consoleOIDCCallback).Methods(http.MethodGet)
	r.Handle("/logout", s.page(s.consoleLogout, anyRole)).Methods(http.MethodPost)
	r.Handle("/", s.page(s.consoleDashboard, anyRole)).Methods(http.MethodGet)
	r.Handle("/account", s.page(s.consoleProfile, anyRole)).Methods(http.MethodGet)
	r.Handle("/account/totp", s.page(s.consoleTOTP, anyRole)).Methods(http.MethodGet)
	r.Handle("/account/totp", s.page(s.consoleTOTPStart, anyRole)).Methods(http.MethodPost)
	r.Handle("/account/totp/confirm", s.page(s.consoleTOTPConfirm, anyRole)).Methods(http.MethodPost)
	r.Handle("/compose", s.page(s.consoleCompose, perm{tongfa.RoleEditor})).Methods(http.MethodGet)
	r.Handle("/compose/preview", s.page(s.consolePreview, perm{tongfa.RoleEditor})).Methods(http.MethodPost)
	r.Handle("/items", s.page(s.consoleItems, anyRole)).Methods(http.MethodGet)
	r.Handle("/items/{id:[0-9]+}", s.page(s.consoleItem, anyRole)).Methods(http.MethodGet)
	r.Handle("/items/{id:[0-9]+}/edit", s.page(s.consoleEdit, perm{tongfa.RoleEditor})).Methods(http.MethodGet)
	r.Handle("/items/{id:[0-9]+}/correct", s.page(s.consoleCorrect, perm{tongfa.RoleEditor})).Methods(http.MethodGet)
	r.Handle("/items/{id:[0-9]+}/deliveries", s.page(s.consoleDeliveries, anyRole)).Methods(http.MethodGet)
	r.Handle("/reviews", s.page(s.consoleReviews, anyRole)).Methods(http.MethodGet)
	r.Handle("/library", s.page(s.consoleLibrary, anyRole)).Methods(http.MethodGet)
	r.Handle("/calendar", s.page(s.consoleCalendar, anyRole)).Methods(http.MethodGet)
	r.Handle("/editions", s.page(s.consoleEditions, anyRole)).Methods(http.MethodGet)
	r.Handle("/editions/{id:[0-9]+}", s.page(s.consoleEdition, anyRole)).Methods(http.MethodGet)
	r.Handle("/delegations", s.page(s.consoleDelegations, signers)).Methods(http.MethodGet)
	r.Handle("/inbox", s.page(s.consoleInbox, anyRole)).Methods(http.MethodGet)
	r.Handle("/reports", s.page(s.consoleReports, anyRole)).Methods(http.MethodGet)
	r.Handle("/repost-tasks", s.page(s.consoleRepostTasks, anyRole)).Methods(http.MethodGet)
	r.Handle("/repost-tasks/new", s.page(s.consoleRepostNew, perm{tongfa.RoleEditor})).Methods(http.MethodGet)
	r.Handle("/repost-tasks/{id:[0-9]+}", s.page(s.consoleRepostTask, anyRole)).Methods(http.MethodGet)
	r.Handle("/inbox/{id:[0-9]+}", s.page(s.consoleMessage, anyRole)).Methods(http.MethodGet)
	r.Handle("/tasks/{id:[0-9]+}", s.page(s.consoleTask, anyRole)).Methods(http.MethodGet)
	r.Handle("/admin/accounts", s.page(s.consoleAccounts, perm{tongfa.RoleAdmin})).Methods(http.MethodGet)
	r.Handle("/admin/accounts/{id:[0-9]+}/change", s.page(s.consoleAccountChange, perm{tongfa.RoleAdmin})).Methods(http.MethodGet)
	r.Handle("/admin/accounts/{id:[0-9]+}/douyin/authorize", s.page(s.consoleDouyinAuthorize, perm{tongfa.RoleAdmin})).Methods(http.MethodPost)
	r.HandleFunc("/accounts/douyin/callback", s.consoleDouyinCallback).Methods(http.MethodGet)
	r.Handle("/admin/accounts/douyin/authorized", s.page(s.consoleDouyinAuthorized, perm{tongfa.RoleAdmin})).Methods(http.MethodGet)
	r.Handle("/admin/requests", s.page(s.consoleRequests, overseers)).Methods(http.MethodGet)
	r.Handle("/admin/users", s.page(s.consoleUsers, perm{tongfa.RoleAdmin})).Methods(http.MethodGet)
	r.Handle("/admin/users/{id:[0-9]+}", s.page(s.consoleUser, perm{tongfa.RoleAdmin})).Methods(http.MethodGet)
	r.Handle("/admin/dictionaries", s.page(s.consoleDictionaries, overseers)).Methods(http.MethodGet)
	r.Handle("/admin/policies", s.page(s.consolePolicies, overseers)).Methods(http.MethodGet)
	r.Handle("/admin/leaders", s.page(s.consoleLeaders, overseers)).Methods(http.MethodGet)
	r.Handle("/admin/words", s.page(s.consoleWords, overseers)).Methods(http.MethodGet)
	r.Handle("/admin/contacts", s.page(s.consoleContacts, overseers)).Methods(http.MethodGet)
	r.Handle("/admin/holidays", s.page(s.consoleHolidays, overseers)).Methods(http.MethodGet)
	r.Handle("/admin/audit", s.page(s.consoleAudit, overseers)).Methods(http.MethodGet)
}

// versioned are the static paths whose name carries their version.
var versioned = regexp.MustCompile(`^vendor/[a-z0-9.-]+/\d+\.\d+\.\d+/`)

func staticFiles() http.Handler {
	fs := http.FileServerFS(noDirs{console.Static})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A vendored file's path names its version (vendor/quill/2.0.3/):
		// a new version is a new path, so browsers keep it for good.
		if versioned.MatchString(r.URL.Path) {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=300")
		}
		if gz, typ := gzipped(r.URL.Path); gz != nil {
			w.Header().Add("Vary", "Accept-Encoding")
			if acceptsGzip(r) {
				w.Header().Set("Content-Type", typ)
				w.Header().Set("Content-Encoding", "gzip")
				http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(gz))
				return
			}
		}
		fs.ServeHTTP(w, r)
	})
}

// gzipOver: a script or stylesheet larger than this is sent compressed to
// browsers that take gzip (the editor's 209 KB are 59 KB).
const gzipOver = 16 << 10

var gzipCache sync.Map // path → []byte (nil: not worth compressing)

// gzipped returns the static file at path compressed, made once, and its
// type; nil when it is not a large enough script or stylesheet.
func gzipped(path string) ([]byte, string) {
	typ := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}[pathpkg.Ext(path)]
	if typ == "" {
		return nil, ""
	}
	if v, ok := gzipCache.Load(path); ok {
		return v.([]byte), typ
	}
	b, err := fs.ReadFile(console.Static, path)
	var out []byte
	if err == nil && len(b) > gzipOver {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(b) //nolint:errcheck // into memory
		zw.Close()  //nolint:errcheck // into memory
		out = buf.Bytes()
	}
	if err == nil {
		gzipCache.Store(path, out)
	}
	return out, typ
}

// acceptsGzip reports whether the request's Accept-Encoding takes gzip.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") && strings.ReplaceAll(strings.TrimSpace(q), " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// overseers read the administration pages; administrators act on them.
var overseers = perm{tongfa.RoleAdmin, tongfa.RoleAuditor, tongfa.RoleSysAdmin}

// view is what every console template receives.
type view struct {
	Title string
	Nav   string
	User  *tongfa.User
	CSRF  string
	Can   navRights
	Data  any
}

// navRights decides which menu entries show; the routes enforce them.
type navRights struct{ Compose, Sign, Admin, Audit, System bool }

func rightsOf(u *tongfa.User) navRights {
	return navRights{
		Compose: u.HasAnyRole(tongfa.RoleEditor),
		Sign:    holdsAny(u, signers),
		Admin:   u.HasAnyRole(tongfa.RoleAdmin),
		Audit:   holdsAny(u, overseers),
		System:  u.HasAnyRole(tongfa.RoleSysAdmin),
	}
}

// pageFunc renders one console page for an authenticated user.
type pageFunc func(w http.ResponseWriter, r *http.Request, v *view) error

// page authenticates a console request like authed does for the API, but
// answers in HTML: no session sends the browser to /login, errors render a
// Chinese error page with the stable code. A form post carries the CSRF
// token in a field instead of the header.
func (s *Server) page(h pageFunc, need perm) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if unsafeMethod(r.Method) && r.Header.Get(CSRFHeader) == "" {
			r.Header.Set(CSRFHeader, r.PostFormValue("csrf_token"))
		}
		p, err := s.authenticate(r)
		if tongfa.ErrorCode(err) == tongfa.EUnauthorized {
			toLogin(w, r)
			return
		}
		v := &view{}
		if err == nil {
			v.User, v.Can = p.User, rightsOf(p.User)
			if sess, e := s.Sessions.Get(r.Context(), p.Session); e == nil {
				v.CSRF = sess.CSRF
			}
			if !holdsAny(p.User, need) {
				err = &tongfa.Error{Code: tongfa.EForbidden, Message: "您没有访问此页面的权限"}
			}
		}
		if err == nil {
			r = r.WithContext(context.WithValue(r.Context(), keyPrincipal, p))
			err = h(w, r, v)
		}
		if err != nil {
			s.consoleError(w, r, v, err)
		}
	})
}

// toLogin sends a visitor without a session to the login page, and back
// here afterwards. An htmx poll (deliveries, dashboard) must not swap the
// login page into a fragment, so it is told to navigate instead.
func toLogin(w http.ResponseWriter, r *http.Request) {
	next := "/login"
	if r.Method == http.MethodGet {
		next += "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", next)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// render executes a page into a buffer first, so a template error becomes
// an error page rather than half a page.
func (s *Server) render(w http.ResponseWriter, status int, page, tmpl string, v *view) error {
	return s.renderData(w, status, page, tmpl, v)
}

// renderData executes a template (a page's layout or a fragment) over data.
func (s *Server) renderData(w http.ResponseWriter, status int, page, tmpl string, data any) error {
	var buf bytes.Buffer
	if err := console.Templates()[page].ExecuteTemplate(&buf, tmpl, data); err != nil {
		return &tongfa.Error{Code: tongfa.EInternal, Message: "页面渲染失败", Err: err}
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", consoleCSP)
	w.WriteHeader(status)
	w.Write(buf.Bytes()) //nolint:errcheck // the client went away
	return nil
}

type errorView struct{ Code, Message string }

func (s *Server) consoleError(w http.ResponseWriter, r *http.Request, v *view, err error) {
	code := tongfa.ErrorCode(err)
	status := HTTPStatus(code)
	if status >= 500 {
		s.Logger.ErrorContext(r.Context(), "console page failed", slog.String("request_id", requestID(r.Context())),
			slog.String("path", r.URL.Path), slog.Any("error", err))
	}
	v.Title, v.Data = "出错了", errorView{Code: code, Message: tongfa.ErrorMessage(err)}
	if e := s.render(w, status, "error", "layout", v); e != nil {
		http.Error(w, "页面渲染失败（错误代码：internal）", http.StatusInternalServerError)
	}
}

// safeNext keeps a post-login redirect on this site: a path, never a
// scheme or host, and nothing a browser would strip or turn into one
// (backslashes, tabs, newlines).
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\t\r\n") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}

// loginFromHere refuses cross-site form posts to /login (login CSRF: a
// forged login would put the victim in the attacker's session). Browsers
// send Origin on every POST; clients that send none are not browsers.
func loginFromHere(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

// readable is the set of units p may read, for store filters.
func readable(p *access.Principal) []int64 { return p.Tree.Readable(p.User) }

// noDirs serves files only: a directory is not found, so /static/ lists
// nothing.
type noDirs struct{ fs.FS }

func (n noDirs) Open(name string) (fs.File, error) {
	f, err := n.FS.Open(name)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err != nil || st.IsDir() {
		f.Close()
		return nil, fs.ErrNotExist
	}
	return f, nil
}
