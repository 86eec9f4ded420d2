package sim

import (
	"crypto/rand"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// dyCodeLife is how long an authorisation code can be exchanged (once).
const dyCodeLife = 10 * time.Minute

// dyCode is an authorisation code the consent page issued.
type dyCode struct {
	openID string
	at     time.Time
}

// douyinConnect serves platform/oauth/connect/, the page where a Douyin
// user (whose open_id the simulator asks for, standing in for Douyin's
// login) authorises an app. GET shows the request; POST with agree=1
// redirects to redirect_uri with a fresh code (single use, 10 minutes)
// and the state unchanged, and without agree with error=access_denied.
func (s *Server) douyinConnect(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "参数不合法", http.StatusBadRequest)
		return
	}
	q := r.Form
	back, err := url.Parse(q.Get("redirect_uri"))
	switch {
	case q.Get("client_key") == "" || q.Get("response_type") != "code" || q.Get("scope") == "":
		http.Error(w, "参数不合法：缺少 client_key、response_type 或 scope", http.StatusBadRequest)
		return
	case err != nil || (back.Scheme != "http" && back.Scheme != "https") || back.Host == "":
		http.Error(w, "参数不合法：redirect_uri", http.StatusBadRequest)
		return
	}
	if r.Method == http.MethodGet {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		dyConsent.Execute(w, map[string]any{"Form": q, "Scopes": strings.Split(q.Get("scope"), ",")}) //nolint:errcheck
		return
	}
	v := back.Query()
	v.Set("state", q.Get("state"))
	if openID := strings.TrimSpace(q.Get("open_id")); q.Get("agree") == "1" && openID != "" {
		code := "code-" + openID + "." + strings.ToLower(rand.Text()[:12])
		s.mu.Lock()
		s.douyin.codes[code] = dyCode{openID: openID, at: s.now()}
		s.mu.Unlock()
		v.Set("code", code)
	} else {
		v.Set("error", "access_denied")
		v.Set("error_description", "用户拒绝授权")
	}
	back.RawQuery = v.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// dyRedeem takes an issued code once (holding s.mu): the open_id it was
// issued to, or false when unknown, used or older than 10 minutes.
func (s *Server) dyRedeem(code string) (string, bool) {
	c, ok := s.douyin.codes[code]
	delete(s.douyin.codes, code)
	if !ok || s.now().Sub(c.at) > dyCodeLife {
		return "", false
	}
	return c.openID, true
}

var dyConsent = template.Must(template.New("consent").Parse(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>抖音授权（模拟）</title></head><body>
<h1>授权登录</h1><p>应用 {{.Form.Get "client_key"}} 申请以下权限：</p>
<ul>{{range .Scopes}}<li>{{.}}</li>{{end}}</ul>
<form method="post" id="dy-consent">
{{range $k, $v := .Form}}{{if ne $k "open_id"}}<input type="hidden" name="{{$k}}" value="{{index $v 0}}">{{end}}{{end}}
<label for="dy-open-id">抖音用户 open_id</label> <input id="dy-open-id" name="open_id" required>
<button type="submit" name="agree" value="1">同意授权</button> <button type="submit" name="agree" value="0" formnovalidate>拒绝</button>
</form></body></html>`))

// DouyinConsent plays the account's owner on the consent page behind
// authorizeURL (over HTTP): it agrees as openID (or refuses when openID
// is empty) and returns where Douyin sends the browser back to.
func DouyinConsent(hc *http.Client, authorizeURL, openID string) (*url.URL, error) {
	u, err := url.Parse(authorizeURL)
	if err != nil {
		return nil, err
	}
	form := u.Query()
	form.Set("open_id", openID)
	form.Set("agree", map[bool]string{true: "1", false: "0"}[openID != ""])
	u.RawQuery = ""
	c := *hc
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.PostForm(u.String(), form)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		return nil, fmt.Errorf("sim: douyin consent answered %s", resp.Status)
	}
	return url.Parse(resp.Header.Get("Location"))
}
