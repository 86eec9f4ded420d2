package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"

	"github.com/tongfa/tongfa/reports"
)

// reportParams reads a report request from a query; the kind comes from
// the API's path or the console's form.
func reportParams(kind string, q url.Values) reports.Params {
	return reports.Params{Kind: kind, From: q.Get("from"), To: q.Get("to"),
		Unit: q.Get("unit"), Account: q.Get("account"), Format: q.Get("format")}
}

// handleReport is GET /reports/{kind}: the assessment report of a period
// over the units the caller may read, as JSON, CSV or an Excel workbook.
func (s *Server) handleReport(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	req, err := reportParams(varsOf(r)["kind"], r.URL.Query()).Parse(s.Now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rep, err := s.Reports.For(r.Context(), p, req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	// Encoded into a buffer first: a failure becomes an error response,
	// not a truncated download.
	var buf bytes.Buffer
	if err := rep.Write(&buf, req.Format); err != nil {
		s.writeError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", reports.ContentType(req.Format))
	h.Set("Cache-Control", "no-store")
	if req.Format != reports.FormatJSON {
		h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", rep.FileName(req.Format)))
	}
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes()) //nolint:errcheck // the client went away
}
