package web

import (
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/registry"
	"github.com/tongfa/tongfa/sensitive"
)

// leadersRequest is PUT /api/v1/units/{id}/leaders (and …/words) as
// JSON; a text/plain body is the table itself, with the note in ?note=.
type leadersRequest struct {
	Content string `json:"content" validate:"max=1048576"`
	Note    string `json:"note" validate:"max=500"`
}

var leadersLabels = map[string]string{"content": "领导名单", "note": "修改说明", "version": "版本"}

// handleLeaders answers a unit's own leaders table as JSON, with the
// tables that apply to it and its versions, or with ?format=tsv the
// table to download.
func (s *Server) handleLeaders(w http.ResponseWriter, r *http.Request) {
	unit, err := pathID(r, "id")
	var t *registry.LeaderTable
	if err == nil {
		t, err = s.Registry.LeaderTable(r.Context(), principal(r), unit)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	switch r.URL.Query().Get("format") {
	case "", "json":
		writeJSON(w, http.StatusOK, t)
	case "tsv":
		writeLeadersTSV(w, t)
	default:
		s.writeError(w, r, &tongfa.Error{Code: tongfa.EBadQuery, Message: "查询参数不正确",
			Fields: map[string]string{"format": "应为 json 或 tsv"}})
	}
}

// writeLeadersTSV sends the active version as it was imported (comments
// kept), or an empty table with its header.
func writeLeadersTSV(w http.ResponseWriter, t *registry.LeaderTable) {
	name := "领导名单-" + t.UnitName + ".tsv"
	if t.Version > 0 {
		name = "领导名单-" + t.UnitName + "-第" + strconv.Itoa(t.Version) + "版.tsv"
	}
	h := w.Header()
	h.Set("Content-Type", "text/tab-separated-values; charset=utf-8")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if t.Version > 0 {
		io.WriteString(w, t.Content) //nolint:errcheck // the client went away
		return
	}
	(&sensitive.Leaders{}).WriteTSV(w) //nolint:errcheck // the client went away
}

// handleSetLeaders imports a new version of a unit's table; the service
// starts a patrol of the subtree's published items for the leaders it
// changed.
func (s *Server) handleSetLeaders(w http.ResponseWriter, r *http.Request) {
	unit, err := pathID(r, "id")
	var req leadersRequest
	if err == nil {
		req, err = s.leadersBody(w, r, leadersLabels)
	}
	var ch *registry.LeadersChange
	if err == nil {
		ch, err = s.Registry.SetLeaders(r.Context(), principal(r), unit, req.Content, req.Note)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ch)
}

// leadersBody reads a unit's table (leaders or words) as JSON {content,
// note} or as the TSV text itself (text/plain or
// text/tab-separated-values, note in ?note=).
func (s *Server) leadersBody(w http.ResponseWriter, r *http.Request, labels map[string]string) (leadersRequest, error) {
	var req leadersRequest
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "text/plain", "text/tab-separated-values":
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, registry.MaxLeadersTable))
		if err != nil {
			return req, decodeError(err, registry.MaxLeadersTable)
		}
		req.Content, req.Note = string(b), r.URL.Query().Get("note")
		return req, s.Validate.Struct(&req, labels)
	}
	return req, s.decodeValid(w, r, &req, labels)
}

func (s *Server) handleRollbackLeaders(w http.ResponseWriter, r *http.Request) {
	unit, version, err := s.rollbackRequest(w, r, leadersLabels)
	var ch *registry.LeadersChange
	if err == nil {
		ch, err = s.Registry.RollbackLeaders(r.Context(), principal(r), unit, version)
	}
	s.writeResult(w, r, ch, err)
}

// rollbackRequest reads the unit of the path and the version of the body
// of POST /api/v1/units/{id}/…/rollback.
func (s *Server) rollbackRequest(w http.ResponseWriter, r *http.Request, labels map[string]string) (unit int64, version int, err error) {
	unit, err = pathID(r, "id")
	var req struct {
		Version int `json:"version" validate:"required,gt=0"`
	}
	if err == nil {
		err = s.decodeValid(w, r, &req, labels)
	}
	return unit, req.Version, err
}

// writeResult writes v with 200, or err.
func (s *Server) writeResult(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}
