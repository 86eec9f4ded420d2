package web

import (
	"net/http"

	"github.com/tongfa/tongfa/repost"
	"github.com/tongfa/tongfa/store"
)

// The repost task pages: the tasks of the units the viewer reads, and one
// task's completion table (repost.Service decides who sees what).

type repostRow struct {
	store.RepostTask
	UnitName  string
	ItemTitle string
}

func (s *Server) consoleRepostTasks(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p := r.Context(), principal(r)
	list, err := s.Reposts.List(ctx, p)
	if err != nil {
		return err
	}
	rows := make([]repostRow, 0, len(list))
	for _, t := range list {
		row := repostRow{RepostTask: t, UnitName: p.Tree.Name(t.UnitID)}
		if it, err := s.Items.Get(ctx, p, t.ItemID); err == nil {
			row.ItemTitle = it.Version.Content.Title
		}
		rows = append(rows, row)
	}
	v.Title, v.Nav, v.Data = "转发任务", "reposts", rows
	return s.render(w, http.StatusOK, "repost_tasks", "layout", v)
}

func (s *Server) consoleRepostTask(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var t *repost.Task
	if t, err = s.Reposts.Get(r.Context(), principal(r), id); err != nil {
		return err
	}
	v.Title, v.Nav, v.Data = "转发任务："+t.ItemTitle, "reposts", t
	return s.render(w, http.StatusOK, "repost_task", "layout", v)
}
