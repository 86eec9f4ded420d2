package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// wechatState mirrors what the Official Account platform keeps.
type wechatState struct {
	tokens   map[string]*wxToken
	latest   map[string]string // app id → newest token
	media    map[string]string // media id → app id
	drafts   map[string]*wxDraft
	jobs     map[int64]*wxJob
	articles []*wxArticle
	mass     []*wxMassJob             // mass sends, oldest first
	accounts map[string]WechatAccount // app id → type, followers, protection
}

type wxToken struct {
	appID      string
	issued     time.Time
	superseded time.Time // zero while it is the newest
	deadCode   int       // set by the token-expiry fault
}

func newWechatState() *wechatState {
	return &wechatState{tokens: map[string]*wxToken{}, latest: map[string]string{}, media: map[string]string{},
		drafts: map[string]*wxDraft{}, jobs: map[int64]*wxJob{},
		accounts: map[string]WechatAccount{}}
}

func (st *wechatState) expireAll(code int) {
	for _, t := range st.tokens {
		t.deadCode = code
	}
}

func wxErr(code int, msg string) answer {
	return answer{200, map[string]any{"errcode": code, "errmsg": msg}}
}

var wechatDialect = dialect{
	name: "wechat",
	fail: func(w http.ResponseWriter, r *http.Request, code int) {
		writeJSON(w, 200, map[string]any{"errcode": code, "errmsg": "system error"})
	},
	limit: func(w http.ResponseWriter, r *http.Request, code int) {
		code = orInt(code, 45011)
		msg := map[int]string{45009: "reach max api daily quota limit", 53501: "publish limit exceeded, try again later"}[code]
		writeJSON(w, 200, map[string]any{"errcode": code, "errmsg": orStr(msg, "api minute-quota reach limit  mustslower  retry next minute")})
	},
}

