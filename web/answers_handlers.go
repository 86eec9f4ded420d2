package web

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/tongfa/tongfa/inbox"
)

var answerLabels = map[string]string{"text": "答复内容", "private_reason": "不公开理由", "body_hash": "答复版本",
	"decision": "审签意见", "comment": "意见", "password": "密码"}

// handleAnswerCheck is POST /api/v1/inbox/{id}/answers/check {text}: the
// checker's findings and the text as it would be sent.
func (s *Server) handleAnswerCheck(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	var in inbox.AnswerInput
	if err == nil {
		err = s.decodeValid(w, r, &in, answerLabels)
	}
	var c *inbox.AnswerCheck
	if err == nil {
		c, err = s.Inbox.CheckAnswer(r.Context(), principal(r), id, in.Text)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// handleAnswer is POST /api/v1/inbox/{id}/answers: draft an answer.
func (s *Server) handleAnswer(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	var in inbox.AnswerInput
	if err == nil {
		err = s.decodeValid(w, r, &in, answerLabels)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	a, err := s.Inbox.Answer(r.Context(), principal(r), id, in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, a)
}

// handleAnswers is GET /api/v1/inbox/{id}/answers, newest first, with the
// templates of the message's class.
func (s *Server) handleAnswers(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx, p := r.Context(), principal(r)
	m, err := s.Inbox.Get(ctx, p, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.Inbox.Answers(ctx, m)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"answers": nonNil(list), "templates": nonNil(s.Inbox.Templates(m.Class))})
}

// handleAnswersToSign is GET /api/v1/answers/pending: what the caller may
// sign now, oldest first.
func (s *Server) handleAnswersToSign(w http.ResponseWriter, r *http.Request) {
	list, err := s.Inbox.ToSign(r.Context(), principal(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"answers": list})
}

// confirmInput is POST /api/v1/answers/{id}/confirm.
type confirmInput struct {
	Delivered *bool `json:"delivered" validate:"required"`
}

// handleAnswerAction is POST /api/v1/answers/{id}/{signoff|withdraw|confirm}.
func (s *Server) handleAnswerAction(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx, p := r.Context(), principal(r)
	switch mux.Vars(r)["action"] {
	case "signoff":
		var in inbox.SignInput
		if err = s.decodeValid(w, r, &in, answerLabels); err == nil {
			_, err = s.Inbox.Sign(ctx, p, id, in, s.Identity.StepUp)
		}
	case "withdraw":
		err = s.Inbox.WithdrawAnswer(ctx, p, id)
	case "confirm":
		var in confirmInput
		if err = s.decodeValid(w, r, &in, map[string]string{"delivered": "是否已送达"}); err == nil {
			err = s.Inbox.Confirm(ctx, p, id, *in.Delivered)
		}
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	a, err := s.Inbox.GetAnswer(ctx, p, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}
