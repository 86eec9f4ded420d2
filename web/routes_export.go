package web

import (
	"net/http"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Routes returns the routes Handler serves, without its middleware: the
// health and metrics endpoints, the API under /api/v1, the platforms'
// callbacks, the console and the mounts. web/openapi_test.go walks it to
// compare the router with docs/openapi.yaml.
//
// Handler registers the same routes itself for now; it should become
// Routes plus the not-found handlers and the middleware.
func (s *Server) Routes() *mux.Router {
	r := mux.NewRouter()
	r.HandleFunc("/healthz", s.handleHealthz).Methods(http.MethodGet)
	r.HandleFunc("/readyz", s.handleReadyz).Methods(http.MethodGet)
	r.Handle("/metrics", promhttp.HandlerFor(s.Metrics.Registry, promhttp.HandlerOpts{})).Methods(http.MethodGet)
	s.routes(r.PathPrefix("/api/v1").Subrouter())
	s.callbackRoutes(r)
	s.mountConsole(r)
	for _, m := range s.Mounts {
		m(s, r)
	}
	return r
}
