package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tongfa/tongfa"
)

const answerColumns = `id, message_id, unit_id, body, body_hash, findings, author_id, state, tier, signer_id, signed_at,
	decision_note, route, steps, attempts, last_error, sent_at, disclose, private_reason, disclosure_state, disclosure_url, created_at, updated_at`

func scanAnswer(r pgx.CollectableRow) (tongfa.Answer, error) {
	var a tongfa.Answer
	err := r.Scan(&a.ID, &a.MessageID, &a.UnitID, &a.Body, &a.BodyHash, &a.Findings, &a.AuthorID, &a.State, &a.Tier,
		&a.SignerID, &a.SignedAt, &a.DecisionNote, &a.Route, &a.Steps, &a.Attempts, &a.LastError, &a.SentAt, &a.Disclose,
		&a.PrivateReason, &a.DisclosureState, &a.DisclosureURL, &a.CreatedAt, &a.UpdatedAt)
	return a, err
}

// InsertAnswer stores a new answer (its ID and times are set). A message
// has at most one live answer: a second is refused with EConflict.
func (tx *Tx) InsertAnswer(ctx context.Context, a *tongfa.Answer) error {
	if a.Findings == nil {
		a.Findings = json.RawMessage("[]")
	}
	a.CreatedAt, a.UpdatedAt = tx.now, tx.now
	err := tx.QueryRow(ctx, `INSERT INTO answers (message_id, unit_id, body, body_hash, findings, author_id, state, tier, route,
			disclose, private_reason, disclosure_state, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$13) RETURNING id`,
		a.MessageID, a.UnitID, a.Body, a.BodyHash, a.Findings, a.AuthorID, a.State, a.Tier, a.Route,
		a.Disclose, a.PrivateReason, a.DisclosureState, tx.now).Scan(&a.ID)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return &tongfa.Error{Code: tongfa.EConflict, Message: "该留言已有一条处理中的答复，请先处理或撤回它"}
	}
	if err != nil {
		return fmt.Errorf("store: insert answer: %w", err)
	}
	return nil
}

// Answer returns one answer.
func (db *DB) Answer(ctx context.Context, id int64) (*tongfa.Answer, error) {
	return getAnswer(ctx, db.Pool, id, "")
}

// LockAnswer reads an answer for update.
func (tx *Tx) LockAnswer(ctx context.Context, id int64) (*tongfa.Answer, error) {
	return getAnswer(ctx, tx, id, " FOR UPDATE")
}

func getAnswer(ctx context.Context, q querier, id int64, lock string) (*tongfa.Answer, error) {
	rows, err := q.Query(ctx, `SELECT `+answerColumns+` FROM answers WHERE id = $1`+lock, id)
	if err != nil {
		return nil, fmt.Errorf("store: answer %d: %w", id, err)
	}
	a, err := pgx.CollectExactlyOneRow(rows, scanAnswer)
	if err == pgx.ErrNoRows {
		return nil, notFound("answer", id)
	}
	return &a, err
}

// AnswerFilter selects answers. Zero fields do not filter.
type AnswerFilter struct {
	MessageID int64
	Units     []int64 // nil: every unit
	States    []tongfa.AnswerState
	Limit     int
}

// Answers lists answers, newest first.
func (db *DB) Answers(ctx context.Context, f AnswerFilter) ([]tongfa.Answer, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	rows, err := db.Pool.Query(ctx, `SELECT `+answerColumns+` FROM answers
		WHERE ($1 = 0 OR message_id = $1) AND ($2::bigint[] IS NULL OR unit_id = ANY($2))
		  AND (coalesce(cardinality($3::text[]), 0) = 0 OR state = ANY($3))
		ORDER BY id DESC LIMIT $4`, f.MessageID, f.Units, f.States, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("store: answers: %w", err)
	}
	return pgx.CollectRows(rows, scanAnswer)
}

// AnswerUpdate is a change of one answer made by a person, applied only
// from one of the states in From.
type AnswerUpdate struct {
	From         []tongfa.AnswerState
	State        tongfa.AnswerState
	SignerID     *int64
	DecisionNote string
}

