package wechat

import (
	"net/url"
	"strings"
	"sync"

	"github.com/silenceper/wechat/v2/util"
)

// routes sends each library request to its account's API base.
//
// silenceper's URI modifier is one function for the whole process, and it
// sees only the URI. Every URI it builds carries either the access token or
// (cgi-bin/token) the app id, so the connector remembers which base each
// belongs to. Limitations: two accounts with the same app id share one
// base; stable_token (app id in the body) cannot be routed, which is why
// tokens come from cgi-bin/token; accounts without an api_base use the real
// API.
type routes struct {
	mu     sync.RWMutex
	tokens map[string]string   // access token → API base
	recent map[string][]string // app id → its newest tokens, oldest first
	apps   map[string]string   // app id → API base
}

// keepTokens bounds the tokens remembered per app id: older ones are past
// WeChat's 5-minute grace long before four refreshes happen.
const keepTokens = 4

var (
	globalRoutes = &routes{tokens: map[string]string{}, recent: map[string][]string{}, apps: map[string]string{}}
	installOnce  sync.Once
)

func (r *routes) token(appID, tok, base string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	// The newest registration wins: a token string seen before (a second
	// simulator in one process issues the same ones) must not keep
	// pointing at the base that issued it first.
	_, known := r.tokens[tok]
	r.tokens[tok] = base
	if known {
		return
	}
	list := append(r.recent[appID], tok)
	for len(list) > keepTokens {
		delete(r.tokens, list[0])
		list = list[1:]
	}
	r.recent[appID] = list
}

func (r *routes) app(id, base string) {
	r.mu.Lock()
	r.apps[id] = base
	r.mu.Unlock()
}

// rewrite is the URI modifier.
func (r *routes) rewrite(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Host != "api.weixin.qq.com" {
		return uri
	}
	q := u.Query()
	r.mu.RLock()
	base, ok := r.tokens[q.Get("access_token")]
	if !ok {
		base = r.apps[q.Get("appid")]
	}
	r.mu.RUnlock()
	if base == "" {
		return uri
	}
	return strings.TrimRight(base, "/") + u.Path + "?" + u.RawQuery
}

func install() {
	installOnce.Do(func() { util.SetURIModifier(globalRoutes.rewrite) })
}
