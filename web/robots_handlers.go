package web

import (
	"fmt"
	"net/http"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/notify"
	"github.com/tongfa/tongfa/store"
)

type robotRequest struct {
	UnitID int64  `json:"unit_id" validate:"required,gt=0"`
	Kind   string `json:"kind" validate:"required,oneof=wecom dingtalk"`
	URL    string `json:"url" validate:"required,max=1000,http_url"`
	Secret string `json:"secret" validate:"max=200"`
}

// handleCreateRobot registers a WeCom or DingTalk group robot of a unit
// (its administrators); the signing secret is sealed like credentials.
func (s *Server) handleCreateRobot(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var req robotRequest
	if err := s.decodeValid(w, r, &req, map[string]string{"unit_id": "单位", "kind": "机器人类型", "url": "Webhook 地址", "secret": "加签密钥"}); err != nil {
		s.writeError(w, r, err)
		return
	}
	if !p.Tree.Has(p.User, req.UnitID, tongfa.RoleAdmin) {
		s.writeError(w, r, &tongfa.Error{Code: tongfa.EForbidden, Message: "只有该单位管理员可以配置群机器人"})
		return
	}
	if req.Secret != "" && s.Box == nil {
		s.writeError(w, r, &tongfa.Error{Code: tongfa.EUnavailable, Message: "服务器未配置密钥（TONGFA_SECRET_KEY），不能保存加签密钥"})
		return
	}
	rw := &store.RobotWebhook{UnitID: req.UnitID, Kind: req.Kind, URL: req.URL}
	var seal func(int64) []byte
	if req.Secret != "" {
		seal = func(id int64) []byte { return s.Box.Seal([]byte(req.Secret), notify.RobotAAD(id)) }
	}
	err := s.DB.InTx(r.Context(), func(tx *store.Tx) error {
		if err := tx.CreateRobotWebhook(r.Context(), rw, seal); err != nil {
			return err
		}
		tx.Audit(store.UserActor(p.User, p.IP), "robot.create", fmt.Sprintf("robot:%d", rw.ID), &req.UnitID, map[string]any{"kind": req.Kind})
		return nil
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, rw)
}

func (s *Server) handleRobots(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	var out []store.RobotWebhook
	for _, u := range p.Tree.WithRole(p.User, tongfa.RoleAdmin) {
		list, err := s.DB.RobotWebhooks(r.Context(), u)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out = append(out, list...)
	}
	writeJSON(w, http.StatusOK, map[string]any{"robots": nonNil(out)})
}
