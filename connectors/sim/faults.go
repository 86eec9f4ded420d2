package sim

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault is what can go wrong on one platform or endpoint. Rates are
// probabilities per request; they add up (error, then rate limit, then
// lost response).
type Fault struct {
	// ErrorRate: answer a server error and apply nothing.
	ErrorRate float64 `json:"error_rate,omitempty"`
	// ErrorCode is the error answered: the platform's code (WeChat errcode,
	// Weibo or Douyin error_code) or, from 500 to 599, a bare HTTP status
	// from a gateway. 0: the platform's usual system error (WeChat: errcode
	// -1 or a bare 502, drawn; Weibo: 10001; Douyin: 2100004; app and
	// website: 503).
	ErrorCode int `json:"error_code,omitempty"`
	// RateLimitRate: answer the platform's rate-limit error.
	RateLimitRate float64 `json:"rate_limit_rate,omitempty"`
	// RateLimitCode is the code answered: WeChat 45009, 45011 (default) or
	// 53501; Weibo 10022, 10023 (default) or 10024; Douyin 2190001
	// (default) or 2118110; app and website 429.
	RateLimitCode int `json:"rate_limit_code,omitempty"`
	// RetryAfterS, when set, adds a Retry-After header to rate-limit
	// answers (the app and website always send one, default 2).
	RetryAfterS int `json:"retry_after_s,omitempty"`
	// LostRate: apply the request, then lose the answer as LostMode says.
	LostRate float64 `json:"lost_rate,omitempty"`
	// LostMode is how an answer is lost: "reset" (default: the connection
	// is closed), "timeout" (no answer until the client gives up), "502"
	// (a gateway error), or "mix" (any of the three).
	LostMode string `json:"lost_mode,omitempty"`
	// LatencyMS delays every answer.
	LatencyMS int `json:"latency_ms,omitempty"`
	// Down fails every request with a server error.
	Down bool `json:"down,omitempty"`
}

// PlatformFaults are one platform's faults, optionally per endpoint: the
// path after the platform prefix, e.g. "cgi-bin/freepublish/submit";
// an endpoint entry replaces the platform's Fault for requests whose path
// ends with it.
type PlatformFaults struct {
	Fault
	// ExpireTokens invalidates every access token issued so far, once, when
	// the faults are set. WeChat answers TokenErrorCode (default 40001)
	// until a new token is fetched; Weibo answers 21327 and Douyin 2190008
	// until refreshed.
	ExpireTokens   bool `json:"expire_tokens,omitempty"`
	TokenErrorCode int  `json:"token_error_code,omitempty"`
	// RejectDuplicates (Weibo): answer 20019 for a repeated text, as the
	// real platform does. Off by default so that duplicates are counted.
	RejectDuplicates bool `json:"reject_duplicates,omitempty"`
	// PublishStatus (WeChat): the final freepublish/get status of articles
	// submitted from now on: 0 success (default), 2 original-check fail,
	// 3 normal fail, 4 platform audit fail, 6 banned after publishing.
	PublishStatus int              `json:"publish_status,omitempty"`
	Endpoints     map[string]Fault `json:"endpoints,omitempty"`
}

// Faults are the settings of POST /_sim/faults.
type Faults struct {
	WeChat  PlatformFaults `json:"wechat"`
	Weibo   PlatformFaults `json:"weibo"`
	App     PlatformFaults `json:"app"`
	Website PlatformFaults `json:"website"`
	Douyin  PlatformFaults `json:"douyin"`
}

func (f *Faults) platform(name string) *PlatformFaults {
	switch name {
	case "wechat":
		return &f.WeChat
	case "weibo":
		return &f.Weibo
	case "app":
		return &f.App
	case "douyin":
		return &f.Douyin
	}
	return &f.Website
}

// SetFaults replaces the fault settings; token expiry takes effect now.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.WeChat.ExpireTokens {
		s.wechat.expireAll(orInt(f.WeChat.TokenErrorCode, 40001))
		f.WeChat.ExpireTokens = false
	}
	if f.Weibo.ExpireTokens {
		s.weibo.expired = s.now()
		f.Weibo.ExpireTokens = false
	}
	if f.Douyin.ExpireTokens {
		s.douyin.expired = s.now()
		f.Douyin.ExpireTokens = false
	}
	s.faults = f
}

