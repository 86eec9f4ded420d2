package media_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/media"
	"github.com/tongfa/tongfa/connectors/media/mediatest"
)

// server serves h on 127.0.0.1 and returns its URL and host:port.
func server(t *testing.T, h http.HandlerFunc) (string, string) {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL, ts.Listener.Addr().String()
}

// wantRefused checks that err is a permanent media error with code.
func wantRefused(t *testing.T, err error, code string) *connectors.Error {
	t.Helper()
	var ce *connectors.Error
	if !errors.As(err, &ce) || ce.Class != connectors.Permanent || ce.Code != code {
		t.Fatalf("want a permanent %s, got %v", code, err)
	}
	return ce
}

func TestOnlyHTTPURLs(t *testing.T) {
	f := media.New(media.Options{})
	for _, ref := range []string{"file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO", "//cdn.example/a.png",
		"/images/a.png", "http:///a.png", "ftp://cdn.example/a.png", "data:image/png;base64," + strings.Repeat("A", 500)} {
		_, err := f.Image(context.Background(), ref)
		if ce := wantRefused(t, err, media.CodeBadURL); strings.Count(ce.Message, "A") > 100 {
			t.Errorf("%.30s: the message quotes the whole reference", ref)
		}
	}
}

func TestRedirects(t *testing.T) {
	img := mediatest.PNG(t)
	var self string
	u, host := server(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/loop":
			http.Redirect(w, r, self+"/loop", http.StatusFound)
		case "/file":
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		case "/three":
			http.Redirect(w, r, self+"/two", http.StatusFound)
		case "/two":
			http.Redirect(w, r, self+"/one", http.StatusFound)
		case "/one":
			http.Redirect(w, r, self+"/img", http.StatusFound)
		case "/img":
			w.Write(img) //nolint:errcheck
		default:
			http.NotFound(w, r)
		}
	})
	self = u
	f := media.New(media.Options{Allow: []string{host}})
	if b, err := f.Image(context.Background(), u+"/three"); err != nil || !bytes.Equal(b, img) {
		t.Fatalf("three redirects are allowed: %v", err)
	}
	_, err := f.Image(context.Background(), u+"/loop")
	wantRefused(t, err, media.CodeRedirects)
	_, err = f.Image(context.Background(), u+"/file")
	wantRefused(t, err, media.CodeBadURL)
	_, err = f.Image(context.Background(), u+"/missing")
	if ce := wantRefused(t, err, media.CodeHTTPStatus); !strings.Contains(ce.Message, "404") {
		t.Errorf("message %q", ce.Message)
	}
}

// TestAllowedHostAnyPort: an entry without a port allows the host on any
// port; an entry with one allows that port only.
func TestAllowedHostAnyPort(t *testing.T) {
	img := mediatest.PNG(t)
	u, host := server(t, func(w http.ResponseWriter, _ *http.Request) { w.Write(img) }) //nolint:errcheck
	port := host[strings.LastIndex(host, ":")+1:]
	byName := "http://localhost:" + port + "/a.png"
	if _, err := media.New(media.Options{Allow: []string{"localhost"}}).Image(context.Background(), byName); err != nil {
		t.Fatal(err)
	}
	_, err := media.New(media.Options{Allow: []string{"localhost:1"}}).Image(context.Background(), byName)
	wantRefused(t, err, media.CodeBlocked)
	_, err = media.New(media.Options{Allow: []string{"localhost"}}).Image(context.Background(), u+"/a.png")
	wantRefused(t, err, media.CodeBlocked) // 127.0.0.1 is not localhost: entries match the URL's host as written
}

// TestCallerCancelled: a fetch the caller gave up on is not reported as a
// slow image.
func TestCallerCancelled(t *testing.T) {
	_, host := server(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := media.New(media.Options{Allow: []string{host}}).Image(ctx, "http://"+host+"/a.png")
	if c := connectors.ClassOf(err); c != connectors.Retryable {
		t.Fatalf("class %v: %v", c, err)
	}
}
