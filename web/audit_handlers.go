package web

import (
	"net/http"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
)

// handleAudit lists the audit rows the caller may read (audit.Service).
func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	q := r.URL.Query()
	f := store.AuditFilter{Action: q.Get("action"), Target: q.Get("target")}
	var err error
	if f.Limit, err = queryInt(r, "limit", 100, 500); err != nil {
		s.writeError(w, r, err)
		return
	}
	actor, err := queryInt(r, "actor_id", 0, 0)
	before, err2 := queryInt(r, "before_id", 0, 0)
	if err != nil || err2 != nil {
		s.writeError(w, r, firstErr(err, err2))
		return
	}
	f.ActorID, f.BeforeID = int64(actor), int64(before)
	if f.From, err = queryTime(r, "from"); err == nil {
		f.To, err = queryTime(r, "to")
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rows, err := s.Audit.List(r.Context(), p, f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if rows == nil {
		rows = []tongfa.AuditEntry{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": rows})
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// queryTime parses an optional RFC 3339 time or YYYY-MM-DD date (China time).
func queryTime(r *http.Request, name string) (time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, v, chinaTime); err == nil {
		return t, nil
	}
	return time.Time{}, &tongfa.Error{Code: tongfa.EInvalid, Message: "查询参数不正确",
		Fields: map[string]string{name: "时间格式应为 2026-01-02 或 RFC 3339"}}
}

var chinaTime = time.FixedZone("CST", 8*3600)
