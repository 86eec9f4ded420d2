package wechat_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/connectortest"
	"github.com/tongfa/tongfa/connectors/media"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/connectors/wechat"
	"github.com/tongfa/tongfa/redisconn/redistest"
)

// redisDB is this package's database (docs/testing.md).
const redisDB = 3

type setup struct {
	*connectortest.Harness
	client *wechat.Client
	appID  string
	images media.Options // what newClient gives a client
}

func newSetup(t *testing.T) *setup {
	return newSetupWith(t, media.Options{})
}

// newSetupWith is newSetup with the client reading images under o. The
// simulator, which serves the articles' images from 127.0.0.1, is
// allow-listed as an administrator would allow an office's image server:
// the default rules stay as they are.
func newSetupWith(t *testing.T, o media.Options) *setup {
	return newSetupSim(t, o, sim.Options{Seed: 1})
}

// newSetupSim is newSetupWith on a simulator configured by so.
func newSetupSim(t *testing.T, o media.Options, so sim.Options) *setup {
	s := sim.NewWith(so)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	appID := fmt.Sprintf("wx%d", time.Now().UnixNano())
	acc := connectors.Account{ID: 4, Platform: tongfa.PlatformWeChat, APIBase: ts.URL + "/wechat",
		Credentials: map[string]string{"app_id": appID, "app_secret": "secret"}}
	o.Allow = slices.Concat(o.Allow, []string{ts.Listener.Addr().String()})
	st := &setup{appID: appID, images: o}
	c := st.newClient(redistest.New(t, redisDB))
	c.PollEvery = 10 * time.Millisecond
	n := 0
	post := func(title string) *connectors.Post {
		n++
		return &connectors.Post{DeliveryID: int64(n), Key: fmt.Sprintf("tongfa-d%d", n), Account: acc,
			Payload: connectors.Payload{Title: title, Digest: "摘要", Link: fmt.Sprintf("https://www.example.gov.cn/art/%d.html", n),
				HTML: `<p>正文</p><p><img src="` + ts.URL + `/wechat/mmbiz/x.png" alt="图"></p>`}}
	}
	h := &connectortest.Harness{Publisher: c, Sim: s, Server: ts, Platform: "wechat", Tokens: true, Post: post,
		Steps: []string{"cgi-bin/media/uploadimg", "cgi-bin/material/add_material", "cgi-bin/draft/add",
			"cgi-bin/freepublish/submit", "cgi-bin/freepublish/get"},
		Repeats:        map[string]bool{"cgi-bin/freepublish/get": true},
		CreateEndpoint: "cgi-bin/freepublish/submit",
		Rejected:       func() *connectors.Post { return post("【审核不通过】违规内容") }}
	st.Harness, st.client = h, c
	return st
}

// newClient is another connector (as in another worker process) set up
// like the setup's own.
func (st *setup) newClient(rdb redis.UniversalClient) *wechat.Client {
	return wechat.New(rdb, connectors.NewHTTPClient(2*time.Second), media.New(st.images))
}

func TestConnectorSuite(t *testing.T) {
	connectortest.Exercise(t, func(t *testing.T) *connectortest.Harness { return newSetup(t).Harness })
}

// TestInlineImagesAreRehosted: article images are uploaded to WeChat once
// and the HTML points at the uploaded copies.
func TestInlineImagesAreRehosted(t *testing.T) {
	st := newSetup(t)
	ctx := context.Background()
	p := st.Post("带图片的文章")
	p.Payload.HTML = `<p><img src="` + st.Server.URL + `/website/logo.png"></p>`
	s := connectortest.NewSteps()
	_, err := st.Publisher.Publish(ctx, p, s)
	if err == nil || !strings.Contains(err.Error(), "图片") {
		t.Fatalf("an unreadable image must stop the publish with a clear reason: %v", err)
	}
	p.Payload.HTML = `<p><img src="` + st.Server.URL + `/wechat/mmbiz/a.png"><img src="` + st.Server.URL + `/wechat/mmbiz/b.png"></p>`
	if _, err := st.Publisher.Publish(ctx, p, s); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{wechat.StepThumb, wechat.StepDraft, wechat.StepSubmitSent, wechat.StepPublishID, wechat.StepArticleID, wechat.StepURL} {
		if _, ok := s.Get(k); !ok {
			t.Errorf("checkpoint %s missing", k)
		}
	}
	if n := st.Sim.Calls("wechat", "cgi-bin/media/uploadimg"); n != 2 {
		t.Fatalf("uploadimg called %d times, want 2", n)
	}
}
