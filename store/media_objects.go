package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/tongfa/tongfa"
)

const objectSelect = `SELECT ` + objectColumns + `
	FROM media_objects o JOIN media_blobs b ON b.hash = o.hash WHERE o.unit_id = $1 AND o.hash = $2`

// Object returns unitID's object of h.
func (db *DB) Object(ctx context.Context, unitID int64, h tongfa.MediaHash) (*tongfa.MediaObject, error) {
	var o tongfa.MediaObject
	var from []byte
	err := scanBlob(db.Pool.QueryRow(ctx, objectSelect, unitID, h[:]), &o.Blob, &o.ID, &o.UnitID, &o.UploadedBy,
		&o.Name, &o.Alt, &o.Caption, &o.Published, &from, &o.CreatedAt)
	if err == pgx.ErrNoRows {
		return nil, notFound("media object", h)
	}
	if err != nil {
		return nil, fmt.Errorf("store: media object %s: %w", h, err)
	}
	if from != nil {
		o.DerivedFrom = new(tongfa.MediaHash)
		copy(o.DerivedFrom[:], from)
	}
	return &o, nil
}

// AddObject records o for its unit; when the unit has these bytes
// already, o becomes the existing object.
func (db *DB) AddObject(ctx context.Context, o *tongfa.MediaObject) error {
	var from []byte
	if o.DerivedFrom != nil {
		from = o.DerivedFrom[:]
	}
	_, err := db.Pool.Exec(ctx, `INSERT INTO media_objects (unit_id, hash, uploaded_by, name, alt, caption, derived_from, created_at)
		VALUES ($1, $2, NULLIF($3, 0), $4, $5, $6, $7, $8) ON CONFLICT (unit_id, hash) DO NOTHING`,
		o.UnitID, o.Hash[:], o.UploadedBy, o.Name, o.Alt, o.Caption, from, db.now())
	if err != nil {
		return fmt.Errorf("store: add media object %s: %w", o.Hash, translate(err))
	}
	got, err := db.Object(ctx, o.UnitID, o.Hash)
	if err != nil {
		return err
	}
	*o = *got
	return nil
}

// DescribeObject sets the alt text and caption of unitID's object of h.
func (db *DB) DescribeObject(ctx context.Context, unitID int64, h tongfa.MediaHash, alt, caption string) error {
	return db.updateObject(ctx, `UPDATE media_objects SET alt = $3, caption = $4 WHERE unit_id = $1 AND hash = $2`, unitID, h, alt, caption)
}

// SetPublished marks unitID's object of h as published, or not.
func (db *DB) SetPublished(ctx context.Context, unitID int64, h tongfa.MediaHash, published bool) error {
	return db.updateObject(ctx, `UPDATE media_objects SET published = $3 WHERE unit_id = $1 AND hash = $2`, unitID, h, published)
}

func (db *DB) updateObject(ctx context.Context, sql string, unitID int64, h tongfa.MediaHash, args ...any) error {
	tag, err := db.Pool.Exec(ctx, sql, append([]any{unitID, h[:]}, args...)...)
	if err != nil {
		return fmt.Errorf("store: update media object %s: %w", h, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound("media object", h)
	}
	return nil
}

// PutVariant records variant as source's copy for platform.
func (db *DB) PutVariant(ctx context.Context, source tongfa.MediaHash, platform string, variant tongfa.MediaHash) error {
	_, err := db.Pool.Exec(ctx, `INSERT INTO media_variants (source, platform, variant, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (source, platform) DO UPDATE SET variant = EXCLUDED.variant, created_at = EXCLUDED.created_at`,
		source[:], platform, variant[:], db.now())
	if err != nil {
		return fmt.Errorf("store: put media variant %s %s: %w", source, platform, translate(err))
	}
	return nil
}

// Variant returns source's copy for platform.
func (db *DB) Variant(ctx context.Context, source tongfa.MediaHash, platform string) (tongfa.MediaHash, error) {
	var h tongfa.MediaHash
	var b []byte
	err := db.Pool.QueryRow(ctx, `SELECT variant FROM media_variants WHERE source = $1 AND platform = $2`, source[:], platform).Scan(&b)
	if err == pgx.ErrNoRows {
		return h, notFound("media variant", source)
	}
	if err != nil {
		return h, fmt.Errorf("store: media variant %s %s: %w", source, platform, err)
	}
	copy(h[:], b)
	return h, nil
}
