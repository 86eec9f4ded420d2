package sim

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// weiboState keeps statuses per user. The simulator has no user registry:
// any token stands for a user derived from it, so accounts need no setup.
type weiboState struct {
	statuses []*wbStatus
	issued   map[string]time.Time // tokens this simulator issued by refresh
	expired  time.Time            // tokens not issued after this are expired (zero: none)
	mine     []wbReply            // comments the accounts wrote: their answers
}

// wbReply is an account's answer to a comment.
type wbReply struct {
	uid int64
	c   *Inbound // the answer, as a comment
	to  *Inbound // the comment answered
}

type wbStatus struct {
	id      int64
	uid     int64
	text    string // as posted; answers show links shortened
	created time.Time
	deleted bool
	post    *Post
	picture []byte // the pic of statuses/share, if any
}

// WeiboPictures returns how many statuses were posted with a picture.
func (s *Server) WeiboPictures() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, st := range s.weibo.statuses {
		if st.picture != nil {
			n++
		}
	}
	return n
}

func newWeiboState() *weiboState { return &weiboState{issued: map[string]time.Time{}} }

// uidOf derives a stable user id from a token's owner part (the text
// before the first "." of refreshed tokens, the whole token otherwise).
func uidOf(token string) int64 {
	owner, _, _ := strings.Cut(token, ".")
	sum := sha256.Sum256([]byte(owner))
	return 1_000_000_000 + int64(binary.BigEndian.Uint32(sum[:4]))
}

// wbErr is Weibo's error answer.
func wbErr(r *http.Request, status, code int, msg string) answer {
	return answer{status, map[string]any{"error": msg, "error_code": code, "request": strings.TrimPrefix(r.URL.Path, "/weibo")}}
}

func writeAnswer(w http.ResponseWriter, a answer) { writeJSON(w, a.status, a.body) }

var weiboDialect = dialect{
	name: "weibo",
	fail: func(w http.ResponseWriter, r *http.Request, code int) {
		code = orInt(code, 10001)
		writeAnswer(w, wbErr(r, map[bool]int{true: 500, false: 400}[code < 20000], code, "system error"))
	},
	limit: func(w http.ResponseWriter, r *http.Request, code int) {
		code = orInt(code, 10023)
		msg := map[int]string{10022: "IP requests out of rate limit!", 10024: "User requests for (statuses/share) out of rate limit!"}[code]
		writeAnswer(w, wbErr(r, 403, code, orStr(msg, "User requests out of rate limit!")))
	},
}

// handleWeibo serves https://api.weibo.com under /weibo, and the statuses'
// pages under /weibo/status/.
func (s *Server) handleWeibo(w http.ResponseWriter, r *http.Request) {
	endpoint := strings.TrimPrefix(r.URL.Path, "/weibo/")
	if strings.HasPrefix(endpoint, "status/") {
		s.weiboPage(w, strings.TrimPrefix(endpoint, "status/"))
		return
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		r.ParseMultipartForm(10 << 20) //nolint:errcheck // a bad form is a missing parameter
	}
	r.ParseForm() //nolint:errcheck
	s.serve(w, r, weiboDialect, endpoint, func() answer { return s.weiboCall(r, endpoint) })
}

func (s *Server) tokenOK(tok string) bool {
	if at, ok := s.weibo.issued[tok]; ok {
		return at.After(s.weibo.expired)
	}
	return s.weibo.expired.IsZero()
}

func (s *Server) weiboCall(r *http.Request, endpoint string) answer {
	if endpoint == "oauth2/access_token" {
		return s.wbRefresh(r)
	}
	tok := r.Form.Get("access_token")
	switch {
	case tok == "":
		return wbErr(r, 403, 21301, "auth faild!")
	case !s.tokenOK(tok):
		return wbErr(r, 400, 21327, "expired_token")
	}
	uid := uidOf(tok)
	switch endpoint {
	case "2/statuses/share.json":
		return s.wbShare(r, uid)
	case "2/statuses/destroy.json":
		return s.wbDestroy(r, uid)
	case "2/statuses/user_timeline.json":
		return s.wbTimeline(r, uid)
	case "2/comments/to_me.json":
		return s.wbCommentsToMe(r, uid)
	case "2/comments/reply.json":
		return s.wbCommentReply(r, uid)
	case "2/comments/by_me.json":
		return s.wbCommentsByMe(r, uid)
	case "oauth2/get_token_info":
		return answer{200, map[string]any{"uid": uid, "appkey": "sim", "scope": "", "create_at": s.now().Add(-time.Hour).Unix(),
			"expire_in": 30 * 24 * 3600}}
	}
	if h, ok := weiboStats[endpoint]; ok {
		return h(s, r, uid)
	}
	return wbErr(r, 404, 10014, "request api not found")
}

// wbRefresh trades a refresh token for a new access token owned by the
// same user.
func (s *Server) wbRefresh(r *http.Request) answer {
	rt := r.Form.Get("refresh_token")
	if r.Form.Get("grant_type") != "refresh_token" || rt == "" {
		return wbErr(r, 400, 21323, "invalid_request")
	}
	owner := strings.TrimPrefix(rt, "refresh-")
	tok := fmt.Sprintf("%s.%d", owner, s.nextID())
	s.weibo.issued[tok] = s.now().Add(time.Nanosecond)
	return answer{200, map[string]any{"access_token": tok, "expires_in": 30 * 24 * 3600,
		"uid": strconv.FormatInt(uidOf(tok), 10), "refresh_token": rt}}
}

