package web

import (
	"net/http"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/items"
	"github.com/tongfa/tongfa/sensitive"
)

type checkRequest struct {
	Text      string                `json:"text" validate:"max=500000"`
	Exemption *items.ExemptionInput `json:"exemption"`
}

// handleCheck runs the checker on a text (the console checks as the editor
// types; scripts check before they submit).
func (s *Server) handleCheck(w http.ResponseWriter, r *http.Request) {
	var req checkRequest
	if err := s.decode(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.Validate.Struct(&req, map[string]string{"text": "文本", "exemption.type": "豁免类型", "exemption.basis": "法定依据"}); err != nil {
		s.writeError(w, r, err)
		return
	}
	var opts sensitive.Options
	if ex := req.Exemption; ex != nil {
		opts.Exemption = &tongfa.Exemption{Type: ex.Type, Basis: ex.Basis}
	}
	writeJSON(w, http.StatusOK, s.Checker.Check(r.Context(), req.Text, opts))
}
