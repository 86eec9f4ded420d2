package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
)

// Submission is one version going through one sign-off chain.
type Submission struct {
	ID            int64         `json:"id"`
	ItemID        int64         `json:"item_id"`
	VersionNumber int           `json:"version_number"`
	VersionHash   string        `json:"version_hash"`
	Tier          tongfa.Tier   `json:"tier"`
	Chain         []tongfa.Role `json:"chain"`
	// ChainUnits is the unit each level is signed in: 0 for the item's own
	// unit, else a unit whose account the item publishes on by grant.
	ChainUnits  []int64         `json:"chain_units,omitempty"`
	Reasons     json.RawMessage `json:"reasons"`
	State       string          `json:"state"`
	SubmittedBy int64           `json:"submitted_by"`
	SubmittedAt time.Time       `json:"submitted_at"`
	LevelSince  time.Time       `json:"level_since"`
	Escalated   int             `json:"escalated"`
	EndedAt     *time.Time      `json:"ended_at,omitempty"`
}

// CreateSubmission starts a chain; the partial unique index allows one
// active submission per item.
func (tx *Tx) CreateSubmission(ctx context.Context, s *Submission) error {
	s.SubmittedAt, s.LevelSince, s.State = tx.now, tx.now, "active"
	units := s.ChainUnits
	if units == nil {
		units = []int64{}
	}
	err := tx.QueryRow(ctx, `INSERT INTO submissions (item_id, version_number, version_hash, tier, chain, chain_units, reasons, submitted_by, submitted_at, level_since)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$9) RETURNING id`,
		s.ItemID, s.VersionNumber, s.VersionHash, string(s.Tier), s.Chain, units, s.Reasons, s.SubmittedBy, tx.now).Scan(&s.ID)
	if err != nil {
		return fmt.Errorf("store: create submission for item %d: %w", s.ItemID, translate(err))
	}
	return nil
}

const submissionColumns = `id, item_id, version_number, version_hash, tier, chain, chain_units, reasons, state, submitted_by, submitted_at, level_since, escalated, ended_at`

func scanSubmission(row pgx.CollectableRow) (Submission, error) {
	var s Submission
	err := row.Scan(submissionDest(&s)...)
	return s, err
}

func submissionDest(s *Submission, extra ...any) []any {
	return append([]any{&s.ID, &s.ItemID, &s.VersionNumber, &s.VersionHash, &s.Tier, &s.Chain, &s.ChainUnits, &s.Reasons, &s.State,
		&s.SubmittedBy, &s.SubmittedAt, &s.LevelSince, &s.Escalated, &s.EndedAt}, extra...)
}

// LevelUnit is the unit level (1-based) of s is signed in, for an item of
// itemUnit.
func (s *Submission) LevelUnit(level int, itemUnit int64) int64 {
	if level >= 1 && level <= len(s.ChainUnits) && s.ChainUnits[level-1] != 0 {
		return s.ChainUnits[level-1]
	}
	return itemUnit
}

// ActiveSubmission returns the item's submission in progress.
func (tx *Tx) ActiveSubmission(ctx context.Context, itemID int64) (*Submission, error) {
	return activeSubmission(ctx, tx, itemID)
}

// ActiveSubmission returns the item's submission in progress.
func (db *DB) ActiveSubmission(ctx context.Context, itemID int64) (*Submission, error) {
	return activeSubmission(ctx, db.Pool, itemID)
}

func activeSubmission(ctx context.Context, q querier, itemID int64) (*Submission, error) {
	rows, err := q.Query(ctx, `SELECT `+submissionColumns+` FROM submissions WHERE item_id = $1 AND state = 'active'`, itemID)
	if err != nil {
		return nil, fmt.Errorf("store: active submission of item %d: %w", itemID, err)
	}
	s, err := pgx.CollectExactlyOneRow(rows, scanSubmission)
	if err == pgx.ErrNoRows {
		return nil, notFound("active submission of item", itemID)
	}
	if err != nil {
		return nil, fmt.Errorf("store: active submission of item %d: %w", itemID, err)
	}
	return &s, nil
}

// Submissions lists every submission of an item, oldest first.
func (db *DB) Submissions(ctx context.Context, itemID int64) ([]Submission, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+submissionColumns+` FROM submissions WHERE item_id = $1 ORDER BY id`, itemID)
	if err != nil {
		return nil, fmt.Errorf("store: submissions of item %d: %w", itemID, err)
	}
	return pgx.CollectRows(rows, scanSubmission)
}