// handleWechat serves https://api.weixin.qq.com under /wechat, and the
// uploaded images (what mmbiz.qpic.cn serves) under /wechat/mmbiz/.
func (s *Server) handleWechat(w http.ResponseWriter, r *http.Request) {
	endpoint := strings.TrimPrefix(r.URL.Path, "/wechat/")
	switch {
	case strings.HasPrefix(endpoint, "mmbiz/"):
		w.Header().Set("Content-Type", "image/png")
		w.Write(placeholderPNG) //nolint:errcheck
		return
	case strings.HasPrefix(endpoint, "s/"):
		s.wechatPage(w, strings.TrimPrefix(endpoint, "s/"))
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	s.serve(w, r, wechatDialect, endpoint, func() answer { return s.wechatCall(r, endpoint, body) })
}

// wechatCall applies one API call (holding s.mu).
func (s *Server) wechatCall(r *http.Request, endpoint string, body []byte) answer {
	q := r.URL.Query()
	switch endpoint {
	case "cgi-bin/token":
		if q.Get("grant_type") != "client_credential" {
			return wxErr(40002, "invalid grant_type")
		}
		return s.wxToken(q.Get("appid"), q.Get("secret"), false)
	case "cgi-bin/stable_token":
		var req struct {
			AppID        string `json:"appid"`
			Secret       string `json:"secret"`
			ForceRefresh bool   `json:"force_refresh"`
		}
		json.Unmarshal(body, &req) //nolint:errcheck
		return s.wxToken(req.AppID, req.Secret, !req.ForceRefresh)
	}
	appID, fail := s.wxAuth(q.Get("access_token"))
	if fail != nil {
		return *fail
	}
	if h, ok := wechatAPI[endpoint]; ok {
		return h(s, r, appID, body)
	}
	return answer{404, map[string]any{"errcode": 40066, "errmsg": "invalid url"}}
}

// wechatAPI are the endpoints that need an access token.
var wechatAPI = map[string]func(s *Server, r *http.Request, appID string, body []byte) answer{
	"cgi-bin/media/uploadimg":        (*Server).wxUploadImg,
	"cgi-bin/material/add_material":  (*Server).wxAddMaterial,
	"cgi-bin/draft/add":              (*Server).wxDraftAdd,
	"cgi-bin/draft/get":              (*Server).wxDraftGet,
	"cgi-bin/freepublish/submit":     (*Server).wxSubmit,
	"cgi-bin/freepublish/get":        (*Server).wxGet,
	"cgi-bin/freepublish/delete":     (*Server).wxDelete,
	"cgi-bin/freepublish/batchget":   (*Server).wxBatchGet,
	"cgi-bin/freepublish/getarticle": (*Server).wxGetArticle,
	"cgi-bin/comment/list":           (*Server).wxCommentList,
	"cgi-bin/comment/reply/add":      (*Server).wxCommentReply,
	"cgi-bin/message/custom/send":    (*Server).wxCustomSend,
	"cgi-bin/message/mass/sendall":   (*Server).wxSendAll,
	"cgi-bin/message/mass/get":       (*Server).wxMassGet,
	"cgi-bin/message/mass/preview":   (*Server).wxPreview,
	"cgi-bin/message/mass/delete":    (*Server).wxMassDelete,
}

// wxToken issues an access token valid for 7200 s. A newer token
// supersedes the older ones after the grace period, as on WeChat; the
// stable_token endpoint returns the current token unless forced.
func (s *Server) wxToken(appID, secret string, stable bool) answer {
	if appID == "" || secret == "" || secret == "wrong" {
		return wxErr(40125, "invalid appsecret")
	}
	st := s.wechat
	if cur, ok := st.tokens[st.latest[appID]]; ok && stable && cur.deadCode == 0 && s.now().Sub(cur.issued) < 7000*time.Second {
		left := 7200 - int(s.now().Sub(cur.issued).Seconds())
		return answer{200, map[string]any{"access_token": st.latest[appID], "expires_in": left}}
	}
	if cur, ok := st.tokens[st.latest[appID]]; ok {
		cur.superseded = s.now()
	}
	tok := fmt.Sprintf("wxtok-%s-%d", appID, s.nextID())
	st.tokens[tok] = &wxToken{appID: appID, issued: s.now()}
	st.latest[appID] = tok
	return answer{200, map[string]any{"access_token": tok, "expires_in": 7200}}
}

// wxAuth checks an access token the way WeChat words its refusals.
func (s *Server) wxAuth(tok string) (string, *answer) {
	t, ok := s.wechat.tokens[tok]
	var a answer
	switch {
	case tok == "":
		a = wxErr(41001, "access_token missing")
	case !ok:
		a = wxErr(40014, "invalid access_token")
	case t.deadCode != 0:
		a = wxErr(t.deadCode, "invalid credential, access_token is invalid or not latest")
	case !t.superseded.IsZero() && s.now().Sub(t.superseded) > s.opts.TokenGrace:
		a = wxErr(40001, "invalid credential, access_token is invalid or not latest")
	case s.now().Sub(t.issued) > 7200*time.Second:
		a = wxErr(42001, "access_token expired")
	default:
		return t.appID, nil
	}
	return "", &a
}

// upload reads the multipart file field "media" as WeChat requires.
func upload(r *http.Request) ([]byte, bool) {
	f, _, err := r.FormFile("media")
	if err != nil {
		return nil, false
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	return b, err == nil && len(b) > 0
}

func (s *Server) wxUploadImg(r *http.Request, appID string, _ []byte) answer {
	img, ok := upload(r)
	if !ok {
		return wxErr(41005, "media data missing")
	}
	if len(img) > 1<<20 {
		return wxErr(40009, "invalid image size")
	}
	return answer{200, map[string]any{"url": base(r) + "/wechat/mmbiz/" + s.wxMedia(appID) + ".png"}}
}

func (s *Server) wxAddMaterial(r *http.Request, appID string, _ []byte) answer {
	if t := r.URL.Query().Get("type"); t != "thumb" && t != "image" {
		return wxErr(40004, "invalid media type")
	}
	if _, ok := upload(r); !ok {
		return wxErr(41005, "media data missing")
	}
	id := s.wxMedia(appID)
	return answer{200, map[string]any{"media_id": id, "url": base(r) + "/wechat/mmbiz/" + id + ".png"}}
}

func (s *Server) wxMedia(appID string) string {
	id := fmt.Sprintf("media-%d", s.nextID())
	s.wechat.media[id] = appID
	return id
}

func orStr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