// GetFaults returns the current settings.
func (s *Server) GetFaults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}

func (s *Server) handleGetFaults(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 200, s.GetFaults())
}

func (s *Server) handleSetFaults(w http.ResponseWriter, r *http.Request) {
	var f Faults
	if err := json.NewDecoder(r.Body).Decode(&f); err != nil {
		writeJSON(w, 400, map[string]string{"error": err.Error()})
		return
	}
	s.SetFaults(f)
	writeJSON(w, 200, s.GetFaults())
}

func (s *Server) handleClearFaults(w http.ResponseWriter, r *http.Request) {
	s.SetFaults(Faults{})
	w.WriteHeader(http.StatusNoContent)
}

// outcome is what the fault settings decide for one request.
type outcome int

const (
	proceed outcome = iota
	fail            // answer with a server error
	limit           // answer with the platform's rate-limit code
	lose            // do the work, then lose the answer
)

// dialect is how a platform words the answers to injected faults.
type dialect struct {
	name  string
	fail  func(w http.ResponseWriter, r *http.Request, code int)
	limit func(w http.ResponseWriter, r *http.Request, code int)
}

// answer is what applying a request produced.
type answer struct {
	status int
	body   any
}

// serve runs one API request through the fault settings: it may be
// delayed, refused with a server error or a rate limit, or applied and then
// have its answer lost. apply runs holding s.mu.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, d dialect, endpoint string, apply func() answer) {
	s.mu.Lock()
	s.calls[d.name+" "+endpoint]++
	out, f, code := s.decide(d.name, endpoint)
	s.mu.Unlock()
	sleep(r, time.Duration(f.LatencyMS)*time.Millisecond)
	switch out {
	case fail:
		if code >= 500 && code < 600 {
			http.Error(w, http.StatusText(code), code)
			return
		}
		d.fail(w, r, code)
		return
	case limit:
		if f.RetryAfterS > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfterS))
		}
		d.limit(w, r, f.RateLimitCode)
		return
	}
	s.mu.Lock()
	a := apply()
	s.mu.Unlock()
	if out == lose {
		s.loseAnswer(w, r, f.LostMode)
		return
	}
	writeJSON(w, a.status, a.body)
}

// decide rolls the dice for a request (holding s.mu). code is the error
// code to answer when the outcome is fail.
func (s *Server) decide(platform, endpoint string) (outcome, Fault, int) {
	pf := s.faults.platform(platform)
	f := pf.Fault
	for ep, ef := range pf.Endpoints {
		if strings.HasSuffix(endpoint, ep) {
			f = ef
		}
	}
	code := f.ErrorCode
	if code == 0 && platform == "wechat" {
		code = []int{-1, 502}[s.rng.IntN(2)]
	}
	switch r := s.rng.Float64(); {
	case f.Down, r < f.ErrorRate:
		return fail, f, code
	case r < f.ErrorRate+f.RateLimitRate:
		return limit, f, code
	case r < f.ErrorRate+f.RateLimitRate+f.LostRate:
		return lose, f, code
	}
	return proceed, f, code
}

// loseAnswer withholds the answer of a request that was applied: the
// client cannot know it took effect.
func (s *Server) loseAnswer(w http.ResponseWriter, r *http.Request, mode string) {
	if mode == "mix" {
		s.mu.Lock()
		mode = []string{"reset", "timeout", "502"}[s.rng.IntN(3)]
		s.mu.Unlock()
	}
	switch mode {
	case "timeout":
		sleep(r, time.Minute) // until the client gives up
		dropConnection(w)
	case "502":
		http.Error(w, "502 Bad Gateway", http.StatusBadGateway)
	default:
		dropConnection(w)
	}
}

// dropConnection closes the client's connection without an answer.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// orInt returns v, or def when v is zero.
func orInt(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}
