package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
)

// Notification is a message in a user's console.
type Notification struct {
	ID        int64      `json:"id"`
	UserID    int64      `json:"user_id"`
	ItemID    *int64     `json:"item_id,omitempty"`
	Kind      string     `json:"kind"`
	Urgent    bool       `json:"urgent"`
	Message   string     `json:"message"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
}

// Notify writes the same message to several users' consoles.
func (tx *Tx) Notify(ctx context.Context, userIDs []int64, itemID *int64, kind string, urgent bool, msg string) error {
	if len(userIDs) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO notifications (user_id, item_id, kind, urgent, message, created_at)
		SELECT u, $2, $3, $4, $5, $6 FROM unnest($1::bigint[]) AS u`, userIDs, itemID, kind, urgent, msg, tx.now)
	if err != nil {
		return fmt.Errorf("store: notify: %w", err)
	}
	return nil
}

// Notifications returns a user's newest notifications, urgent first among
// the unread.
func (db *DB) Notifications(ctx context.Context, userID int64, limit int) ([]Notification, error) {
	rows, err := db.Pool.Query(ctx, `SELECT id, user_id, item_id, kind, urgent, message, created_at, read_at FROM notifications
		WHERE user_id = $1 ORDER BY (read_at IS NULL AND urgent) DESC, id DESC LIMIT $2`, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: notifications of user %d: %w", userID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Notification, error) {
		var n Notification
		return n, r.Scan(&n.ID, &n.UserID, &n.ItemID, &n.Kind, &n.Urgent, &n.Message, &n.CreatedAt, &n.ReadAt)
	})
}

// MarkNotificationsRead marks a user's notifications read.
func (db *DB) MarkNotificationsRead(ctx context.Context, userID int64, ids []int64) error {
	_, err := db.Pool.Exec(ctx, `UPDATE notifications SET read_at = $3 WHERE user_id = $1 AND id = ANY($2) AND read_at IS NULL`,
		userID, ids, db.now())
	return err
}

// UsersWithRole returns the enabled users holding any of roles in any of
// units, each once, in id order.
func (tx *Tx) UsersWithRole(ctx context.Context, units []int64, roles ...tongfa.Role) ([]int64, error) {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	rows, err := tx.Query(ctx, `SELECT DISTINCT g.user_id FROM role_grants g JOIN users u ON u.id = g.user_id
		WHERE g.unit_id = ANY($1) AND g.role = ANY($2) AND NOT u.disabled ORDER BY 1`, units, names)
	if err != nil {
		return nil, fmt.Errorf("store: users with role %v: %w", roles, err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// UnitPolicy returns a unit's tier-policy override, or "" for the default.
func (db *DB) UnitPolicy(ctx context.Context, unitID int64) (string, error) {
	var p string
	err := db.Pool.QueryRow(ctx, `SELECT policy FROM unit_policies WHERE unit_id = $1`, unitID).Scan(&p)
	if err == pgx.ErrNoRows {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: policy of unit %d: %w", unitID, err)
	}
	return p, nil
}

// SetUnitPolicy stores a unit's tier-policy override ("" removes it).
func (tx *Tx) SetUnitPolicy(ctx context.Context, unitID int64, policy string, by *int64) error {
	var err error
	if policy == "" {
		_, err = tx.Exec(ctx, `DELETE FROM unit_policies WHERE unit_id = $1`, unitID)
	} else {
		_, err = tx.Exec(ctx, `INSERT INTO unit_policies (unit_id, policy, updated_by, updated_at) VALUES ($1,$2,$3,$4)
			ON CONFLICT (unit_id) DO UPDATE SET policy = $2, updated_by = $3, updated_at = $4`, unitID, policy, by, tx.now)
	}
	if err != nil {
		return fmt.Errorf("store: set policy of unit %d: %w", unitID, err)
	}
	return nil
}

// RobotWebhook is a group robot a unit configured.
type RobotWebhook struct {
	ID      int64  `json:"id"`
	UnitID  int64  `json:"unit_id"`
	Kind    string `json:"kind"`
	URL     string `json:"url"`
	Secret  []byte `json:"-"`
	Enabled bool   `json:"enabled"`
}

// RobotWebhooks lists a unit's enabled robots.
func (db *DB) RobotWebhooks(ctx context.Context, unitID int64) ([]RobotWebhook, error) {
	rows, err := db.Pool.Query(ctx, `SELECT id, unit_id, kind, url, secret, enabled FROM robot_webhooks
		WHERE unit_id = $1 AND enabled ORDER BY id`, unitID)
	if err != nil {
		return nil, fmt.Errorf("store: robots of unit %d: %w", unitID, err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (RobotWebhook, error) {
		var w RobotWebhook
		return w, r.Scan(&w.ID, &w.UnitID, &w.Kind, &w.URL, &w.Secret, &w.Enabled)
	})
}

// CreateRobotWebhook stores a robot; seal encrypts its secret once the id
// is known (nil when it has none).
func (tx *Tx) CreateRobotWebhook(ctx context.Context, w *RobotWebhook, seal func(id int64) []byte) error {
	err := tx.QueryRow(ctx, `INSERT INTO robot_webhooks (unit_id, kind, url, enabled, created_at) VALUES ($1,$2,$3,true,$4) RETURNING id`,
		w.UnitID, w.Kind, w.URL, tx.now).Scan(&w.ID)
	if err != nil {
		return fmt.Errorf("store: create robot: %w", translate(err))
	}
	w.Enabled = true
	if seal == nil {
		return nil
	}
	w.Secret = seal(w.ID)
	_, err = tx.Exec(ctx, `UPDATE robot_webhooks SET secret = $2 WHERE id = $1`, w.ID, w.Secret)
	return err
}
