// Package all builds the connector of any platform: what the delivery
// worker calls to get a Publisher for an account.
package all

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/app"
	"github.com/tongfa/tongfa/connectors/douyin"
	"github.com/tongfa/tongfa/connectors/media"
	"github.com/tongfa/tongfa/connectors/website"
	"github.com/tongfa/tongfa/connectors/wechat"
	"github.com/tongfa/tongfa/connectors/weibo"
)

// Registry holds one connector per platform.
type Registry struct {
	WeChat  *wechat.Client
	Weibo   *weibo.Client
	App     *app.Client
	Website *website.Client
	Douyin  *douyin.Client
}

// New builds every connector; platform calls time out after timeout, and
// so does reading one image an article refers to. mediaHosts are the hosts
// (or host:port) whose images may be read although they resolve to
// internal addresses (TONGFA_MEDIA_HOSTS); no others are. Douyin reads
// its images the same way; it has no video source (see NewWithLibrary).
func New(rdb redis.UniversalClient, timeout time.Duration, mediaHosts ...string) *Registry {
	return NewWithLibrary(rdb, timeout, nil, mediaHosts...)
}

// NewWithLibrary is New whose connectors read media library references
// (tongfa.MediaRef: covers, body images, Douyin videos) from blobs by
// hash instead of fetching them.
func NewWithLibrary(rdb redis.UniversalClient, timeout time.Duration, blobs Blobs, mediaHosts ...string) *Registry {
	hc := connectors.NewHTTPClient(timeout)
	images := Library{Blobs: blobs, Web: media.New(media.Options{Allow: mediaHosts, Timeout: timeout})}
	var videos douyin.MediaSource
	if blobs != nil {
		videos = Library{Blobs: blobs}
	}
	return &Registry{WeChat: wechat.New(rdb, hc, images), Weibo: weibo.New(hc, rdb), App: app.New(hc), Website: website.New(hc),
		Douyin: douyin.New(hc, rdb, videos, images, douyin.Options{})}
}

// UseLibrary makes every connector read the media library's files
// (/media/<hash> in content) from lib instead of fetching anything.
func (r *Registry) UseLibrary(lib connectors.MediaSource) {
	r.WeChat.Library = lib
	r.Weibo.Library = lib
	r.App.Library, r.App.Picture = lib, "app"
	r.Website.Library, r.Website.Picture = lib, "website"
	r.Douyin.Library = lib
}

// connector is what every platform's connector does.
type connector interface {
	connectors.Publisher
	connectors.Replier
}

func (r *Registry) connector(acc connectors.Account, what string) (connector, error) {
	switch acc.Platform {
	case tongfa.PlatformWeChat:
		return r.WeChat, nil
	case tongfa.PlatformWeibo:
		return r.Weibo, nil
	case tongfa.PlatformApp:
		return r.App, nil
	case tongfa.PlatformWebsite:
		return r.Website, nil
	case tongfa.PlatformDouyin:
		return r.Douyin, nil
	}
	return nil, &connectors.Error{Class: connectors.Permanent, Platform: string(acc.Platform),
		Message: fmt.Sprintf("平台「%s」没有%s接口，请人工处理", acc.Platform.Label(), what)}
}

// Publisher returns the connector for acc's platform.
func (r *Registry) Publisher(acc connectors.Account) (connectors.Publisher, error) {
	return r.connector(acc, "发布")
}

// Replier returns the connector that answers the public on acc's platform.
func (r *Registry) Replier(acc connectors.Account) (connectors.Replier, error) {
	return r.connector(acc, "答复")
}

// TokenExpiry says when acc's authorisation lapses, on the platforms where
// it does (Weibo, Douyin): the registry's daily sweep announces it.
func (r *Registry) TokenExpiry(ctx context.Context, acc connectors.Account) (time.Time, error) {
	switch acc.Platform {
	case tongfa.PlatformWeibo:
		return r.Weibo.TokenExpiry(ctx, acc)
	case tongfa.PlatformDouyin:
		return r.Douyin.TokenExpiry(ctx, acc)
	}
	return time.Time{}, fmt.Errorf("all: %s authorisations do not expire", acc.Platform)
}

// HTTPClient is the client every connector here uses.
func HTTPClient(timeout time.Duration) *http.Client { return connectors.NewHTTPClient(timeout) }
