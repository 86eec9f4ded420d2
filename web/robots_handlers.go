package web

import (
	"net/http"

	"github.com/tongfa/tongfa/registry"
)

// handleCreateRobot registers a WeCom or DingTalk group robot of a unit.
func (s *Server) handleCreateRobot(w http.ResponseWriter, r *http.Request) {
	var in registry.RobotInput
	if err := s.decodeValid(w, r, &in, registry.RobotLabels); err != nil {
		s.writeError(w, r, err)
		return
	}
	rw, err := s.Registry.AddRobot(r.Context(), principal(r), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, rw)
}

func (s *Server) handleRobots(w http.ResponseWriter, r *http.Request) {
	list, err := s.Registry.Robots(r.Context(), principal(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"robots": list})
}
