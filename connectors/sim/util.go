package sim

import (
	_ "embed"
	"net/http"
	"time"
)

// placeholderPNG is served for every uploaded image.
//
//go:embed placeholder.png
var placeholderPNG []byte

// sleep waits for the configured latency, or until the client gives up.
func sleep(r *http.Request, d time.Duration) {
	if d <= 0 {
		return
	}
	select {
	case <-time.After(d):
	case <-r.Context().Done():
	}
}
