package web

import (
	"net/http"

	"github.com/tongfa/tongfa/repost"
)

// handleCreateRepostTask designates a published item for accounts under
// its unit (转发任务).
func (s *Server) handleCreateRepostTask(w http.ResponseWriter, r *http.Request) {
	var in repost.Input
	if err := s.decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	t, err := s.Reposts.Create(r.Context(), principal(r), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, t)
}

// handleRepostTask serves a task with its completion table.
func (s *Server) handleRepostTask(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		var t *repost.Task
		if t, err = s.Reposts.Get(r.Context(), principal(r), id); err == nil {
			writeJSON(w, http.StatusOK, t)
			return
		}
	}
	s.writeError(w, r, err)
}

// handleRepostTasks lists the tasks of the units the caller reads.
func (s *Server) handleRepostTasks(w http.ResponseWriter, r *http.Request) {
	list, err := s.Reposts.List(r.Context(), principal(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tasks": nonNil(list)})
}
