package web

import (
	"net/http"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/review"
)

func (s *Server) handleSubmit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	a, err := s.Review.Submit(r.Context(), principal(r), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"state": tongfa.StateInReview, "level": 1, "required_tier": a.Tier,
		"chain": a.Chain, "chain_units": a.ChainUnits, "reasons": a.Reasons, "check": a.Check})
}

func (s *Server) handleWithdrawSubmission(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		err = s.Review.Withdraw(r.Context(), principal(r), id)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleSign(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in review.SignInput
	if err := s.decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.Validate.Struct(&in, map[string]string{"version_hash": "版本哈希", "decision": "审签意见", "comment": "意见", "password": "密码"}); err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.Review.Sign(r.Context(), principal(r), id, in, s.Identity.StepUp)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, res)
}

func (s *Server) handleSignoffs(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	var h *review.History
	if err == nil {
		h, err = s.Review.History(r.Context(), principal(r), id)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, h)
}

func (s *Server) handleReviewQueue(w http.ResponseWriter, r *http.Request) {
	list, err := s.Review.Queue(r.Context(), principal(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": nonNil(list)})
}

func (s *Server) handleDelegate(w http.ResponseWriter, r *http.Request) {
	var in review.DelegationInput
	if err := s.decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.Validate.Struct(&in, map[string]string{"delegate_id": "受托人", "unit_id": "单位", "role": "职责",
		"starts_at": "开始时间", "ends_at": "结束时间", "reason": "委托事由"}); err != nil {
		s.writeError(w, r, err)
		return
	}
	d, err := s.Review.Delegate(r.Context(), principal(r), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, d)
}

func (s *Server) handleDelegations(w http.ResponseWriter, r *http.Request) {
	list, err := s.Review.Delegations(r.Context(), principal(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"delegations": nonNil(list)})
}

func (s *Server) handleNotifications(w http.ResponseWriter, r *http.Request) {
	list, err := s.Notify.Notifications(r.Context(), principal(r), 50)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"notifications": nonNil(list)})
}

// nonNil makes empty lists encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
