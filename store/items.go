package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
)

// CreateItem inserts a draft item, its first version and the audit row
// recording it, as one statement: atomic without an explicit transaction,
// and one round trip on the hottest write path.
func (db *DB) CreateItem(ctx context.Context, unitID, authorID int64, c tongfa.Content, a Actor, details any) (*tongfa.Item, error) {
	return db.CreateItemAt(ctx, unitID, authorID, c, nil, a, details)
}

// CreateItemAt is CreateItem for an item scheduled for publishAt (nil: as
// soon as it is approved).
func (db *DB) CreateItemAt(ctx context.Context, unitID, authorID int64, c tongfa.Content, publishAt *time.Time, a Actor, details any) (*tongfa.Item, error) {
	now := db.now()
	c = c.Canonical()
	v := &tongfa.Version{Number: 1, Hash: db.VersionHash(c), AuthorID: authorID, CreatedAt: now, Content: c}
	body, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("store: encode version: %w", err)
	}
	e := newAuditEntry(now, a, "item.create", "", &unitID, details)
	it := &tongfa.Item{UnitID: unitID, AuthorID: authorID, State: tongfa.StateDraft, VersionNumber: 1,
		CreatedAt: now, UpdatedAt: now, Version: v, PublishAt: publishAt}
	err = db.Pool.QueryRow(ctx, `WITH i AS (
			INSERT INTO items (unit_id, author_id, state, version_number, created_at, updated_at, publish_at)
			VALUES ($1, $2, 'draft', 1, $3, $3, $14) RETURNING id),
		v AS (INSERT INTO item_versions (item_id, number, hash, author_id, created_at, title, category, urgency, content)
			SELECT i.id, 1, $4, $2, $3, $5, $6, $7, $8 FROM i),
		a AS (INSERT INTO audit_log (at, actor_id, actor, action, target, unit_id, ip, details)
			SELECT $3, $9, $10, $11, 'item:' || i.id, $1, $12, $13 FROM i)
		SELECT id FROM i`,
		unitID, authorID, now, v.Hash, c.Title, c.Category, string(c.Urgency), body,
		e.ActorID, e.Actor, e.Action, e.IP, e.Details, publishAt).Scan(&it.ID)
	if err != nil {
		return nil, fmt.Errorf("store: create item: %w", translate(err))
	}
	v.ItemID = it.ID
	return it, nil
}

// AddVersion appends version prev+1 to an item. It fails with a conflict if
// another version was added since prev was read, so two editors saving at
// once cannot silently overwrite each other.
func (tx *Tx) AddVersion(ctx context.Context, itemID int64, prev int, authorID int64, c tongfa.Content) (*tongfa.Version, error) {
	c = c.Canonical()
	v := &tongfa.Version{ItemID: itemID, Number: prev + 1, Hash: tx.db.VersionHash(c), AuthorID: authorID, CreatedAt: tx.now, Content: c}
	tag, err := tx.Exec(ctx, `UPDATE items SET version_number = $2, updated_at = $3 WHERE id = $1 AND version_number = $4`,
		itemID, v.Number, tx.now, prev)
	if err != nil {
		return nil, fmt.Errorf("store: add version to item %d: %w", itemID, err)
	}
	if tag.RowsAffected() == 0 {
		return nil, &tongfa.Error{Code: tongfa.EConflict, Message: "内容已被他人修改，请刷新后再保存"}
	}
	body, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("store: encode version: %w", err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO item_versions (item_id, number, hash, author_id, created_at, title, category, urgency, content)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, itemID, v.Number, v.Hash, authorID, tx.now, c.Title, c.Category, string(c.Urgency), body)
	if err != nil {
		return nil, fmt.Errorf("store: insert version %d of item %d: %w", v.Number, itemID, translate(err))
	}
	return v, nil
}

const itemColumns = `i.id, i.unit_id, i.author_id, i.state, i.version_number, coalesce(i.required_tier, ''), i.level, i.created_at, i.updated_at,
	i.publish_at, i.signed_publish_at, i.not_after`

func scanItem(row pgx.Row, extra ...any) (*tongfa.Item, error) {
	var it tongfa.Item
	dst := append([]any{&it.ID, &it.UnitID, &it.AuthorID, &it.State, &it.VersionNumber, &it.RequiredTier, &it.Level, &it.CreatedAt, &it.UpdatedAt,
		&it.PublishAt, &it.SignedPublishAt, &it.NotAfter}, extra...)
	if err := row.Scan(dst...); err != nil {
		return nil, err
	}
	return &it, nil
}

