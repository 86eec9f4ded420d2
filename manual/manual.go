package manual

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/store"
)

// Pages reads a published page under the rules for outbound requests
// (connectors/media.Fetcher: public addresses only).
type Pages interface {
	Page(ctx context.Context, url string) ([]byte, error)
}

// Service owns the publishing tasks of manual channels.
type Service struct {
	DB    *store.DB
	Pages Pages
	Files Files // the media library and the web, for the download
	Log   *slog.Logger
	// ExtraHosts (host:port) are accepted as any platform's site besides
	// its own domains (Domains): the tests' loopback "platform".
	ExtraHosts []string
}

// Task is a publishing task as its operators see it.
type Task struct {
	ID            int64      `json:"id"` // the delivery's
	ItemID        int64      `json:"item_id"`
	Title         string     `json:"title"`
	AccountID     int64      `json:"account_id"`
	AccountName   string     `json:"account_name"`
	Platform      string     `json:"platform"`
	PlatformLabel string     `json:"platform_label"`
	State         string     `json:"state"` // manual (to do), failed (past its deadline), delivered
	StateLabel    string     `json:"state_label"`
	Text          string     `json:"text"`  // to paste: title, attribution, body
	Media         []string   `json:"media"` // pictures and video to post, in order
	Deadline      time.Time  `json:"deadline"`
	Overdue       bool       `json:"overdue"`
	Mine          bool       `json:"mine"` // the caller is one of the account's named managers
	URL           string     `json:"url,omitempty"`
	ConfirmedBy   string     `json:"confirmed_by,omitempty"`
	DeliveredAt   *time.Time `json:"delivered_at,omitempty"`
	CanConfirm    bool       `json:"can_confirm"`
}

// CanWork reports whether p does the tasks of the accounts of unit: its
// editors (运营) and administrators.
func CanWork(p *access.Principal, unit int64) bool {
	return p.Tree.Has(p.User, unit, tongfa.RoleEditor) || p.Tree.Administers(p.User, unit)
}

// workUnits are the units whose accounts' tasks p does.
func workUnits(p *access.Principal) []int64 {
	units := append(p.Tree.WithRole(p.User, tongfa.RoleEditor), p.Tree.WithRole(p.User, tongfa.RoleAdmin)...)
	slices.Sort(units)
	return slices.Compact(units)
}

// List returns the open tasks p does, the earliest deadline first.
func (s *Service) List(ctx context.Context, p *access.Principal, limit int) ([]Task, error) {
	list, err := s.DB.ManualTasks(ctx, workUnits(p), limit)
	if err != nil {
		return nil, err
	}
	now := s.DB.Now()
	out := make([]Task, 0, len(list))
	for i := range list {
		out = append(out, view(p, &list[i], now))
	}
	return out, nil
}

// Get returns task id when p may read its account's unit; another
// unit's task is not found.
func (s *Service) Get(ctx context.Context, p *access.Principal, id int64) (*Task, error) {
	t, err := s.task(ctx, p, id)
	if err != nil {
		return nil, err
	}
	v := view(p, t, s.DB.Now())
	return &v, nil
}

func (s *Service) task(ctx context.Context, p *access.Principal, id int64) (*store.ManualTask, error) {
	t, err := s.DB.ManualTask(ctx, id)
	if err != nil || !p.Tree.CanRead(p.User, t.Account.UnitID) {
		return nil, fmt.Errorf("manual: task %d: %w", id, tongfa.ErrNotFound)
	}
	return t, nil
}

func view(p *access.Principal, t *store.ManualTask, now time.Time) Task {
	v := Task{ID: t.ID, ItemID: t.ItemID, Title: t.Title, AccountID: t.Account.ID, AccountName: t.Account.Name,
		Platform: string(t.Account.Platform), PlatformLabel: t.Account.Platform.Label(), State: string(t.State),
		StateLabel: t.State.Label(), Text: t.Steps[store.StepTaskText], Deadline: t.Deadline(), URL: t.URL,
		ConfirmedBy: t.Steps[store.StepConfirmedBy], DeliveredAt: t.DeliveredAt, Media: media(t)}
	if t.State == tongfa.DeliveryManual {
		v.StateLabel = "待发布"
	}
	open := t.State == tongfa.DeliveryManual || t.State == tongfa.DeliveryFailed
	v.Overdue = t.State == tongfa.DeliveryFailed || open && !v.Deadline.IsZero() && now.After(v.Deadline)
	if t.State == tongfa.DeliveryFailed {
		v.StateLabel = "已逾期"
	}
	v.CanConfirm = open && CanWork(p, t.Account.UnitID)
	for _, m := range t.Account.Managers {
		v.Mine = v.Mine || (m.Name != "" && m.Name == p.User.DisplayName)
	}
	return v
}

func media(t *store.ManualTask) []string {
	var out []string
	for _, ref := range strings.Split(t.Steps[store.StepTaskMedia], "\n") {
		if ref = strings.TrimSpace(ref); ref != "" {
			out = append(out, ref)
		}
	}
	return out
}
