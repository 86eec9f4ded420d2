package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/store"
)

// deliveryView is one row of GET /items/{id}/deliveries.
type deliveryView struct {
	tongfa.Delivery
	AccountName   string `json:"account_name"`
	PlatformLabel string `json:"platform_label"`
}

func (s *Server) handleDeliveries(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		_, err = s.Items.Get(r.Context(), principal(r), id)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ds, err := s.DB.ItemDeliveries(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]deliveryView, 0, len(ds))
	for _, d := range ds {
		v := deliveryView{Delivery: d, PlatformLabel: d.Platform.Label()}
		if a, err := s.DB.Account(r.Context(), d.AccountID); err == nil {
			v.AccountName = a.Name
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"deliveries": out})
}

type reasonRequest struct {
	Reason   string `json:"reason" validate:"required,max=500"`
	Password string `json:"password" validate:"max=256"`
}

// handleWithdraw takes an item off every channel (R11). Leaders of the
// unit and administrators may, with their password.
func (s *Server) handleWithdraw(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req reasonRequest
	if err := s.decodeValid(w, r, &req, map[string]string{"reason": "撤回原因", "password": "密码"}); err != nil {
		s.writeError(w, r, err)
		return
	}
	it, err := s.Items.Get(r.Context(), p, id)
	if err == nil && !leaderOrAdmin(p, it.UnitID) {
		err = &tongfa.Error{Code: tongfa.EForbidden, Message: "只有本单位分管领导、主要领导或管理员可以撤回已发布稿件"}
	}
	if err == nil {
		err = s.Identity.StepUp(r.Context(), p, req.Password)
	}
	var ids []int64
	if err == nil {
		err = s.DB.InTx(r.Context(), func(tx *store.Tx) error {
			tx.Audit(store.UserActor(p.User, p.IP), "item.withdraw", fmt.Sprintf("item:%d", id), &it.UnitID,
				map[string]any{"reason": req.Reason, "version_hash": it.Version.Hash})
			ids, err = tx.WithdrawItem(r.Context(), id, req.Reason)
			return err
		})
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.Queue.EnqueueWithdraw(r.Context(), ids); err != nil {
		s.Logger.Warn("enqueue withdrawals", slog.Any("error", err)) // an admin can retry from the item page
	}
	writeJSON(w, http.StatusOK, map[string]any{"state": tongfa.StateWithdrawn, "withdrawing": len(ids)})
}

func leaderOrAdmin(p *access.Principal, unit int64) bool {
	return p.Tree.Has(p.User, unit, tongfa.RoleAdmin) || p.User.HasRole(unit, tongfa.RoleDeputy) || p.User.HasRole(unit, tongfa.RolePrincipal)
}

// handleDeliveryAction retries a failed delivery or abandons one with a
// reason (administrators of its unit).
func (s *Server) handleDeliveryAction(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req reasonRequest
	if err := s.decodeValid(w, r, &req, map[string]string{"reason": "原因"}); err != nil {
		s.writeError(w, r, err)
		return
	}
	action := varsOf(r)["action"]
	d, err := s.DB.Delivery(r.Context(), id)
	if err == nil {
		err = s.adminOfItem(r.Context(), p, d.ItemID)
	}
	if err == nil {
		err = s.applyDeliveryAction(r.Context(), p, d, action, req.Reason)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	d, _ = s.DB.Delivery(r.Context(), id)
	writeJSON(w, http.StatusOK, d)
}

func (s *Server) adminOfItem(ctx context.Context, p *access.Principal, itemID int64) error {
	it, err := s.Items.Get(ctx, p, itemID)
	if err != nil {
		return err
	}
	if !p.Tree.Has(p.User, it.UnitID, tongfa.RoleAdmin) {
		return &tongfa.Error{Code: tongfa.EForbidden, Message: "只有管理员可以重试或放弃投递"}
	}
	return nil
}

func (s *Server) applyDeliveryAction(ctx context.Context, p *access.Principal, d *tongfa.Delivery, action, reason string) error {
	from, to := []tongfa.DeliveryState{tongfa.DeliveryFailed}, tongfa.DeliveryQueued
	if action == "abandon" {
		from = []tongfa.DeliveryState{tongfa.DeliveryFailed, tongfa.DeliveryPending, tongfa.DeliveryQueued, tongfa.DeliveryUnconfirmed}
		to = tongfa.DeliveryAbandoned
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		tx.Audit(store.UserActor(p.User, p.IP), "delivery."+action, fmt.Sprintf("delivery:%d", d.ID), nil,
			map[string]any{"item_id": d.ItemID, "reason": reason, "from": d.State})
		if err := tx.SetDeliveryState(ctx, d.ID, from, to, strings.TrimSpace("管理员操作："+reason)); err != nil {
			return err
		}
		_, err := tx.SettleItem(ctx, d.ItemID)
		return err
	})
	if err == nil && action == "retry" {
		err = s.Queue.EnqueueIDs(ctx, d.Queue, []int64{d.ID})
	}
	return err
}

// decodeValid decodes and validates a request body.
func (s *Server) decodeValid(w http.ResponseWriter, r *http.Request, v any, labels map[string]string) error {
	if err := s.decode(w, r, v); err != nil {
		return err
	}
	return s.Validate.Struct(v, labels)
}
