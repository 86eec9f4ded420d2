package web_test

import (
	"context"
	"fmt"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
)

// manualTask is an open publishing task of unit u's 视频号 account: a
// delivery the worker turned into a task (state manual, text noted).
func (f *fixture) manualTask(u *tongfa.Unit) int64 {
	acc, ok := f.manual[u.ID]
	if !ok {
		acc = f.h.account(u.ID, tongfa.PlatformShipinhao, u.Name+"视频号")
		f.manual[u.ID] = acc
	}
	return f.approvedDelivery(u, acc, func(tx *store.Tx, id int64, it *tongfa.Item) error {
		_, err := tx.Exec(context.Background(), `UPDATE deliveries SET state = 'manual', steps = jsonb_build_object('task_text', $2::text,
			'task_media', '', 'task_deadline', to_char(now() + interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')) WHERE id = $1`,
			id, it.Version.Content.Title)
		return err
	})
}

// manualRows are the matrix rows of the manual channels' tasks.
func manualRows() []row {
	task := func(suffix string, body any) func(f *fixture, u *tongfa.Unit) request {
		return func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/api/v1/manual-tasks/%d%s", f.manualTask(u), suffix), body: body}
		}
	}
	return []row{
		{"GET", "/api/v1/manual-tasks", fixed("/api/v1/manual-tasks"), everyone},
		{"GET", "/api/v1/manual-tasks/{id}", task("", nil), readers},
		{"GET", "/api/v1/manual-tasks/{id}/download", task("/download", nil), readers},
		{"GET", "/tasks/{id:[0-9]+}", func(f *fixture, u *tongfa.Unit) request {
			return request{path: fmt.Sprintf("/tasks/%d", f.manualTask(u))}
		}, readers},
		// Loopback is refused: the page check answers 422 to whoever may confirm.
		{"POST", "/api/v1/manual-tasks/{id}/confirm", task("/confirm", map[string]string{"url": "http://127.0.0.1:9/p/1"}),
			"all=403 ed=422,404,404,404 ad=422,422,404,404"},
	}
}
