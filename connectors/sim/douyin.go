package sim

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// DouyinOptions configure the Douyin simulator; zero values take the
// defaults, which follow the open platform's documented limits.
type DouyinOptions struct {
	// PostLimit is how many posts one account (open_id) may create within
	// PostWindow; beyond it create_video and create_image_text answer
	// 2190001 until the window moves on. Default 30 an hour.
	PostLimit  int
	PostWindow time.Duration
	// PartMin and PartMax bound every part of a chunked upload but the
	// last, which may be smaller. Default 5 MB and 20 MB.
	PartMin, PartMax int64
	// SimpleMax is the largest video upload_video takes; larger ones must
	// be chunked. Default 128 MB.
	SimpleMax int64
	// UploadTTL is how long an upload id can take parts. Default 2 hours.
	UploadTTL time.Duration
}

// Lifetimes of Douyin's user tokens.
const (
	dyAccessLife  = 15 * 24 * time.Hour
	dyRefreshLife = 30 * 24 * time.Hour
)

// douyinState keeps Douyin's items, uploads and tokens. As with Weibo
// there is no user registry: a token names its user (act.<open_id>…).
type douyinState struct {
	opts    DouyinOptions
	items   []*dyItem
	uploads map[string]*dyUpload
	videos  map[string]*dyVideo
	images  map[string]*dyImage
	issued  map[string]time.Time // access tokens: issued by the simulator, or first seen
	renewed map[string]time.Time // refresh tokens: first seen
	expired time.Time            // access tokens issued before this are expired (zero: none)
	posted  map[string][]time.Time
	mine    []*dyReply
	codes   map[string]dyCode // authorisation codes issued and not yet used
}

func newDouyinState(o DouyinOptions) *douyinState {
	o.PostLimit = orInt(o.PostLimit, 30)
	o.PostWindow = orDuration(o.PostWindow, time.Hour)
	o.PartMin = orInt64(o.PartMin, 5<<20)
	o.PartMax = orInt64(o.PartMax, 20<<20)
	o.SimpleMax = orInt64(o.SimpleMax, 128<<20)
	o.UploadTTL = orDuration(o.UploadTTL, 2*time.Hour)
	return &douyinState{opts: o, uploads: map[string]*dyUpload{}, videos: map[string]*dyVideo{}, images: map[string]*dyImage{},
		issued: map[string]time.Time{}, renewed: map[string]time.Time{}, posted: map[string][]time.Time{}, codes: map[string]dyCode{}}
}

// dyAnswer is Douyin's envelope: the result and error_code in data, the
// error repeated in extra with a log id.
func dyAnswer(code int, desc string, data map[string]any) answer {
	if data == nil {
		data = map[string]any{}
	}
	data["error_code"], data["description"] = code, desc
	extra := map[string]any{"error_code": code, "description": desc, "sub_error_code": 0, "sub_description": "",
		"logid": fmt.Sprintf("2026%016X", time.Now().UnixNano()), "now": time.Now().UnixMilli()}
	return answer{http.StatusOK, map[string]any{"data": data, "extra": extra}}
}

func dyOK(data map[string]any) answer { return dyAnswer(0, "", data) }

func dyErr(code int, desc string) answer { return dyAnswer(code, desc, nil) }

var douyinDialect = dialect{
	name: "douyin",
	fail: func(w http.ResponseWriter, r *http.Request, code int) {
		writeAnswer(w, dyErr(orInt(code, 2100004), "系统繁忙，此时请开发者稍候再试"))
	},
	limit: func(w http.ResponseWriter, r *http.Request, code int) {
		code = orInt(code, 2190001)
		writeAnswer(w, dyErr(code, orStr(map[int]string{2118110: "请求过于频繁"}[code], "quota已用完")))
	},
}

// handleDouyin serves https://open.douyin.com under /douyin, and the
// posts' share pages under /douyin/share/video/. Uploads are read and
// digested before the fault pipeline takes the lock.
func (s *Server) handleDouyin(w http.ResponseWriter, r *http.Request) {
	endpoint := strings.TrimPrefix(r.URL.Path, "/douyin/")
	if id, ok := strings.CutPrefix(endpoint, "share/video/"); ok {
		s.douyinPage(w, id)
		return
	}
	if endpoint == "platform/oauth/connect/" {
		s.douyinConnect(w, r)
		return
	}
	in := readDouyinRequest(r)
	s.serve(w, r, douyinDialect, endpoint, func() answer { return s.douyinCall(r, endpoint, in) })
}

// douyinCall applies one request (holding s.mu).
func (s *Server) douyinCall(r *http.Request, endpoint string, in *dyRequest) answer {
	switch endpoint {
	case "oauth/refresh_token/":
		return s.dyRefresh(r)
	case "oauth/access_token/":
		return s.dyExchange(r)
	}
	openID, refused := s.dyAuth(r)
	if refused != nil {
		return *refused
	}
	if in.err != nil {
		return dyErr(2100005, "参数不合法："+in.err.Error())
	}
	if h, ok := douyinRoutes[endpoint]; ok {
		return h(s, r, openID, in)
	}
	return answer{http.StatusNotFound, map[string]any{"data": map[string]any{"error_code": 2100005, "description": "接口不存在"}}}
}

