package web

import (
	"io"
	"mime"
	"net/http"

	"github.com/tongfa/tongfa/manual"
)

// handleManualTasks lists the publishing tasks the caller does.
func (s *Server) handleManualTasks(w http.ResponseWriter, r *http.Request) {
	limit, err := queryInt(r, "limit", 100, 500)
	var list []manual.Task
	if err == nil {
		list, err = s.Manual.List(r.Context(), principal(r), limit)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tasks": nonNil(list)})
}

// handleManualTask shows one publishing task.
func (s *Server) handleManualTask(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	var t *manual.Task
	if err == nil {
		t, err = s.Manual.Get(r.Context(), principal(r), id)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// handleManualConfirm takes the URL a task was published at.
func (s *Server) handleManualConfirm(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	var in manual.ConfirmInput
	if err == nil {
		err = s.decodeValid(w, r, &in, map[string]string{"url": "发布链接"})
	}
	var t *manual.Task
	if err == nil {
		t, err = s.Manual.Confirm(r.Context(), principal(r), id, in)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// handleManualDownload sends a task's text and files as one zip.
func (s *Server) handleManualDownload(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		err = s.Manual.Download(r.Context(), principal(r), id, func(name string) io.Writer {
			h := w.Header()
			h.Set("Content-Type", "application/zip")
			h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
			h.Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusOK)
			return w
		})
	}
	if err != nil && w.Header().Get("Content-Disposition") == "" {
		s.writeError(w, r, err)
	}
}
