package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/tongfa/tongfa"
)

const objectColumns = `b.hash, b.type, b.size, b.width, b.height, b.created_at,
	o.id, o.unit_id, COALESCE(o.uploaded_by, 0), o.name, o.alt, o.caption, o.published, o.derived_from, o.created_at`

func collectObjects(rows pgx.Rows, extra ...any) ([]*tongfa.MediaObject, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*tongfa.MediaObject, error) {
		var o tongfa.MediaObject
		var from []byte
		err := scanBlob(r, &o.Blob, append([]any{&o.ID, &o.UnitID, &o.UploadedBy, &o.Name, &o.Alt, &o.Caption, &o.Published, &from, &o.CreatedAt}, extra...)...)
		if from != nil {
			o.DerivedFrom = new(tongfa.MediaHash)
			copy(o.DerivedFrom[:], from)
		}
		return &o, err
	})
}

// ListObjects returns one page of the objects of units, newest first, and
// how many there are.
func (db *DB) ListObjects(ctx context.Context, units []int64, limit, offset int) ([]*tongfa.MediaObject, int, error) {
	if units == nil {
		units = []int64{}
	}
	total := 0
	rows, err := db.Pool.Query(ctx, `SELECT `+objectColumns+`, count(*) OVER ()
		FROM media_objects o JOIN media_blobs b ON b.hash = o.hash
		WHERE o.unit_id = ANY($1) ORDER BY o.id DESC LIMIT $2 OFFSET $3`, units, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list media objects: %w", err)
	}
	list, err := collectObjects(rows, &total)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list media objects: %w", err)
	}
	return list, total, nil
}

// ObjectsOf returns every unit's object of h, oldest first.
func (db *DB) ObjectsOf(ctx context.Context, h tongfa.MediaHash) ([]*tongfa.MediaObject, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+objectColumns+`
		FROM media_objects o JOIN media_blobs b ON b.hash = o.hash WHERE o.hash = $1 ORDER BY o.id`, h[:])
	if err != nil {
		return nil, fmt.Errorf("store: objects of %s: %w", h, err)
	}
	list, err := collectObjects(rows)
	if err != nil {
		return nil, fmt.Errorf("store: objects of %s: %w", h, err)
	}
	return list, nil
}

// MediaUse is an item some version of which uses a stored file.
type MediaUse struct {
	Item *tongfa.Item // without its version
	// Current: the item's current version uses the file.
	Current bool
}

// MediaUses returns the items any version of which uses h (Content.Media),
// at most limit, newest first.
func (db *DB) MediaUses(ctx context.Context, h tongfa.MediaHash, limit int) ([]MediaUse, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+itemColumns+`, bool_or(v.number = i.version_number)
		FROM items i JOIN item_versions v ON v.item_id = i.id
		WHERE v.content->'media' ? $1
		GROUP BY i.id ORDER BY i.id DESC LIMIT $2`, h.String(), limit)
	if err != nil {
		return nil, fmt.Errorf("store: uses of %s: %w", h, err)
	}
	uses, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (MediaUse, error) {
		var u MediaUse
		var err error
		u.Item, err = scanItem(r, &u.Current)
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: uses of %s: %w", h, err)
	}
	return uses, nil
}