// Item returns an item with its current version.
func (db *DB) Item(ctx context.Context, id int64) (*tongfa.Item, error) {
	return getItem(ctx, db.Pool, id, "")
}

// LockItem reads an item with its current version and locks its row until
// the transaction ends.
func (tx *Tx) LockItem(ctx context.Context, id int64) (*tongfa.Item, error) {
	return getItem(ctx, tx, id, " FOR UPDATE OF i")
}

// itemQuery reads items with their current version (see readItem).
const itemQuery = `SELECT ` + itemColumns + `, v.number, v.hash, v.author_id, v.created_at, v.content
	FROM items i JOIN item_versions v ON v.item_id = i.id AND v.number = i.version_number`

// itemByID selects an item with its current version ($1: the id).
const itemByID = itemQuery + ` WHERE i.id = $1`

func getItem(ctx context.Context, q querier, id int64, lock string) (*tongfa.Item, error) {
	return readItem(q.QueryRow(ctx, itemByID+lock, id), id)
}

// readItem scans a row of itemByID.
func readItem(row pgx.Row, id int64) (*tongfa.Item, error) {
	var v tongfa.Version
	var body []byte
	it, err := scanItem(row, &v.Number, &v.Hash, &v.AuthorID, &v.CreatedAt, &body)
	if err == pgx.ErrNoRows {
		return nil, notFound("item", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get item %d: %w", id, err)
	}
	if err := json.Unmarshal(body, &v.Content); err != nil {
		return nil, fmt.Errorf("store: decode item %d: %w", id, err)
	}
	v.ItemID = id
	it.Version = &v
	return it, nil
}

// Version returns one version of an item.
func (db *DB) Version(ctx context.Context, itemID int64, number int) (*tongfa.Version, error) {
	v := tongfa.Version{ItemID: itemID}
	var body []byte
	err := db.Pool.QueryRow(ctx, `SELECT number, hash, author_id, created_at, content FROM item_versions
		WHERE item_id = $1 AND number = $2`, itemID, number).Scan(&v.Number, &v.Hash, &v.AuthorID, &v.CreatedAt, &body)
	if err == pgx.ErrNoRows {
		return nil, notFound("item version", fmt.Sprintf("%d/%d", itemID, number))
	}
	if err != nil {
		return nil, fmt.Errorf("store: get version %d of item %d: %w", number, itemID, err)
	}
	return &v, json.Unmarshal(body, &v.Content)
}

// ItemSummary is a row of an item list.
type ItemSummary struct {
	ID            int64            `json:"id"`
	UnitID        int64            `json:"unit_id"`
	AuthorID      int64            `json:"author_id"`
	State         tongfa.ItemState `json:"state"`
	VersionNumber int              `json:"version_number"`
	RequiredTier  tongfa.Tier      `json:"required_tier,omitempty"`
	Level         int              `json:"level"`
	Title         string           `json:"title"`
	Category      string           `json:"category"`
	Urgency       string           `json:"urgency"`
	Hash          string           `json:"hash"`
	CreatedAt     time.Time        `json:"created_at"`
	UpdatedAt     time.Time        `json:"updated_at"`
	PendingSince  *time.Time       `json:"pending_since,omitempty"` // review queue: when the level became pending
	PublishAt     *time.Time       `json:"publish_at,omitempty"`
}

// ItemFilter selects items. UnitIDs is mandatory: callers pass the units the
// user may see, so a missing filter can never leak another unit's drafts.
type ItemFilter struct {
	UnitIDs  []int64
	State    tongfa.ItemState
	Category string
	Urgency  tongfa.Urgency
	AuthorID int64
	Query    string // substring of the title
	Page     int    // 1-based
	PerPage  int
}

// listMergeRows bounds the rows ListItems reads unit by unit and merges
// (units × the rows up to the page's end); larger scopes read the newest
// ids of all instead.
var listMergeRows = 5000

// ListItems returns one page of items, newest first, and the total count.
func (db *DB) ListItems(ctx context.Context, f ItemFilter) ([]ItemSummary, int, error) {
	if f.UnitIDs == nil {
		f.UnitIDs = []int64{}
	}
	if f.Page < 1 {
		f.Page = 1
	}
	// The page and the count are two statements in one round trip: a
	// count(*) OVER () made PostgreSQL join and count every item of the
	// scope on every page (78,000 for a province's office), and the count
	// needs the versions only when a filter reads them.
	args := []any{f.UnitIDs, string(f.State), f.Category, string(f.Urgency), f.AuthorID, f.Query}
	const filters = `($2 = '' OR i.state = $2) AND ($3 = '' OR v.category = $3)
		  AND ($4 = '' OR v.urgency = $4) AND ($5 = 0 OR i.author_id = $5)
		  AND ($6 = '' OR strpos(v.title, $6) > 0)`
	const where = `i.unit_id = ANY($1) AND ` + filters
	const columns = `i.id, i.unit_id, i.author_id, i.state, i.version_number,
		coalesce(i.required_tier, ''), i.level, v.title, v.category, v.urgency, v.hash, i.created_at, i.updated_at,
		i.publish_at
		FROM items i JOIN item_versions v ON v.item_id = i.id AND v.number = i.version_number`
	b := &pgx.Batch{}
	page := append(args, f.PerPage, (f.Page-1)*f.PerPage)
	if len(f.UnitIDs)*f.Page*f.PerPage <= listMergeRows {
		// A scope of few units: each unit's newest rows up to the end of
		// the page from items_unit_newest, merged. PostgreSQL 15 cannot read
		// an index in order for unit_id = ANY(...), so the statement below
		// walks everyone's ids newest first until it has a page of the
		// scope's: some 6,000 rows for a department of a province.
		b.Queue(`SELECT x.* FROM (SELECT DISTINCT unnest($1::bigint[]) AS id) AS u
			CROSS JOIN LATERAL (SELECT `+columns+`
				WHERE i.unit_id = u.id AND `+filters+`
				ORDER BY i.id DESC LIMIT $7::int + $8::int) AS x
			ORDER BY x.id DESC LIMIT $7 OFFSET $8`, page...)
	} else {
		// Many units: their page is among the newest ids of all.
		b.Queue(`SELECT `+columns+` WHERE `+where+`
			ORDER BY i.id DESC LIMIT $7 OFFSET $8`, page...)
	}
	if f.Category == "" && f.Urgency == "" && f.Query == "" {
		b.Queue(`SELECT count(*) FROM items i WHERE i.unit_id = ANY($1) AND ($2 = '' OR i.state = $2) AND ($3 = 0 OR i.author_id = $3)`,
			f.UnitIDs, string(f.State), f.AuthorID)
	} else {
		b.Queue(`SELECT count(*) FROM items i JOIN item_versions v ON v.item_id = i.id AND v.number = i.version_number WHERE `+where, args...)
	}
	return listAndCount(ctx, db, b, "items", func(r pgx.CollectableRow) (ItemSummary, error) {
		var s ItemSummary
		return s, r.Scan(&s.ID, &s.UnitID, &s.AuthorID, &s.State, &s.VersionNumber, &s.RequiredTier, &s.Level,
			&s.Title, &s.Category, &s.Urgency, &s.Hash, &s.CreatedAt, &s.UpdatedAt, &s.PublishAt)
	})
}

// listAndCount sends b, whose first statement lists rows and whose second
// counts them all, in one round trip.
func listAndCount[T any](ctx context.Context, db *DB, b *pgx.Batch, what string, scan pgx.RowToFunc[T]) ([]T, int, error) {
	br := db.Pool.SendBatch(ctx, b)
	defer br.Close()
	rows, err := br.Query()
	if err != nil {
		return nil, 0, fmt.Errorf("store: list %s: %w", what, err)
	}
	list, err := pgx.CollectRows(rows, scan)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list %s: %w", what, err)
	}
	total := 0
	if err := br.QueryRow().Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count %s: %w", what, err)
	}
	return list, total, br.Close()
}

