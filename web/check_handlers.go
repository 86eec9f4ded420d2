package web

import (
	"net/http"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/items"
)

type checkRequest struct {
	Text      string                `json:"text" validate:"max=500000"`
	Exemption *items.ExemptionInput `json:"exemption"`
	// UnitID chooses the leaders table (default: the caller's unit); Date
	// is the day leaders are judged on (default: today, China time).
	UnitID int64  `json:"unit_id" validate:"omitempty,gt=0"`
	Date   string `json:"date" validate:"omitempty,max=10"`
}

// handleCheck runs the checker on a text (the console checks as the editor
// types; scripts check before they submit).
func (s *Server) handleCheck(w http.ResponseWriter, r *http.Request) {
	var req checkRequest
	if err := s.decode(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	labels := map[string]string{"text": "文本", "unit_id": "单位", "date": "日期", "exemption.type": "豁免类型", "exemption.basis": "法定依据"}
	if err := s.Validate.Struct(&req, labels); err != nil {
		s.writeError(w, r, err)
		return
	}
	in := items.TextCheck{Text: req.Text, UnitID: req.UnitID, Date: req.Date}
	if ex := req.Exemption; ex != nil {
		in.Exemption = &tongfa.Exemption{Type: ex.Type, Basis: ex.Basis}
	}
	rep, err := s.Items.CheckText(r.Context(), principal(r), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}
