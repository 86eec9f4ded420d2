package web

import (
	"fmt"
	"net/http"
	"path"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/manual"
)

// tasksShown bounds the publishing tasks the dashboard lists.
const tasksShown = 50

// taskView is the page of one publishing task.
type taskView struct {
	manual.Task
	Files []string // what the download holds, for the operator to check
}

// consoleTask shows a manual channel's publishing task: the text to
// paste, the files in one download, and the form for the published URL.
func (s *Server) consoleTask(w http.ResponseWriter, r *http.Request, v *view) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	t, err := s.Manual.Get(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	d := taskView{Task: *t, Files: []string{"正文.txt"}}
	for i, ref := range t.Media {
		d.Files = append(d.Files, fileLabel(i, ref))
	}
	v.Title, v.Nav, v.Data = "发布任务："+t.Title, "dashboard", d
	return s.render(w, http.StatusOK, "task", "layout", v)
}

// fileLabel names file i of a task as the download does, with what it is.
func fileLabel(i int, ref string) string {
	kind := "图片"
	if path.Ext(ref) == ".mp4" {
		kind = "视频"
	}
	if _, ok := tongfa.MediaRef(ref); ok {
		kind += "（媒体库）"
	}
	return fmt.Sprintf("%02d %s", i+1, kind)
}
