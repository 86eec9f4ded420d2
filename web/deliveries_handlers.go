package web

import (
	"net/http"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/deliveries"
)

func (s *Server) handleDeliveries(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	var list []deliveries.View
	if err == nil {
		list, err = s.Deliveries.ForItem(r.Context(), principal(r), id)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"deliveries": nonNil(list)})
}

// handleWithdraw takes an item off every channel (R11).
func (s *Server) handleWithdraw(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	var in deliveries.WithdrawInput
	if err == nil {
		err = s.decodeValid(w, r, &in, map[string]string{"reason": "撤回原因", "password": "密码"})
	}
	var n int
	if err == nil {
		n, err = s.Deliveries.Withdraw(r.Context(), principal(r), id, in)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"state": tongfa.StateWithdrawn, "withdrawing": n})
}

// handleDeliveryAction retries a failed delivery or abandons one with a
// reason.
func (s *Server) handleDeliveryAction(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	var in deliveries.WithdrawInput
	if err == nil {
		err = s.decodeValid(w, r, &in, map[string]string{"reason": "原因"})
	}
	var d *tongfa.Delivery
	if err == nil && varsOf(r)["action"] == "retry" {
		d, err = s.Deliveries.Retry(r.Context(), principal(r), id, in.Reason)
	} else if err == nil {
		d, err = s.Deliveries.Abandon(r.Context(), principal(r), id, in.Reason)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// decodeValid decodes and validates a request body.
func (s *Server) decodeValid(w http.ResponseWriter, r *http.Request, v any, labels map[string]string) error {
	if err := s.decode(w, r, v); err != nil {
		return err
	}
	return s.Validate.Struct(v, labels)
}
