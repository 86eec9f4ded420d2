package web

import "net/http"

// handleItemStats serves an item's figures per channel (issue 20).
func (s *Server) handleItemStats(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		var out any
		if out, err = s.Stats.ItemStatsFor(r.Context(), principal(r), id); err == nil {
			writeJSON(w, http.StatusOK, out)
			return
		}
	}
	s.writeError(w, r, err)
}

// handleAccountStats serves an account's followers, days and indices over
// ?from=&to= (China dates, to exclusive).
func (s *Server) handleAccountStats(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		q := r.URL.Query()
		var out any
		if out, err = s.Stats.AccountStatsFor(r.Context(), principal(r), id, q.Get("from"), q.Get("to")); err == nil {
			writeJSON(w, http.StatusOK, out)
			return
		}
	}
	s.writeError(w, r, err)
}
