package web

import (
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/workday"
)

// callbackRoutes are the platforms' pushes: authenticated by their
// signatures, not by a session.
func (s *Server) callbackRoutes(r *mux.Router) {
	r.HandleFunc("/callback/wechat/{account}", func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "account")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		answer, err := s.Intake.WeChat(r.Context(), r, id)
		if err != nil {
			s.pushRefused(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, answer) //nolint:errcheck // WeChat pushes again without it
	}).Methods(http.MethodGet, http.MethodPost)
	r.HandleFunc("/callback/{platform:app|website}/{account}", func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "account")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := s.Intake.Webhook(r.Context(), r, tongfa.Platform(mux.Vars(r)["platform"]), id); err != nil {
			s.pushRefused(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}).Methods(http.MethodPost)
}

// pushRefused answers a push the hub did not take: platforms read the
// status (and push again after a 5xx), people reading logs the code.
func (s *Server) pushRefused(w http.ResponseWriter, r *http.Request, err error) {
	if HTTPStatus(tongfa.ErrorCode(err)) < 500 {
		s.Logger.WarnContext(r.Context(), "inbox push refused", slog.String("path", r.URL.Path), slog.String("code", tongfa.ErrorCode(err)))
	}
	s.writeError(w, r, err)
}

// handleInbox is GET /api/v1/inbox?state=&class=&due=&due_within_hours=&before=&limit=.
func (s *Server) handleInbox(w http.ResponseWriter, r *http.Request) {
	f, err := inboxFilter(r, s.Now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.Inbox.List(r.Context(), principal(r), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": nonNil(list)})
}

// stateOpen is the state filter for every message still to be handled.
const stateOpen = "open"

// openStates are the states stateOpen stands for.
var openStates = []tongfa.MessageState{tongfa.MessageNew, tongfa.MessageAssigned}

// inboxFilter reads the filter GET /api/v1/inbox and the console's /inbox
// share: state (one state, or "open" for new and assigned), class, due
// (overdue, at_risk or today; open messages only), due_within_hours
// (overdue ones included), before and limit.
func inboxFilter(r *http.Request, now time.Time) (store.MessageFilter, error) {
	q := r.URL.Query()
	limit, err := queryInt(r, "limit", 50, 200)
	before, err2 := queryInt(r, "before", 0, 0)
	hours, err3 := queryInt(r, "due_within_hours", 0, 24*365)
	if err = firstErr(err, err2, err3); err != nil {
		return store.MessageFilter{}, err
	}
	f := store.MessageFilter{State: tongfa.MessageState(q.Get("state")), Class: q.Get("class"), BeforeID: int64(before), Limit: limit}
	if f.State == stateOpen {
		f.State, f.States = "", openStates
	}
	if hours > 0 {
		f.DueBefore = now.Add(time.Duration(hours) * time.Hour)
	}
	if due := q.Get("due"); due != "" {
		from, to, ok := dueWindow(due, now)
		if !ok {
			return f, &tongfa.Error{Code: tongfa.EInvalid, Message: "查询参数不正确",
				Fields: map[string]string{"due": "应为 overdue（已超时）、at_risk（临近时限）或 today（今天到期）"}}
		}
		f.States, f.DueAfter = openStates, from
		if f.DueBefore.IsZero() || to.Before(f.DueBefore) {
			f.DueBefore = to
		}
	}
	return f, nil
}

// dueWindow is the deadline range [from, to) of a due filter: overdue
// (before now), at_risk (from now to atRiskWindow on) and today (from now
// to midnight, China time).
func dueWindow(due string, now time.Time) (from, to time.Time, ok bool) {
	switch due {
	case "overdue":
		return time.Time{}, now, true
	case "at_risk":
		return now, now.Add(atRiskWindow), true
	case "today":
		y, m, d := now.In(workday.Location()).Date()
		return now, time.Date(y, m, d+1, 0, 0, 0, 0, workday.Location()), true
	}
	return time.Time{}, time.Time{}, false
}

func (s *Server) handleMessage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := s.Inbox.Get(r.Context(), principal(r), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// messageAction is the body of POST /api/v1/inbox/{id}/{action}.
type messageAction struct {
	Class  string `json:"class" validate:"omitempty,max=20"`
	UserID int64  `json:"user_id" validate:"omitempty,gt=0"`
	Days   int    `json:"days" validate:"omitempty,min=1,max=10"`
	Reason string `json:"reason" validate:"max=500"`
}

var messageLabels = map[string]string{"class": "分类", "user_id": "处理人", "days": "延期工作日", "reason": "理由"}

// handleMessageAction is POST /api/v1/inbox/{id}/{class|assign|extend|close}.
func (s *Server) handleMessageAction(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in messageAction
	if err := s.decodeValid(w, r, &in, messageLabels); err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx, p := r.Context(), principal(r)
	switch mux.Vars(r)["action"] {
	case "class":
		err = s.Inbox.SetClass(ctx, p, id, in.Class)
	case "assign":
		err = s.Inbox.Assign(ctx, p, id, in.UserID)
	case "extend":
		err = s.Inbox.Extend(ctx, p, id, in.Days, in.Reason)
	case "close":
		err = s.Inbox.Close(ctx, p, id, in.Reason)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := s.Inbox.Get(ctx, p, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}
