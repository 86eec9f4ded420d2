package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
)

// FailedItem is an item whose publication ended with failing channels:
// failed (none got it) or published with some failing (部分发布失败).
type FailedItem struct {
	ItemID int64
	Title  string
	State  tongfa.ItemState
	// Channels are the failing accounts, as platform and name.
	Channels []FailedChannel
}

// FailedChannel is an account a settled item did not reach.
type FailedChannel struct {
	Platform    tongfa.Platform
	AccountName string
}

// FailedItems lists the settled items of units whose current version did
// not reach every channel (a delivery failed or was abandoned), most
// recent failure first.
func (db *DB) FailedItems(ctx context.Context, units []int64, limit int) ([]FailedItem, error) {
	// The items are chosen from the indexes alone (items_unit_newest,
	// deliveries_failed) and only the chosen ones' titles are read: a
	// title is in the version's row, next to its whole content.
	rows, err := db.Pool.Query(ctx, `SELECT f.id, v.title, f.state, f.platforms, f.names FROM (
			SELECT i.id, i.version_number, i.state, array_agg(a.platform ORDER BY a.id) AS platforms,
				array_agg(a.name ORDER BY a.id) AS names, max(d.updated_at) AS last
			FROM items i
			JOIN deliveries d ON d.item_id = i.id AND d.version_number = i.version_number AND d.state IN ('failed','abandoned')
			JOIN accounts a ON a.id = d.account_id
			WHERE i.unit_id = ANY($1) AND i.state IN ('failed','published')
			GROUP BY i.id, i.version_number, i.state ORDER BY last DESC, i.id DESC LIMIT $2) AS f
		JOIN item_versions v ON v.item_id = f.id AND v.number = f.version_number
		ORDER BY f.last DESC, f.id DESC`, units, limit)
	if err != nil {
		return nil, fmt.Errorf("store: failed items: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (FailedItem, error) {
		var f FailedItem
		var platforms []string
		var names []string
		if err := r.Scan(&f.ItemID, &f.Title, &f.State, &platforms, &names); err != nil {
			return f, err
		}
		for i := range platforms {
			f.Channels = append(f.Channels, FailedChannel{Platform: tongfa.Platform(platforms[i]), AccountName: names[i]})
		}
		return f, nil
	})
}
