package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// MassConfirmation is a protected mass send (群发保护) that answered
// awaiting_confirmation: the clock of the administrator's confirmation.
type MassConfirmation struct {
	AccountID  int64     `json:"account_id"`
	MsgID      string    `json:"msg_id"`
	UnitID     int64     `json:"unit_id"`
	EditionID  *int64    `json:"edition_id,omitempty"`
	DeliveryID *int64    `json:"delivery_id,omitempty"`
	Title      string    `json:"title"`
	SentAt     time.Time `json:"sent_at"`
	ConfirmBy  time.Time `json:"confirm_by"`
	State      string    `json:"state"` // awaiting, confirmed, failed
	Reason     string    `json:"reason,omitempty"`
}

// States of a MassConfirmation.
const (
	MassAwaiting  = "awaiting"
	MassConfirmed = "confirmed"
	MassRefused   = "failed"
)

const massConfirmationColumns = `account_id, msg_id, unit_id, edition_id, delivery_id, title, sent_at, confirm_by, state, coalesce(reason, '')`

func scanMassConfirmation(r pgx.CollectableRow) (MassConfirmation, error) {
	var m MassConfirmation
	return m, r.Scan(&m.AccountID, &m.MsgID, &m.UnitID, &m.EditionID, &m.DeliveryID, &m.Title, &m.SentAt, &m.ConfirmBy, &m.State, &m.Reason)
}

// RecordMassAwaiting starts the clock of a send that awaits confirmation;
// it reports whether it is new (a send followed again keeps its row).
func (db *DB) RecordMassAwaiting(ctx context.Context, m *MassConfirmation) (bool, error) {
	tag, err := db.Pool.Exec(ctx, `INSERT INTO mass_confirmations (account_id, msg_id, unit_id, edition_id, delivery_id, title,
		sent_at, confirm_by, state, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,'awaiting',$9,$9)
		ON CONFLICT (account_id, msg_id) DO NOTHING`,
		m.AccountID, m.MsgID, m.UnitID, m.EditionID, m.DeliveryID, m.Title, m.SentAt, m.ConfirmBy, db.now())
	if err != nil {
		return false, fmt.Errorf("store: mass confirmation %s: %w", m.MsgID, err)
	}
	m.State = MassAwaiting
	return tag.RowsAffected() == 1, nil
}

// EndMassConfirmation stops the clock of a send still awaiting: confirmed
// (the send went on) or failed with the reason. It returns the clock it
// stopped, nil when none was running.
func (db *DB) EndMassConfirmation(ctx context.Context, accountID int64, msgID, state, reason string) (*MassConfirmation, error) {
	rows, err := db.Pool.Query(ctx, `UPDATE mass_confirmations SET state = $3, reason = nullif($4, ''), updated_at = $5
		WHERE account_id = $1 AND msg_id = $2 AND state = 'awaiting' RETURNING `+massConfirmationColumns,
		accountID, msgID, state, reason, db.now())
	if err != nil {
		return nil, fmt.Errorf("store: end mass confirmation %s: %w", msgID, err)
	}
	list, err := pgx.CollectRows(rows, scanMassConfirmation)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return &list[0], nil
}

// AwaitingMassConfirmations lists every send still awaiting confirmation,
// the most pressing first.
func (db *DB) AwaitingMassConfirmations(ctx context.Context) ([]MassConfirmation, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+massConfirmationColumns+` FROM mass_confirmations
		WHERE state = 'awaiting' ORDER BY confirm_by`)
	if err != nil {
		return nil, fmt.Errorf("store: awaiting mass confirmations: %w", err)
	}
	return pgx.CollectRows(rows, scanMassConfirmation)
}

// MassConfirmationOf is the newest protection clock of an edition
// (editionID > 0) or a delivery; nil when it never awaited one.
func (db *DB) MassConfirmationOf(ctx context.Context, editionID, deliveryID int64) (*MassConfirmation, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+massConfirmationColumns+` FROM mass_confirmations
		WHERE ($1 > 0 AND edition_id = $1) OR ($2 > 0 AND delivery_id = $2) ORDER BY created_at DESC LIMIT 1`, editionID, deliveryID)
	if err != nil {
		return nil, fmt.Errorf("store: mass confirmation: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanMassConfirmation)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return &list[0], nil
}

// KeepEarlyPush keeps checkpoints of a mass send whose msg_id no edition
// or delivery has stored yet (a MASSSENDJOBFINISH push that raced the
// worker's checkpoint), then tries once more to apply them: a msg_id
// stored meanwhile takes them at once. It reports whether they were
// applied.
func (db *DB) KeepEarlyPush(ctx context.Context, accountID int64, msgID string, kv map[string]string) (bool, error) {
	b, _ := json.Marshal(kv)
	if _, err := db.Pool.Exec(ctx, `INSERT INTO mass_early_pushes (account_id, msg_id, steps, received_at) VALUES ($1,$2,$3,$4)
		ON CONFLICT (account_id, msg_id) DO UPDATE SET steps = mass_early_pushes.steps || excluded.steps, received_at = excluded.received_at`,
		accountID, msgID, b, db.now()); err != nil {
		return false, fmt.Errorf("store: keep early push %s: %w", msgID, err)
	}
	found, err := db.SaveMassSteps(ctx, accountID, msgID, kv)
	if err != nil || !found {
		return found, err
	}
	_, err = db.Pool.Exec(ctx, `DELETE FROM mass_early_pushes WHERE account_id = $1 AND msg_id = $2`, accountID, msgID)
	if err != nil {
		return true, fmt.Errorf("store: drop early push %s: %w", msgID, err)
	}
	return true, nil
}

// takeEarlyPush merges a kept push into the steps of whatever stored its
// msg_id (table editions or deliveries, row id) and returns what it
// merged; nil when there was none.
func (db *DB) takeEarlyPush(ctx context.Context, table string, id int64, msgID string) (map[string]string, error) {
	var raw []byte
	err := db.Pool.QueryRow(ctx, `WITH p AS (
			DELETE FROM mass_early_pushes WHERE account_id = (SELECT account_id FROM `+table+` WHERE id = $1) AND msg_id = $2
			RETURNING steps),
		u AS (UPDATE `+table+` SET steps = steps || (SELECT steps FROM p) WHERE id = $1 AND EXISTS (SELECT 1 FROM p) RETURNING 1)
		SELECT (SELECT steps FROM p) FROM (SELECT count(*) FROM u) x`, id, msgID).Scan(&raw)
	if err != nil {
		return nil, fmt.Errorf("store: early push of %s %d: %w", table, id, err)
	}
	if raw == nil {
		return nil, nil
	}
	var kv map[string]string
	if err := json.Unmarshal(raw, &kv); err != nil {
		return nil, fmt.Errorf("store: early push of %s %d: %w", table, id, err)
	}
	return kv, nil
}

// TakeEarlyPushForEdition applies a push kept for msgID to edition id.
func (db *DB) TakeEarlyPushForEdition(ctx context.Context, id int64, msgID string) (map[string]string, error) {
	return db.takeEarlyPush(ctx, "editions", id, msgID)
}

// TakeEarlyPushForDelivery applies a push kept for msgID to delivery id.
func (db *DB) TakeEarlyPushForDelivery(ctx context.Context, id int64, msgID string) (map[string]string, error) {
	return db.takeEarlyPush(ctx, "deliveries", id, msgID)
}
