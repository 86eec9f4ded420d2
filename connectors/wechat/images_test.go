package wechat_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/connectortest"
	"github.com/tongfa/tongfa/connectors/media"
	"github.com/tongfa/tongfa/connectors/media/mediatest"
)

// origins are the image servers of the refusal tests, all on 127.0.0.1:
// internal stands for a service inside the hub's network (not allowed);
// office for an office's image server an administrator allowed, which
// misbehaves on some paths.
type origins struct {
	internal, office *httptest.Server
	opts             media.Options
}

func newOrigins(t *testing.T) *origins {
	img := mediatest.PNG(t)
	o := &origins{internal: httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Write(img) //nolint:errcheck
	}))}
	t.Cleanup(o.internal.Close)
	o.office = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/redirect":
			http.Redirect(w, r, o.internal.URL+"/secret.png", http.StatusFound)
		case "/huge.png":
			// Announced: refused from its header, however slowly a loaded
			// machine would stream the body (the streamed limit is
			// connectors/media's own test).
			w.Header().Set("Content-Length", strconv.Itoa(len(img)+media.DefaultMaxBytes))
			w.Write(img)                                 //nolint:errcheck
			w.Write(make([]byte, media.DefaultMaxBytes)) //nolint:errcheck
		case "/slow.png":
			w.Write(img[:8]) //nolint:errcheck
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		case "/page.png": // says image/png, is a page
			w.Header().Set("Content-Type", "image/png")
			w.Write([]byte("<!doctype html><title>内部系统</title>")) //nolint:errcheck
		default:
			w.Write(img) //nolint:errcheck
		}
	}))
	t.Cleanup(o.office.Close)
	o.opts = media.Options{Allow: []string{o.office.Listener.Addr().String()}, Timeout: 500 * time.Millisecond,
		Resolver: mediatest.Resolver(t, map[string]string{"cms.intranet.test": "10.20.30.40"})}
	return o
}

// TestImagesFromContentAreGuarded: a cover or an <img> that would make the
// worker read an internal service, or that is too big, too slow or not an
// image, fails the delivery for good with the reason in Chinese, and
// nothing reaches WeChat.
func TestImagesFromContentAreGuarded(t *testing.T) {
	o := newOrigins(t)
	internalPort := o.internal.URL[strings.LastIndex(o.internal.URL, ":")+1:]
	cases := []struct {
		name, ref, code string
		inline          bool     // in the body, not the cover
		says            []string // the message names the host and the reason
	}{
		{"loopback address", o.internal.URL + "/a.png", media.CodeBlocked, false, []string{"本机地址", "127.0.0.1"}},
		{"localhost", "http://localhost:" + internalPort + "/a.png", media.CodeBlocked, true, []string{"本机地址", "localhost"}},
		{"name resolving to a private address", "http://cms.intranet.test/a.png", media.CodeBlocked, true,
			[]string{"内网地址", "cms.intranet.test", "10.20.30.40"}},
		{"cloud metadata", "http://169.254.169.254/latest/meta-data/", media.CodeBlocked, false, []string{"链路本地地址", "169.254.169.254"}},
		{"IPv6 loopback", "http://[::1]:" + internalPort + "/a.png", media.CodeBlocked, true, []string{"本机地址", "::1"}},
		{"IPv4-mapped loopback", "http://[::ffff:127.0.0.1]:" + internalPort + "/a.png", media.CodeBlocked, true,
			[]string{"本机地址", "::ffff:127.0.0.1"}},
		{"redirect from an allowed host", o.office.URL + "/redirect", media.CodeBlocked, true, []string{"重定向到本机地址", "127.0.0.1"}},
		{"oversize image", o.office.URL + "/huge.png", media.CodeTooLarge, false, []string{"超过 5 MB", "127.0.0.1"}},
		{"slow body", o.office.URL + "/slow.png", media.CodeTooSlow, true, []string{"0.5 秒", "127.0.0.1"}},
		{"not an image", o.office.URL + "/page.png", media.CodeNotImage, false, []string{"不是图片", "127.0.0.1"}},
		{"not http", "file:///etc/passwd", media.CodeBadURL, true, []string{"http 或 https"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newSetupWith(t, o.opts)
			p := st.Post("图片地址测试")
			if c.inline {
				p.Payload.HTML = `<p>正文</p><p><img src="` + c.ref + `"></p>`
			} else {
				p.Payload.Cover = c.ref
			}
			_, err := st.Publisher.Publish(context.Background(), p, connectortest.NewSteps())
			ce := connectortest.WantClass(t, err, connectors.Permanent)
			if ce.Code != c.code {
				t.Errorf("code %q, want %q", ce.Code, c.code)
			}
			for _, s := range c.says {
				if !strings.Contains(ce.Message, s) {
					t.Errorf("message %q does not say %q", ce.Message, s)
				}
			}
			wantNothingUploaded(t, st)
		})
	}
}

// TestAllowedImageHost: images from a host the administrator allowed are
// re-hosted although it is on 127.0.0.1.
func TestAllowedImageHost(t *testing.T) {
	o := newOrigins(t)
	st := newSetupWith(t, o.opts)
	p := st.Post("本单位图片服务器")
	p.Payload.Cover = o.office.URL + "/cover.png"
	p.Payload.HTML = `<p><img src="` + o.office.URL + `/a.png"></p>`
	if _, err := st.Publisher.Publish(context.Background(), p, connectortest.NewSteps()); err != nil {
		t.Fatal(err)
	}
	for _, e := range []string{"cgi-bin/material/add_material", "cgi-bin/media/uploadimg"} {
		if n := st.Sim.Calls("wechat", e); n != 1 {
			t.Errorf("%s called %d times, want 1", e, n)
		}
	}
	st.WantPosts(t, 1)
}

func wantNothingUploaded(t *testing.T, st *setup) {
	t.Helper()
	for _, e := range []string{"cgi-bin/material/add_material", "cgi-bin/media/uploadimg", "cgi-bin/draft/add"} {
		if n := st.Sim.Calls("wechat", e); n != 0 {
			t.Errorf("%s called %d times: something reached WeChat", e, n)
		}
	}
	st.WantPosts(t, 0)
}
