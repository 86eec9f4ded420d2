package web

import (
	"net/http"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/items"
)

type checkRequest struct {
	Text      string            `json:"text" validate:"max=500000"`
	Exemption *tongfa.Exemption `json:"exemption"`
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
	if err := s.Validate.Struct(&req, map[string]string{"text": "文本", "unit_id": "单位", "date": "日期"}); err != nil {
		s.writeError(w, r, err)
		return
	}
	if ex := req.Exemption; ex != nil && (ex.Type != tongfa.ExemptionDisciplinary && ex.Type != tongfa.ExemptionMandatory || ex.Basis == "") {
		s.writeError(w, r, &tongfa.Error{Code: tongfa.EInvalid, Message: "豁免须注明类型（惩戒公示或强制性信息披露）和法定依据",
			Fields: map[string]string{"exemption": "类型须为 disciplinary 或 mandatory_disclosure，并填写 basis"}})
		return
	}
	rep, err := s.Items.CheckText(r.Context(), principal(r), items.TextCheck{Text: req.Text, Exemption: req.Exemption,
		UnitID: req.UnitID, Date: req.Date})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}