var linkRe = regexp.MustCompile(`https?://[^\s，。）)]+`)

// wbShare checks a status the way statuses/share does: at most 140
// characters, and a link under the app's safe domain.
func (s *Server) wbShare(r *http.Request, uid int64) answer {
	text := r.Form.Get("status")
	switch {
	case text == "":
		return wbErr(r, 400, 10016, "miss required parameter (status), see doc for more info")
	case weiboLength(text) > 140:
		return wbErr(r, 400, 20012, "Text too long, please input text less than 140 characters!")
	case !linkRe.MatchString(text):
		return wbErr(r, 400, 10017, "parameter (status)'s value invalid, expect (a link under the safe domain), see doc for more info")
	case !s.safeLinks(r, text):
		return wbErr(r, 400, 20021, "Content is illegal!")
	case s.faults.Weibo.RejectDuplicates && s.wbRepeated(uid, text):
		return wbErr(r, 400, 20019, "Repeated weibo text!")
	}
	id := s.nextID() * 1000
	st := &wbStatus{id: id, uid: uid, text: text, created: s.now()}
	st.picture = formPicture(r)
	st.post = s.record(&Post{Platform: "weibo", Account: strconv.FormatInt(uid, 10), ID: strconv.FormatInt(id, 10), Text: text,
		Title: headline(text), URL: fmt.Sprintf("%s/weibo/status/%d", base(r), id), content: text})
	s.weibo.statuses = append(s.weibo.statuses, st)
	return answer{200, wbJSON(st)}
}

// formPicture reads statuses/share's multipart pic, if any.
func formPicture(r *http.Request) []byte {
	if r.MultipartForm == nil || len(r.MultipartForm.File["pic"]) != 1 {
		return nil
	}
	f, err := r.MultipartForm.File["pic"][0].Open()
	if err != nil {
		return nil
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	return b
}

func (s *Server) wbRepeated(uid int64, text string) bool {
	for _, st := range s.weibo.statuses {
		if st.uid == uid && st.text == text && !st.deleted {
			return true
		}
	}
	return false
}

// safeLinks reports whether every link is under a safe domain.
func (s *Server) safeLinks(r *http.Request, text string) bool {
	self, _, _ := strings.Cut(r.Host, ":")
	for _, l := range linkRe.FindAllString(text, -1) {
		u, err := url.Parse(l)
		if err != nil || !underAny(u.Hostname(), append([]string{self}, s.opts.SafeDomains...)) {
			return false
		}
	}
	return true
}

func underAny(host string, domains []string) bool {
	for _, d := range domains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// weiboLength counts as Weibo does for a 140-character status: two ASCII
// characters make one, any other character is one, and a link counts as
// its t.cn short form, 10 characters.
func weiboLength(text string) int {
	half := 0
	text = linkRe.ReplaceAllStringFunc(text, func(string) string { half += 20; return "" })
	for _, r := range text {
		half += map[bool]int{true: 1, false: 2}[r < 0x80]
	}
	return (half + 1) / 2
}

// headline is the 【…】 title a status starts with.
func headline(s string) string {
	if i := strings.Index(s, "】"); strings.HasPrefix(s, "【") && i > 0 {
		return s[len("【"):i]
	}
	return s
}

// shortened is a text as Weibo shows it: links replaced by t.cn ones.
func shortened(text string) string {
	return linkRe.ReplaceAllStringFunc(text, func(l string) string {
		sum := sha256.Sum256([]byte(l))
		return "http://t.cn/A6" + hex.EncodeToString(sum[:3])
	})
}

func wbJSON(st *wbStatus) map[string]any {
	return map[string]any{"id": st.id, "idstr": strconv.FormatInt(st.id, 10), "mid": strconv.FormatInt(st.id, 10),
		"text": shortened(st.text), "created_at": st.created.Format(time.RubyDate), "user": map[string]any{"id": st.uid}}
}

func (s *Server) wbDestroy(r *http.Request, uid int64) answer {
	id, _ := strconv.ParseInt(r.Form.Get("id"), 10, 64)
	for _, st := range s.weibo.statuses {
		if st.id == id && st.uid == uid && !st.deleted {
			st.deleted, st.post.Deleted = true, true
			return answer{200, wbJSON(st)}
		}
	}
	return wbErr(r, 400, 20101, "Target weibo does not exist!")
}

// wbTimeline lists the user's statuses newest first: count (≤ 100) per
// page, page from 1, only those newer than since_id.
func (s *Server) wbTimeline(r *http.Request, uid int64) answer {
	count, _ := strconv.Atoi(r.Form.Get("count"))
	count = min(max(count, 1), 100)
	page, _ := strconv.Atoi(r.Form.Get("page"))
	since, _ := strconv.ParseInt(r.Form.Get("since_id"), 10, 64)
	skip := (max(page, 1) - 1) * count
	out, total := []map[string]any{}, 0
	for i := len(s.weibo.statuses) - 1; i >= 0; i-- {
		if st := s.weibo.statuses[i]; st.uid == uid && !st.deleted && st.id > since {
			if total++; total > skip && len(out) < count {
				out = append(out, wbJSON(st))
			}
		}
	}
	return answer{200, map[string]any{"statuses": out, "total_number": total}}
}

// weiboPage is a status as readers see it.
func (s *Server) weiboPage(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.weibo.statuses {
		if strconv.FormatInt(st.id, 10) == id && !st.deleted {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprintln(w, shortened(st.text))
			return
		}
	}
	http.Error(w, "该微博不存在", http.StatusNotFound)
}