// EndSubmission closes an active submission (approved, rejected, voided or
// withdrawn); voiding or withdrawing also voids its sign-offs.
func (tx *Tx) EndSubmission(ctx context.Context, id int64, state, voidReason string) error {
	tag, err := tx.Exec(ctx, `UPDATE submissions SET state = $2, ended_at = $3 WHERE id = $1 AND state = 'active'`, id, state, tx.now)
	if err != nil {
		return fmt.Errorf("store: end submission %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return &tongfa.Error{Code: tongfa.EInvalidState, Message: "送审已结束，请刷新后重试"}
	}
	if voidReason == "" {
		return nil
	}
	_, err = tx.Exec(ctx, `UPDATE signoffs SET voided_at = $2, void_reason = $3 WHERE submission_id = $1 AND voided_at IS NULL`,
		id, tx.now, voidReason)
	if err != nil {
		return fmt.Errorf("store: void sign-offs of submission %d: %w", id, err)
	}
	return nil
}

// AdvanceLevel restarts the pending clock of a submission at a new level.
func (tx *Tx) AdvanceLevel(ctx context.Context, id int64) error {
	_, err := tx.Exec(ctx, `UPDATE submissions SET level_since = $2 WHERE id = $1`, id, tx.now)
	return err
}

// MarkEscalated records that a submission's level has been escalated, once.
func (tx *Tx) MarkEscalated(ctx context.Context, id int64, level int) (bool, error) {
	tag, err := tx.Exec(ctx, `UPDATE submissions SET escalated = $2 WHERE id = $1 AND state = 'active' AND escalated < $2`, id, level)
	if err != nil {
		return false, fmt.Errorf("store: escalate submission %d: %w", id, err)
	}
	return tag.RowsAffected() == 1, nil
}

// Signoff is one signature (or rejection) at one level.
type Signoff struct {
	ID            int64       `json:"id"`
	SubmissionID  int64       `json:"submission_id"`
	ItemID        int64       `json:"item_id"`
	VersionNumber int         `json:"version_number"`
	VersionHash   string      `json:"version_hash"`
	Level         int         `json:"level"`
	Role          tongfa.Role `json:"role"`
	SignerID      int64       `json:"signer_id"`
	OnBehalfOf    *int64      `json:"on_behalf_of,omitempty"`
	Decision      string      `json:"decision"`
	Comment       string      `json:"comment"`
	At            time.Time   `json:"at"`
	VoidedAt      *time.Time  `json:"voided_at,omitempty"`
	VoidReason    *string     `json:"void_reason,omitempty"`
}

// AddSignoff records a signature. The unique constraints refuse a second
// signature at the same level and a second level by the same person.
func (tx *Tx) AddSignoff(ctx context.Context, s *Signoff) error {
	s.At = tx.now
	err := tx.QueryRow(ctx, `INSERT INTO signoffs (submission_id, item_id, version_number, version_hash, level, role, signer_id, on_behalf_of, decision, comment, at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id`,
		s.SubmissionID, s.ItemID, s.VersionNumber, s.VersionHash, s.Level, string(s.Role), s.SignerID, s.OnBehalfOf,
		s.Decision, s.Comment, tx.now).Scan(&s.ID)
	if err != nil {
		return fmt.Errorf("store: add sign-off: %w", translate(err))
	}
	return nil
}

const signoffColumns = `id, submission_id, item_id, version_number, version_hash, level, role, signer_id, on_behalf_of, decision, comment, at, voided_at, void_reason`

func scanSignoff(row pgx.CollectableRow) (Signoff, error) {
	var s Signoff
	err := row.Scan(&s.ID, &s.SubmissionID, &s.ItemID, &s.VersionNumber, &s.VersionHash, &s.Level, &s.Role, &s.SignerID,
		&s.OnBehalfOf, &s.Decision, &s.Comment, &s.At, &s.VoidedAt, &s.VoidReason)
	return s, err
}

// Signoffs lists every sign-off of an item, voided ones included.
func (db *DB) Signoffs(ctx context.Context, itemID int64) ([]Signoff, error) {
	return signoffs(ctx, db.Pool, `item_id = $1`, itemID)
}

// SubmissionSignoffs lists the live sign-offs of one submission.
func (tx *Tx) SubmissionSignoffs(ctx context.Context, submissionID int64) ([]Signoff, error) {
	return signoffs(ctx, tx, `submission_id = $1 AND voided_at IS NULL`, submissionID)
}

func signoffs(ctx context.Context, q querier, where string, arg int64) ([]Signoff, error) {
	rows, err := q.Query(ctx, `SELECT `+signoffColumns+` FROM signoffs WHERE `+where+` ORDER BY id`, arg)
	if err != nil {
		return nil, fmt.Errorf("store: sign-offs: %w", err)
	}
	return pgx.CollectRows(rows, scanSignoff)
}

// VersionAuthors returns everyone who wrote a version of the item.
func (tx *Tx) VersionAuthors(ctx context.Context, itemID int64) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT DISTINCT author_id FROM item_versions WHERE item_id = $1`, itemID)
	if err != nil {
		return nil, fmt.Errorf("store: authors of item %d: %w", itemID, err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// VoidSubmission ends an active or approved submission because its version
// was superseded, voiding (never deleting) its sign-offs. It is a no-op
// when the item has no such submission.
func (tx *Tx) VoidSubmission(ctx context.Context, itemID int64, reason string) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `UPDATE submissions SET state = 'voided', ended_at = $2
		WHERE id = (SELECT id FROM submissions WHERE item_id = $1 AND state IN ('active','approved') ORDER BY id DESC LIMIT 1)
		RETURNING id`, itemID, tx.now).Scan(&id)
	if err == pgx.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: void submission of item %d: %w", itemID, err)
	}
	_, err = tx.Exec(ctx, `UPDATE signoffs SET voided_at = $2, void_reason = $3 WHERE submission_id = $1 AND voided_at IS NULL`,
		id, tx.now, reason)
	return id, err
}

// PendingLevel is an active submission as the escalation sweep sees it.
type PendingLevel struct {
	Submission
	UnitID   int64
	Level    int
	Urgent   bool
	Title    string
	AuthorID int64
}

// PendingLevels lists every active submission with its item.
func (db *DB) PendingLevels(ctx context.Context) ([]PendingLevel, error) {
	rows, err := db.Pool.Query(ctx, `SELECT s.id, s.item_id, s.version_number, s.version_hash, s.tier, s.chain, s.chain_units, s.reasons, s.state,
		s.submitted_by, s.submitted_at, s.level_since, s.escalated, s.ended_at, i.unit_id, i.level, v.urgency = 'urgent', v.title, i.author_id
		FROM submissions s JOIN items i ON i.id = s.item_id AND i.state = 'in_review'
		JOIN item_versions v ON v.item_id = i.id AND v.number = i.version_number
		WHERE s.state = 'active' ORDER BY s.level_since`)
	if err != nil {
		return nil, fmt.Errorf("store: pending levels: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (PendingLevel, error) {
		var p PendingLevel
		s := &p.Submission
		return p, r.Scan(submissionDest(s, &p.UnitID, &p.Level, &p.Urgent, &p.Title, &p.AuthorID)...)
	})
}

// ReviewQueueFilter selects the items waiting for one signer: for each
// role, the units where they may sign it.
type ReviewQueueFilter map[tongfa.Role][]int64

// ReviewQueue lists items whose pending level a signer may sign, urgent
// first, then oldest pending first.
func (db *DB) ReviewQueue(ctx context.Context, f ReviewQueueFilter) ([]ItemSummary, error) {
	var roles []string
	var units [][]int64
	for r, us := range f {
		if len(us) > 0 {
			roles, units = append(roles, string(r)), append(units, us)
		}
	}
	if len(roles) == 0 {
		return []ItemSummary{}, nil
	}
	var list []ItemSummary
	for i := range roles {
		rows, err := db.Pool.Query(ctx, `SELECT i.id, i.unit_id, i.author_id, i.state, i.version_number,
			coalesce(i.required_tier, ''), i.level, v.title, v.category, v.urgency, v.hash, i.created_at, i.updated_at, s.level_since
			FROM items i JOIN item_versions v ON v.item_id = i.id AND v.number = i.version_number
			JOIN submissions s ON s.item_id = i.id AND s.state = 'active'
			WHERE i.state = 'in_review' AND s.chain[i.level] = $2
			  AND coalesce(nullif(s.chain_units[i.level], 0), i.unit_id) = ANY($1)`, units[i], roles[i])
		if err != nil {
			return nil, fmt.Errorf("store: review queue: %w", err)
		}
		part, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ItemSummary, error) {
			var s ItemSummary
			return s, r.Scan(&s.ID, &s.UnitID, &s.AuthorID, &s.State, &s.VersionNumber, &s.RequiredTier, &s.Level,
				&s.Title, &s.Category, &s.Urgency, &s.Hash, &s.CreatedAt, &s.UpdatedAt, &s.PendingSince)
		})
		if err != nil {
			return nil, fmt.Errorf("store: review queue: %w", err)
		}
		list = append(list, part...)
	}
	slices.SortFunc(list, func(a, b ItemSummary) int {
		if (a.Urgency == "urgent") != (b.Urgency == "urgent") {
			if a.Urgency == "urgent" {
				return -1
			}
			return 1
		}
		return a.PendingSince.Compare(*b.PendingSince)
	})
	return list, nil
}

// CoSignUnits lists the units, other than the item's own, that sign a level
// of any of its submissions: they may see the item.
func (db *DB) CoSignUnits(ctx context.Context, itemID int64) ([]int64, error) {
	rows, err := db.Pool.Query(ctx, `SELECT DISTINCT u FROM submissions, unnest(chain_units) AS u
		WHERE item_id = $1 AND u <> 0 ORDER BY u`, itemID)
	if err != nil {
		return nil, fmt.Errorf("store: co-signing units of item %d: %w", itemID, err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}
