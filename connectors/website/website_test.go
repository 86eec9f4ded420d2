package website_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/connectortest"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/connectors/website"
)

func harness(t *testing.T) *connectortest.Harness {
	return connectortest.Keyed(t, website.New(connectors.NewHTTPClient(2*time.Second)), tongfa.PlatformWebsite, "/website", "api/articles",
		map[string]string{"api_key": sim.WebsiteKey}, map[string]string{"api_key": "wrong"})
}

func TestConnectorSuite(t *testing.T) { connectortest.Exercise(t, harness) }

// TestPublicURL: the receipt's URL is the public page Weibo and WeChat
// link to.
func TestPublicURL(t *testing.T) {
	h := harness(t)
	r, err := h.Publisher.Publish(context.Background(), h.Post("政府网站文章"), connectortest.NewSteps())
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(r.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(page), "政府网站文章") {
		t.Fatalf("%s: %d %s", r.URL, resp.StatusCode, page)
	}
}