// ItemUpdate is one guarded state change. The row changes only if the item
// is in one of From (and at FromLevel when set), so of two concurrent
// callers exactly one wins and the other gets an invalid_state error.
type ItemUpdate struct {
	From      []tongfa.ItemState
	FromLevel *int
	To        tongfa.ItemState
	Level     int
	Tier      tongfa.Tier // "" clears the tier
}

// UpdateItemState is the single owner of item state changes.
func (tx *Tx) UpdateItemState(ctx context.Context, id int64, u ItemUpdate) error {
	from := make([]string, len(u.From))
	for i, s := range u.From {
		from[i] = string(s)
	}
	tag, err := tx.Exec(ctx, `UPDATE items SET state = $2, level = $3, required_tier = nullif($4, ''), updated_at = $5
		WHERE id = $1 AND state = ANY($6) AND ($7::int IS NULL OR level = $7)`,
		id, string(u.To), u.Level, string(u.Tier), tx.now, from, u.FromLevel)
	if err != nil {
		return fmt.Errorf("store: item %d -> %s: %w", id, u.To, err)
	}
	if tag.RowsAffected() == 0 {
		return &tongfa.Error{Code: tongfa.EInvalidState, Message: "稿件状态已变化，请刷新后重试"}
	}
	return nil
}
