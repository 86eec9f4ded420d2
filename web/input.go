package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"unicode/utf8"

	"github.com/tongfa/tongfa"
)

var (
	errBadQueryText = &tongfa.Error{Code: tongfa.EBadQuery, Message: "请求地址或参数中含有无效字符（空字符或非 UTF-8 编码），请检查后重试"}
	errBadBodyText  = &tongfa.Error{Code: tongfa.EBadJSON, Message: "请求内容中含有无效字符（空字符或非 UTF-8 编码），请检查后重试"}
)

// validInput refuses, before any handler sees them, a path, query or form
// field that is not valid text: NUL or bytes that are not UTF-8 would
// reach PostgreSQL, which refuses them (a 500), or be stored half.
// JSON bodies are checked where they are decoded (decode).
func (s *Server) validInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !tongfa.ValidText(r.URL.Path) || !validValues(r.URL.Query()) || !s.validForm(w, r) {
			s.writeError(w, r, errBadQueryText)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func validValues(vs map[string][]string) bool {
	for k, list := range vs {
		if !tongfa.ValidText(k) {
			return false
		}
		for _, v := range list {
			if !tongfa.ValidText(v) {
				return false
			}
		}
	}
	return true
}

// validForm checks a console form post (the body is parsed here, once,
// within the size limit; handlers read r.PostForm).
func (s *Server) validForm(w http.ResponseWriter, r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/x-www-form-urlencoded" || !unsafeMethod(r.Method) {
		return true
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.Config.MaxBody)
	if err := r.ParseForm(); err != nil {
		return false
	}
	return validValues(r.PostForm)
}

// readJSON reads a JSON body within limit and checks that it is text: valid
// UTF-8, and no NUL either raw or escaped (\u0000) in any key or string.
func readJSON(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		return nil, decodeError(err, limit)
	}
	if !utf8.Valid(raw) || bytes.IndexByte(raw, 0) >= 0 {
		return nil, errBadBodyText
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) || err != nil {
			return raw, nil // syntax errors are the decoder's to report
		}
		if s, ok := tok.(string); ok && !tongfa.ValidText(s) {
			return nil, errBadBodyText
		}
	}
}