// douyinRoutes are the endpoints that act for an authorised user.
var douyinRoutes = map[string]func(s *Server, r *http.Request, openID string, in *dyRequest) answer{
	"api/douyin/v1/video/upload_video/":               (*Server).dyUploadVideo,
	"api/douyin/v1/video/init_video_part_upload/":     (*Server).dyInitUpload,
	"api/douyin/v1/video/upload_video_part/":          (*Server).dyUploadPart,
	"api/douyin/v1/video/complete_video_part_upload/": (*Server).dyCompleteUpload,
	"api/douyin/v1/video/upload_image/":               (*Server).dyUploadImage,
	"api/douyin/v1/video/create_video/":               (*Server).dyCreateVideo,
	"api/douyin/v1/video/create_image_text/":          (*Server).dyCreateImages,
	"api/douyin/v1/video/video_list/":                 (*Server).dyVideoList,
	"api/douyin/v1/video/video_data/":                 (*Server).dyVideoData,
	"video/delete/":                                   (*Server).dyDelete,
	"item/comment/list/":                              (*Server).dyComments,
	"item/comment/reply/":                             (*Server).dyReplyComment,
	"item/comment/reply/list/":                        (*Server).dyReplies,
}

// dyOwner is the open_id a token stands for: act.<open_id>, or
// act.<open_id>.<n> for tokens the simulator issued.
func dyOwner(token string) (string, bool) {
	rest, ok := strings.CutPrefix(token, "act.")
	owner, _, _ := strings.Cut(rest, ".")
	return owner, ok && owner != ""
}

// dyAuth checks the access-token header and the open_id it must match.
func (s *Server) dyAuth(r *http.Request) (string, *answer) {
	tok := r.Header.Get("access-token")
	owner, ok := dyOwner(tok)
	var refused answer
	switch {
	case !ok:
		refused = dyErr(2190002, "access_token无效")
	case !s.dyTokenOK(tok):
		refused = dyErr(2190008, "access_token过期,请刷新或重新授权")
	case r.URL.Query().Get("open_id") != owner:
		refused = dyErr(2190015, "请求参数access_token openid不匹配")
	default:
		return owner, nil
	}
	return "", &refused
}

// dyTokenOK: a token lives 15 days from when it was issued (or first
// used, for tokens the simulator did not issue), unless expired by fault.
func (s *Server) dyTokenOK(tok string) bool {
	at, ok := s.douyin.issued[tok]
	if !ok {
		at = s.now()
		s.douyin.issued[tok] = at
	}
	if !s.douyin.expired.IsZero() && !at.After(s.douyin.expired) {
		return false
	}
	return s.now().Sub(at) < dyAccessLife
}

// dyIssue makes a new access token for openID.
func (s *Server) dyIssue(openID string) string {
	tok := fmt.Sprintf("act.%s.%d", openID, s.nextID())
	s.douyin.issued[tok] = s.now().Add(time.Nanosecond)
	return tok
}

// dyRefresh answers oauth/refresh_token/: a new access token for the
// refresh token's user; the refresh token keeps its own 30 days.
func (s *Server) dyRefresh(r *http.Request) answer {
	rt := r.PostForm.Get("refresh_token")
	owner, ok := strings.CutPrefix(rt, "rft.")
	first, seen := s.douyin.renewed[rt]
	if !seen {
		first = s.now()
		s.douyin.renewed[rt] = first
	}
	left := first.Add(dyRefreshLife).Sub(s.now())
	switch {
	case r.PostForm.Get("client_key") == "" || r.PostForm.Get("grant_type") != "refresh_token":
		return dyOAuthErr(10005, "缺少参数")
	case !ok || owner == "" || left <= 0:
		return dyOAuthErr(10010, "refresh_token过期")
	}
	return dyOAuth(map[string]any{"access_token": s.dyIssue(owner), "expires_in": int64(dyAccessLife.Seconds()), "open_id": owner,
		"refresh_token": rt, "refresh_expires_in": int64(left.Seconds()), "scope": "video.create.bind,video.data.bind,item.comment"})
}

// dyExchange answers oauth/access_token/: an authorisation code the
// consent page issued becomes its user's tokens, once and within 10
// minutes.
func (s *Server) dyExchange(r *http.Request) answer {
	switch {
	case r.PostForm.Get("client_key") == "" || r.PostForm.Get("grant_type") != "authorization_code":
		return dyOAuthErr(10005, "缺少参数")
	case r.PostForm.Get("client_secret") == "wrong":
		return dyOAuthErr(10013, "client_key 或者 client_secret 报错")
	}
	owner, ok := s.dyRedeem(r.PostForm.Get("code"))
	if !ok {
		return dyOAuthErr(10007, "授权码过期")
	}
	rt := "rft." + owner
	s.douyin.renewed[rt] = s.now()
	return dyOAuth(map[string]any{"access_token": s.dyIssue(owner), "expires_in": int64(dyAccessLife.Seconds()), "open_id": owner,
		"refresh_token": rt, "refresh_expires_in": int64(dyRefreshLife.Seconds()), "scope": "video.create.bind,video.data.bind,item.comment"})
}

// The OAuth endpoints answer {"data":{…},"message":…}.
func dyOAuth(data map[string]any) answer {
	data["error_code"], data["description"] = 0, ""
	return answer{http.StatusOK, map[string]any{"data": data, "message": "success"}}
}

func dyOAuthErr(code int, desc string) answer {
	return answer{http.StatusOK, map[string]any{"data": map[string]any{"error_code": code, "description": desc}, "message": "error"}}
}

func orInt64(v, def int64) int64 {
	if v == 0 {
		return def
	}
	return v
}

func orDuration(v, def time.Duration) time.Duration {
	if v == 0 {
		return def
	}
	return v
}
