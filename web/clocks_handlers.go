package web

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/workday"
)

// calendarReady warns, without making the service unready, when the
// working-day calendar lacks a year the deadlines need.
func (s *Server) calendarReady(ctx context.Context) (string, string, error) {
	if missing := s.Calendar.Missing(s.Now()); len(missing) > 0 {
		return "calendar", workday.MissingText(missing) + "（不含调休），请系统管理员导入（tongfa holidays import）", nil
	}
	return "calendar", "", nil
}

func (s *Server) handleUrgent(w http.ResponseWriter, r *http.Request) {
	list, err := s.Clocks.Open(r.Context(), principal(r), s.Now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": list, "missing_calendar_years": s.Calendar.Missing(s.Now())})
}

func (s *Server) handleTimeline(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		_, err = s.Items.Get(r.Context(), principal(r), id)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	steps, err := s.Clocks.Timeline(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := map[string]any{"steps": nonNil(steps)}
	if cl, err := s.Clocks.Status(r.Context(), id, s.Now()); err == nil {
		out["urgent"] = cl
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleFrequency(w http.ResponseWriter, r *http.Request) {
	list, err := s.Clocks.Frequencies(r.Context(), principal(r), s.Now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"accounts": nonNil(list)})
}

func (s *Server) handleWeekly(w http.ResponseWriter, r *http.Request) {
	from, err := queryTime(r, "from")
	to, err2 := queryTime(r, "to")
	if err = firstErr(err, err2); err != nil {
		s.writeError(w, r, err)
		return
	}
	now := s.Now()
	if to.IsZero() {
		to = now
	}
	if from.IsZero() {
		from = to.AddDate(0, 0, -28)
	}
	rows, err := s.Clocks.Weekly(r.Context(), principal(r), from, to)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"weeks": nonNil(rows)})
}

func (s *Server) handleInterpretations(w http.ResponseWriter, r *http.Request) {
	list, err := s.Clocks.Interpretations(r.Context(), principal(r), s.Now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"documents": list})
}

func (s *Server) handleAlerts(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	list, err := s.Clocks.Alerts(r.Context(), p, 100)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"alerts": nonNil(list)})
}

// handleHolidays shows which years the calendar covers.
func (s *Server) handleHolidays(w http.ResponseWriter, r *http.Request) {
	cal := s.Calendar.Current()
	writeJSON(w, http.StatusOK, map[string]any{"years": cal.Years(), "missing": s.Calendar.Missing(s.Now())})
}

// handleImportHolidays imports a calendar override file (text/plain body,
// the format of docs/workdays.md); system administrators only.
func (s *Server) handleImportHolidays(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		s.writeError(w, r, decodeError(err, 1<<20))
		return
	}
	if !tongfa.ValidText(string(body)) {
		s.writeError(w, r, errBadBodyText)
		return
	}
	o, err := s.Calendar.ImportAs(r.Context(), principal(r), "api:"+time.Now().Format(time.RFC3339), string(body))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"days": len(o.Days), "years": s.Calendar.Current().Years()})
}
