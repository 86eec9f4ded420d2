package web

import (
	"net/http"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/items"
	"github.com/tongfa/tongfa/store"
)

// itemResponse is returned by create and update.
type itemResponse struct {
	ID      int64            `json:"id"`
	State   tongfa.ItemState `json:"state"`
	Version versionRef       `json:"version"`
	Check   *items.Check     `json:"check"`
	Item    *tongfa.Item     `json:"item"`
}

type versionRef struct {
	Number int    `json:"number"`
	Hash   string `json:"hash"`
}

func (s *Server) itemResponse(r *http.Request, it *tongfa.Item) itemResponse {
	return itemResponse{ID: it.ID, State: it.State, Version: versionRef{it.Version.Number, it.Version.Hash},
		Check: s.Items.Check(r.Context(), it.UnitID, it.Version.Content), Item: it}
}

func (s *Server) handleCreateItem(w http.ResponseWriter, r *http.Request) {
	var in items.Input
	if err := s.decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	it, err := s.Items.Create(r.Context(), principal(r), &in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.itemResponse(r, it))
}

func (s *Server) handleUpdateItem(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in items.Input
	if err := s.decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	it, err := s.Items.Update(r.Context(), principal(r), id, &in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.itemResponse(r, it))
}

func (s *Server) handleGetItem(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	it, err := s.Items.Get(r.Context(), principal(r), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, it)
}

type itemList struct {
	Items   []store.ItemSummary `json:"items"`
	Page    int                 `json:"page"`
	PerPage int                 `json:"per_page"`
	Total   int                 `json:"total"`
}

func (s *Server) handleListItems(w http.ResponseWriter, r *http.Request) {
	f, err := itemFilter(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, total, err := s.Items.List(r.Context(), principal(r), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if list == nil {
		list = []store.ItemSummary{}
	}
	writeJSON(w, http.StatusOK, itemList{Items: list, Page: f.Page, PerPage: f.PerPage, Total: total})
}

func itemFilter(r *http.Request) (store.ItemFilter, error) {
	q := r.URL.Query()
	var f store.ItemFilter
	var err error
	if f.Page, err = queryInt(r, "page", 1, 100000); err != nil {
		return f, err
	}
	if f.PerPage, err = queryInt(r, "per_page", 20, 100); err != nil {
		return f, err
	}
	if st := tongfa.ItemState(q.Get("state")); st != "" && !st.Valid() {
		return f, &tongfa.Error{Code: tongfa.EInvalid, Message: "查询参数不正确", Fields: map[string]string{"state": "未知的稿件状态"}}
	}
	f.State, f.Category, f.Urgency, f.Query = tongfa.ItemState(q.Get("state")), q.Get("category"), tongfa.Urgency(q.Get("urgency")), q.Get("q")
	if q.Has("unit_id") {
		u, err := queryInt(r, "unit_id", 0, 0)
		if err != nil {
			return f, err
		}
		f.UnitIDs = []int64{int64(u)}
	}
	if q.Get("mine") == "1" {
		f.AuthorID = principal(r).User.ID
	}
	return f, nil
}

// handleSchedule moves an item's publishing time (items.Reschedule).
func (s *Server) handleSchedule(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in items.ScheduleInput
	if err := s.decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	it, err := s.Items.Reschedule(r.Context(), principal(r), id, in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, it)
}
