package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"testing"

	"github.com/tongfa/tongfa/web/console"
)

// TestConsoleVendoredEditorServed: the body editor (Quill) is served from
// the binary under its versioned path, cached for good, and compressed
// for browsers that take gzip; our own files keep a short cache.
func TestConsoleVendoredEditorServed(t *testing.T) {
	h := setupConsole(t)
	const path = "/static/vendor/quill/2.0.3/quill.js"
	want, err := fs.ReadFile(console.Static, "vendor/quill/2.0.3/quill.js")
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func(p, enc string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", h.ts.URL+p, nil)
		if enc != "" {
			req.Header.Set("Accept-Encoding", enc)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	resp, b := get(path, "gzip, deflate, br")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
		resp.Header.Get("Content-Type") != "text/javascript; charset=utf-8" || len(b) > len(want)/3 {
		t.Fatalf("gzip: %d %v, %d bytes", resp.StatusCode, resp.Header, len(b))
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(zr); !bytes.Equal(got, want) {
		t.Fatal("the compressed editor is not the embedded one")
	}
	resp, b = get(path, "")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(b, want) || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Fatalf("plain: %d %v", resp.StatusCode, resp.Header)
	}
	if resp, _ := get("/static/vendor/quill/2.0.3/quill.snow.css", "gzip"); resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/css; charset=utf-8" {
		t.Fatalf("stylesheet: %d %v", resp.StatusCode, resp.Header)
	}
	if resp, _ := get("/static/console.js", "gzip"); resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "public, max-age=300" {
		t.Fatalf("console.js: %d %v", resp.StatusCode, resp.Header)
	}
}
