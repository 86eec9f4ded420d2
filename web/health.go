package web

import (
	"context"
	"net/http"
	"time"
)

func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

type readyReport struct {
	Status   string            `json:"status"`
	Checks   map[string]string `json:"checks"`
	Warnings []string          `json:"warnings"`
}

// handleReadyz reports ready only when every check (PostgreSQL and Redis
// among them) passes; warnings (e.g. a missing holiday calendar) are listed
// without making the service unready.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	rep := readyReport{Status: "ready", Checks: map[string]string{}, Warnings: []string{}}
	set := func(name string, err error) {
		if err != nil {
			rep.Status = "not_ready"
			rep.Checks[name] = err.Error()
			return
		}
		rep.Checks[name] = "ok"
	}
	for _, c := range s.Ready {
		name, warn, err := c(ctx)
		set(name, err)
		if warn != "" {
			rep.Warnings = append(rep.Warnings, warn)
		}
	}
	status := http.StatusOK
	if rep.Status != "ready" {
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, rep)
}