// UpdateAnswer applies u to answer id.
func (tx *Tx) UpdateAnswer(ctx context.Context, id int64, u AnswerUpdate) error {
	tag, err := tx.Exec(ctx, `UPDATE answers SET state = $3,
			signer_id = coalesce($4, signer_id),
			signed_at = CASE WHEN $4::bigint IS NULL THEN signed_at ELSE $6 END,
			decision_note = CASE WHEN $5 = '' THEN decision_note ELSE $5 END,
			updated_at = $6
		WHERE id = $1 AND state = ANY($2)`, id, u.From, u.State, u.SignerID, u.DecisionNote, tx.now)
	if err != nil {
		return fmt.Errorf("store: update answer %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return &tongfa.Error{Code: tongfa.EInvalidState, Message: "答复状态已变化，请刷新后再操作"}
	}
	return nil
}

// ClaimAnswer takes the lease of an approved answer (or of one whose
// sender's lease ran out) for owner and counts the attempt. It returns
// nil when there is nothing to send: the answer is done, someone else
// holds it, or only its disclosure is left.
func (db *DB) ClaimAnswer(ctx context.Context, id int64, owner string, lease time.Duration) (*tongfa.Answer, error) {
	now := db.now()
	rows, err := db.Pool.Query(ctx, `UPDATE answers SET state = 'sending', attempts = attempts + 1,
			lease_owner = $2, lease_until = $3, updated_at = $4
		WHERE id = $1 AND (state = 'approved' OR (state = 'sending' AND lease_until < $4))
		RETURNING `+answerColumns, id, owner, now.Add(lease), now)
	if err != nil {
		return nil, fmt.Errorf("store: claim answer %d: %w", id, err)
	}
	a, err := pgx.CollectExactlyOneRow(rows, scanAnswer)
	if err == pgx.ErrNoRows {
		return nil, nil
	}
	return &a, err
}

// SaveAnswerSteps merges checkpoints into an answer that owner holds.
func (db *DB) SaveAnswerSteps(ctx context.Context, id int64, owner string, kv map[string]string) error {
	tag, err := db.Pool.Exec(ctx, `UPDATE answers SET steps = steps || $3, updated_at = $4
		WHERE id = $1 AND state = 'sending' AND lease_owner = $2`, id, owner, kv, db.now())
	if err != nil {
		return fmt.Errorf("store: answer %d steps: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store: answer %d steps: %w", id, ErrLeaseLost)
	}
	return nil
}

// AnswerOutcome is how one send of an answer ended.
type AnswerOutcome struct {
	State tongfa.AnswerState // sent, failed, unconfirmed, or approved (to try again)
	Note  string             // why it failed or needs a person, in Chinese
	Steps map[string]string
}

// FinishAnswer records the end of owner's attempt. A sent answer makes its
// message answered at the same moment, and starts the disclosure unless the
// answer is private.
func (db *DB) FinishAnswer(ctx context.Context, id int64, owner string, o AnswerOutcome) error {
	if o.Steps == nil {
		o.Steps = map[string]string{}
	}
	return db.InTx(ctx, func(tx *Tx) error {
		var msgID, unitID int64
		err := tx.QueryRow(ctx, `UPDATE answers SET state = $3, last_error = $4, steps = steps || $5,
				lease_owner = NULL, lease_until = NULL, updated_at = $6,
				sent_at = CASE WHEN $3 = 'sent' THEN $6 ELSE sent_at END,
				disclosure_state = CASE WHEN $3 = 'sent' AND disclose THEN 'pending' ELSE disclosure_state END
			WHERE id = $1 AND state = 'sending' AND lease_owner = $2
			RETURNING message_id, unit_id`, id, owner, o.State, o.Note, o.Steps, tx.now).Scan(&msgID, &unitID)
		if err == pgx.ErrNoRows {
			return fmt.Errorf("store: finish answer %d: %w", id, ErrLeaseLost)
		}
		if err != nil {
			return fmt.Errorf("store: finish answer %d: %w", id, err)
		}
		if o.State == tongfa.AnswerSent {
			if err := tx.markAnswered(ctx, msgID); err != nil {
				return err
			}
		}
		tx.Audit(SystemActor, "answer."+string(o.State), fmt.Sprintf("answer:%d", id), &unitID, map[string]any{"message_id": msgID, "note": o.Note})
		return nil
	})
}

// markAnswered moves a message to answered when its answer reached the
// platform.
func (tx *Tx) markAnswered(ctx context.Context, msgID int64) error {
	_, err := tx.Exec(ctx, `UPDATE messages SET state = 'answered', answered_at = $2, updated_at = $2
		WHERE id = $1 AND state IN ('new','assigned')`, msgID, tx.now)
	if err != nil {
		return fmt.Errorf("store: message %d answered: %w", msgID, err)
	}
	return nil
}

// ConfirmAnswer settles an unconfirmed answer by a person's check on the
// platform: delivered makes it sent (and its message answered); not
// delivered sends it again.
func (tx *Tx) ConfirmAnswer(ctx context.Context, a *tongfa.Answer, delivered bool) error {
	if a.State != tongfa.AnswerUnconfirmed {
		return &tongfa.Error{Code: tongfa.EInvalidState, Message: "只有待核实的答复需要确认"}
	}
	state := tongfa.AnswerApproved
	if delivered {
		state = tongfa.AnswerSent
	}
	_, err := tx.Exec(ctx, `UPDATE answers SET state = $2, updated_at = $3,
			steps = CASE WHEN $2 = 'approved' THEN steps || '{"inflight": ""}' ELSE steps END,
			sent_at = CASE WHEN $2 = 'sent' THEN $3 ELSE sent_at END,
			disclosure_state = CASE WHEN $2 = 'sent' AND disclose THEN 'pending' ELSE disclosure_state END
		WHERE id = $1`, a.ID, state, tx.now)
	if err != nil {
		return fmt.Errorf("store: confirm answer %d: %w", a.ID, err)
	}
	if delivered {
		return tx.markAnswered(ctx, a.MessageID)
	}
	return nil
}

// AnswersDue lists answers the senders should be working on but may have
// lost (Redis flushed, a task dropped): approved and idle since before
// idle, sending with an expired lease, or sent with the disclosure
// pending.
func (db *DB) AnswersDue(ctx context.Context, idle time.Time) ([]int64, error) {
	rows, err := db.Pool.Query(ctx, `SELECT id FROM answers
		WHERE (state = 'approved' AND updated_at < $1) OR (state = 'sending' AND lease_until < $2)
		UNION SELECT id FROM answers WHERE disclosure_state = 'pending' AND updated_at < $1
		ORDER BY id LIMIT 1000`, idle, db.now())
	if err != nil {
		return nil, fmt.Errorf("store: answers due: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// SetDisclosure records the outcome of publishing an answer on the
// website's disclosure feed.
func (db *DB) SetDisclosure(ctx context.Context, id int64, state tongfa.DisclosureState, url, note string) error {
	_, err := db.Pool.Exec(ctx, `UPDATE answers SET disclosure_state = $2, disclosure_url = $3, updated_at = $4,
			last_error = CASE WHEN $5 = '' THEN last_error ELSE $5 END
		WHERE id = $1 AND disclosure_state = 'pending'`, id, state, url, db.now(), note)
	if err != nil {
		return fmt.Errorf("store: answer %d disclosure: %w", id, err)
	}
	return nil
}
