package web

import (
	"net/http"
	"time"

	"github.com/tongfa/tongfa/editions"
	"github.com/tongfa/tongfa/identity"
)

func (s *Server) handleCreateEdition(w http.ResponseWriter, r *http.Request) {
	var in editions.Input
	if err := s.decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	e, err := s.Editions.Create(r.Context(), principal(r), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, e)
}

func (s *Server) handleGetEdition(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	e, err := s.Editions.Get(r.Context(), principal(r), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (s *Server) handleConfirmEdition(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	e, err := s.Editions.Confirm(r.Context(), principal(r), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (s *Server) handleListEditions(w http.ResponseWriter, r *http.Request) {
	f, err := editionFilter(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.Editions.List(r.Context(), principal(r), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// editionFilter reads ?unit_id=&account_id=&from=&to= (from and to China
// dates or RFC 3339; by default the coming 7 days).
func editionFilter(r *http.Request) (editions.Filter, error) {
	var f editions.Filter
	unit, err := queryInt(r, "unit_id", 0, 0)
	if err != nil {
		return f, err
	}
	acc, err := queryInt(r, "account_id", 0, 0)
	if err != nil {
		return f, err
	}
	if f.From, err = queryTime(r, "from"); err != nil {
		return f, err
	}
	if f.To, err = queryTime(r, "to"); err != nil {
		return f, err
	}
	if f.From.IsZero() {
		now := time.Now().In(chinaTime)
		f.From = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, chinaTime)
	}
	if f.To.IsZero() {
		f.To = f.From.AddDate(0, 0, 7)
	}
	f.UnitID, f.AccountID = int64(unit), int64(acc)
	return f, nil
}

func (s *Server) handleCancelEdition(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in editions.CancelInput
	if r.ContentLength != 0 {
		if err := s.decode(w, r, &in); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	e, err := s.Editions.Cancel(r.Context(), principal(r), id, in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (s *Server) handlePreviewEdition(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.Editions.PreviewEdition(r.Context(), principal(r), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// itemPreviewInput is POST /api/v1/items/{id}/preview.
type itemPreviewInput struct {
	AccountID int64 `json:"account_id"`
}

func (s *Server) handlePreviewItem(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in itemPreviewInput
	if err := s.decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.Editions.PreviewItem(r.Context(), principal(r), id, in.AccountID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleMyWeChat(w http.ResponseWriter, r *http.Request) {
	out, err := s.Identity.MyWeChatID(r.Context(), principal(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleSetMyWeChat(w http.ResponseWriter, r *http.Request) {
	var in identity.WeChatID
	if err := s.decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	out, err := s.Identity.SetMyWeChatID(r.Context(), principal(r), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}
