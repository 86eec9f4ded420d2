package web

import (
	"net/http"
	"strconv"

	"github.com/tongfa/tongfa/repost"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/web/console"
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

// repostForm is the new task form: the choices the service offers the
// editor, labelled for people.
type repostForm struct {
	Items    []console.Option
	Accounts []console.Option
	Units    []console.Option
	Min      string // the earliest deadline the picker offers (China time)
}

// consoleRepostNew is the form of POST /api/v1/repost-tasks: a published
// item of a unit the editor edits for, accounts or units under it, and a
// deadline; the API decides and answers in Chinese.
func (s *Server) consoleRepostNew(w http.ResponseWriter, r *http.Request, v *view) error {
	p := principal(r)
	c, err := s.Reposts.Choices(r.Context(), p)
	if err != nil {
		return err
	}
	f := repostForm{Min: s.Now().In(chinaTime).Format("2006-01-02T15:04")}
	for _, it := range c.Items {
		f.Items = append(f.Items, console.Option{Value: strconv.FormatInt(it.ID, 10), Label: it.Title + "（" + p.Tree.Name(it.UnitID) + "）"})
	}
	for _, a := range c.Accounts {
		f.Accounts = append(f.Accounts, console.Option{Value: strconv.FormatInt(a.ID, 10),
			Label: a.Name + " · " + a.Platform.Label() + " · " + p.Tree.Name(a.UnitID)})
	}
	for _, u := range c.Units {
		f.Units = append(f.Units, console.Option{Value: strconv.FormatInt(u, 10), Label: p.Tree.Name(u)})
	}
	v.Title, v.Nav, v.Data = "下达转发任务", "reposts", f
	return s.render(w, http.StatusOK, "repost_new", "layout", v)
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
