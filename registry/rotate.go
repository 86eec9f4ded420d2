package registry

import (
	"context"
	"fmt"

	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/notify"
	"github.com/tongfa/tongfa/secret"
	"github.com/tongfa/tongfa/store"
)

// RotateKey re-encrypts every stored secret — account credentials, robot
// signing secrets, credentials in pending requests, users' TOTP secrets —
// from old to new (another key, another suite, or both) in one
// transaction: either all move or none.
func RotateKey(ctx context.Context, db *store.DB, old, next *secret.Box) (int, error) {
	n := 0
	err := db.InTx(ctx, func(tx *store.Tx) error {
		rows := []struct {
			table string
			aad   func(int64) []byte
		}{{"accounts", connectors.AccountAAD}, {"account_requests", RequestAAD}, {"robot_webhooks", notify.RobotAAD}, {"user_totp", store.TOTPAAD}}
		for _, r := range rows {
			k, err := reseal(ctx, tx, r.table, r.aad, old, next)
			if err != nil {
				return err
			}
			n += k
		}
		tx.Audit(store.SystemActor, "secrets.rotate", "secret-key", nil, map[string]any{"from": old.KeyID(), "to": next.KeyID(), "from_suite": old.Suite(), "to_suite": next.Suite(), "secrets": n})
		return nil
	})
	return n, err
}

// sealedColumn names each table's sealed column and the key its AAD names.
var sealedColumn = map[string][2]string{"accounts": {"credentials", "id"}, "account_requests": {"credentials", "id"},
	"robot_webhooks": {"secret", "id"}, "user_totp": {"secret", "user_id"}}

func reseal(ctx context.Context, tx *store.Tx, table string, aad func(int64) []byte, old, next *secret.Box) (int, error) {
	col, id := sealedColumn[table][0], sealedColumn[table][1]
	rows, err := tx.Query(ctx, fmt.Sprintf(`SELECT %s, %s FROM %s WHERE %[2]s IS NOT NULL FOR UPDATE`, id, col, table))
	if err != nil {
		return 0, err
	}
	type sealed struct {
		id int64
		ct []byte
	}
	var all []sealed
	for rows.Next() {
		var s sealed
		if err := rows.Scan(&s.id, &s.ct); err != nil {
			rows.Close()
			return 0, err
		}
		all = append(all, s)
	}
	rows.Close()
	for _, s := range all {
		pt, err := old.Open(s.ct, aad(s.id))
		if err != nil {
			return 0, fmt.Errorf("registry: %s %d: %w", table, s.id, err)
		}
		if _, err := tx.Exec(ctx, fmt.Sprintf(`UPDATE %s SET %s = $2 WHERE %s = $1`, table, col, id), s.id, next.Seal(pt, aad(s.id))); err != nil {
			return 0, err
		}
	}
	return len(all), nil
}
