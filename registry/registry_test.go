package registry_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/notify"
	"github.com/tongfa/tongfa/registry"
	"github.com/tongfa/tongfa/secret"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
	"github.com/tongfa/tongfa/validate"
	"github.com/tongfa/tongfa/workday"
)

// office is a supervising unit with one host unit, an administrator of
// each, and the registry service over a real store.
type office struct {
	db         *store.DB
	svc        *registry.Service
	city, host *tongfa.Unit
	cityAdmin  *tongfa.User
	hostAdmin  *tongfa.User
	sysAdmin   *tongfa.User
}

func box(t testing.TB, b byte) *secret.Box {
	t.Helper()
	bx, err := secret.NewSuite(bytes.Repeat([]byte{b}, 32), os.Getenv("TONGFA_CRYPTO")) // std or sm, as the run asks
	if err != nil {
		t.Fatal(err)
	}
	return bx
}

func newOffice(t testing.TB) *office {
	t.Helper()
	ctx := context.Background()
	o := &office{db: storetest.New(t)}
	err := o.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if o.city, err = tx.CreateUnit(ctx, "示范市人民政府办公室", nil); err != nil {
			return err
		}
		if o.host, err = tx.CreateUnit(ctx, "示范市甲局", &o.city.ID); err != nil {
			return err
		}
		add := staffer(ctx, tx, &err)
		o.cityAdmin = add("cityadmin", o.city.ID, tongfa.RoleAdmin)
		o.hostAdmin = add("hostadmin", o.host.ID, tongfa.RoleAdmin)
		o.sysAdmin = add("sysadmin", o.city.ID, tongfa.RoleSysAdmin)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	o.svc = &registry.Service{DB: o.db, Box: box(t, 1), Validate: validate.New(),
		Calendar: func() *workday.Calendar { return workday.Default() }}
	return o
}

// staffer returns a function adding a user with one role in tx; the
// first failure is kept in *err.
func staffer(ctx context.Context, tx *store.Tx, err *error) func(name string, unit int64, role tongfa.Role) *tongfa.User {
	return func(name string, unit int64, role tongfa.Role) *tongfa.User {
		u, e := tx.CreateUser(ctx, store.NewUser{Username: name, UnitID: unit, PasswordHash: "x"})
		if e == nil {
			e = tx.Grant(ctx, u.ID, unit, role)
		}
		if e != nil && *err == nil {
			*err = e
		}
		return u
	}
}

// as is the principal of a user, with grants and unit tree as stored.
func (o *office) as(t testing.TB, u *tongfa.User) *access.Principal {
	t.Helper()
	ctx := context.Background()
	full, err := o.db.User(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	units, err := o.db.Units(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return &access.Principal{User: full, Tree: access.NewTree(units), IP: "127.0.0.1"}
}

// sealedColumns returns every sealed value stored, by table and row.
func sealedColumns(t *testing.T, db *store.DB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for table, col := range map[string][2]string{"accounts": {"credentials", "id"}, "account_requests": {"credentials", "id"},
		"robot_webhooks": {"secret", "id"}, "user_totp": {"secret", "user_id"}} {
		rows, err := db.Pool.Query(context.Background(), fmt.Sprintf(`SELECT %s, %s FROM %s WHERE %[2]s IS NOT NULL`, col[1], col[0], table))
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			var b []byte
			if err := rows.Scan(&id, &b); err != nil {
				t.Fatal(err)
			}
			out[fmt.Sprintf("%s:%d", table, id)] = b
		}
		rows.Close()
	}
	return out
}

// TestRotationKeepsEveryCredentialReadable: credentials of accounts, of a
// pending opening request and robot secrets are sealed at rest; rotating
// the key re-seals all of them, each still opens under the new key and
// none under the old; a rotation from the wrong key changes nothing.
func TestRotationKeepsEveryCredentialReadable(t *testing.T) {
	o := newOffice(t)
	ctx := context.Background()
	secrets := map[string]string{"wechat": "wx-app-secret-0001", "weibo": "weibo-access-token-0002", "app": "app-hmac-secret-0003"}
	creds := map[string]map[string]string{
		"wechat": {"app_id": "wx1", "app_secret": secrets["wechat"]},
		"weibo":  {"access_token": secrets["weibo"]},
		"app":    {"hmac_secret": secrets["app"]},
	}
	var accountIDs []int64
	for _, p := range []string{"wechat", "weibo"} {
		v, _, err := o.svc.Create(ctx, o.as(t, o.cityAdmin), &registry.AccountInput{UnitID: o.host.ID, Platform: p, Name: "甲局发布", Credentials: creds[p]})
		if err != nil || v == nil {
			t.Fatalf("open %s: %v", p, err)
		}
		accountIDs = append(accountIDs, v.ID)
	}
	// The host unit's own admin files a request; its credentials wait sealed.
	if v, q, err := o.svc.Create(ctx, o.as(t, o.hostAdmin), &registry.AccountInput{Platform: "app", Name: "甲局 App", Credentials: creds["app"]}); err != nil || v != nil || q == nil {
		t.Fatalf("request: %v %v %v", v, q, err)
	}
	robotSecret := "SECrobot-signing-secret-0004"
	err := o.db.InTx(ctx, func(tx *store.Tx) error {
		w := &store.RobotWebhook{UnitID: o.host.ID, Kind: "dingtalk", URL: "http://127.0.0.1:9/robot", Enabled: true}
		return tx.CreateRobotWebhook(ctx, w, func(id int64) []byte { return o.svc.Box.Seal([]byte(robotSecret), notify.RobotAAD(id)) })
	})
	if err != nil {
		t.Fatal(err)
	}
	totpSecret := "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" // a user's second factor
	err = o.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.StartTOTP(ctx, o.cityAdmin.ID, o.svc.Box.Seal([]byte(totpSecret), store.TOTPAAD(o.cityAdmin.ID)))
	})
	if err != nil {
		t.Fatal(err)
	}
	plain := append([]string{robotSecret, totpSecret}, secrets["wechat"], secrets["weibo"], secrets["app"])
	atRest := func(stage string) map[string][]byte {
		cols := sealedColumns(t, o.db)
		if len(cols) != 5 {
			t.Fatalf("%s: %d sealed values, want 5", stage, len(cols))
		}
		for where, b := range cols {
			for _, s := range plain {
				if bytes.Contains(b, []byte(s)) || strings.Contains(hex.EncodeToString(b), hex.EncodeToString([]byte(s))) {
					t.Fatalf("%s: %s holds the secret %q in the clear", stage, where, s)
				}
			}
		}
		return cols
	}
	before := atRest("before rotation")

	next := box(t, 2)
	if _, err := registry.RotateKey(ctx, o.db, box(t, 9), next); err == nil {
		t.Fatal("rotating from a wrong key succeeded")
	}
	if after := sealedColumns(t, o.db); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatal("a failed rotation changed stored secrets")
	}

	n, err := registry.RotateKey(ctx, o.db, o.svc.Box, next)
	if err != nil || n != 5 {
		t.Fatalf("rotate: %d %v, want 5 re-sealed", n, err)
	}
	after := atRest("after rotation")
	for where, b := range after {
		if bytes.Equal(b, before[where]) {
			t.Fatalf("%s was not re-sealed", where)
		}
		if secret.SealedBy(b) != next.KeyID() {
			t.Fatalf("%s sealed by %s, want the new key %s", where, secret.SealedBy(b), next.KeyID())
		}
	}
	for i, id := range accountIDs {
		a, err := o.db.Account(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		got, err := connectors.Credentials(next, a)
		if err != nil {
			t.Fatalf("account %d under the new key: %v", id, err)
		}
		p := []string{"wechat", "weibo"}[i]
		if fmt.Sprint(got) != fmt.Sprint(creds[p]) {
			t.Fatalf("account %d credentials %v, want %v", id, got, creds[p])
		}
		if _, err := connectors.Credentials(o.svc.Box, a); err == nil {
			t.Fatalf("account %d still opens under the old key", id)
		}
	}
	robots, err := o.db.RobotWebhooks(ctx, o.host.ID)
	if err != nil || len(robots) != 1 {
		t.Fatalf("robots %v %v", robots, err)
	}
	if b, err := next.Open(robots[0].Secret, notify.RobotAAD(robots[0].ID)); err != nil || string(b) != robotSecret {
		t.Fatalf("robot secret under the new key: %q %v", b, err)
	}
	// The pending request's credentials open too: approving it under the
	// new key opens the account with them.
	o.svc.Box = next
	reqs, err := o.db.AccountRequests(ctx, []int64{o.host.ID})
	if err != nil {
		t.Fatal(err)
	}
	var pending int64
	for _, q := range reqs {
		if q.State == "pending" {
			pending = q.ID
		}
	}
	a, err := o.svc.Decide(ctx, o.as(t, o.cityAdmin), pending, true, "同意")
	if err != nil || a == nil {
		t.Fatalf("approve after rotation: %v %v", a, err)
	}
	stored, _ := o.db.Account(ctx, a.ID)
	if got, err := connectors.Credentials(next, stored); err != nil || got["hmac_secret"] != secrets["app"] {
		t.Fatalf("approved account credentials %v %v", got, err)
	}
	audit, _ := o.db.ListAudit(ctx, store.AuditFilter{Action: "secrets.rotate"})
	if len(audit) != 1 {
		t.Fatalf("rotation audited %d times, want 1", len(audit))
	}

	// Across suites (TONGFA_CRYPTO): AES-256-GCM → SM4-GCM → AES-256-GCM,
	// each under a new key; every credential stays readable.
	cur := next
	for i, suite := range []string{secret.SM, secret.Std} {
		to, err := secret.NewSuite(bytes.Repeat([]byte{byte(3 + i)}, 32), suite)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := registry.RotateKey(ctx, o.db, cur, to); err != nil || n < 4 {
			t.Fatalf("rotate to %s: %d %v", suite, n, err)
		}
		for where, b := range sealedColumns(t, o.db) {
			if secret.SuiteOf(b) != suite || secret.SealedBy(b) != to.KeyID() {
				t.Fatalf("%s sealed with %s by %s after rotating to %s", where, secret.SuiteOf(b), secret.SealedBy(b), suite)
			}
		}
		for _, id := range append(accountIDs, a.ID) {
			stored, _ := o.db.Account(ctx, id)
			if got, err := connectors.Credentials(to, stored); err != nil || len(got) == 0 {
				t.Fatalf("account %d under %s: %v %v", id, suite, got, err)
			}
		}
		robots, _ := o.db.RobotWebhooks(ctx, o.host.ID)
		if b, err := to.Open(robots[0].Secret, notify.RobotAAD(robots[0].ID)); err != nil || string(b) != robotSecret {
			t.Fatalf("robot secret under %s: %q %v", suite, b, err)
		}
		tf, _ := o.db.UserTOTP(ctx, o.cityAdmin.ID)
		if b, err := to.Open(tf.Sealed, store.TOTPAAD(o.cityAdmin.ID)); err != nil || string(b) != totpSecret {
			t.Fatalf("totp secret under %s: %q %v", suite, b, err)
		}
		cur = to
	}
}

// TestInactiveUsersAreDisabled: six months without a login disables a
// user, with their tokens, on a clock the test controls; recent users and
// users already disabled are left alone.
func TestInactiveUsersAreDisabled(t *testing.T) {
	o := newOffice(t)
	ctx := context.Background()
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, workday.Location())
	now := start
	o.db.Now = func() time.Time { return now }

	var stale, fresh *tongfa.User
	err := o.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if stale, err = tx.CreateUser(ctx, store.NewUser{Username: "stale", UnitID: o.host.ID, PasswordHash: "x"}); err != nil {
			return err
		}
		if fresh, err = tx.CreateUser(ctx, store.NewUser{Username: "fresh", UnitID: o.host.ID, PasswordHash: "x"}); err != nil {
			return err
		}
		if err := tx.RecordLogin(ctx, stale.ID); err != nil {
			return err
		}
		err = tx.CreateToken(ctx, &store.Token{UserID: stale.ID, Name: "script", ExpiresAt: time.Now().AddDate(1, 0, 0)}, bytes.Repeat([]byte{0xab}, 32))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Created users count from creation until their first login; the
	// fixture's admins were created by the database clock, so pin them.
	if _, err := o.db.Pool.Exec(ctx, `UPDATE users SET created_at = $1`, start); err != nil {
		t.Fatal(err)
	}
	later := func(d time.Duration) { now = start.Add(d) }

	later(registry.InactiveAfter - time.Hour)
	if n, err := o.svc.DisableInactive(ctx, now); err != nil || n != 0 {
		t.Fatalf("an hour before six months: disabled %d (%v)", n, err)
	}
	// The fresh user logs in in month five; the stale one never again.
	later(150 * 24 * time.Hour)
	o.db.InTx(ctx, func(tx *store.Tx) error { return tx.RecordLogin(ctx, fresh.ID) }) //nolint:errcheck
	later(registry.InactiveAfter + time.Hour)
	n, err := o.svc.DisableInactive(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	var disabled []string
	rows, _ := o.db.Pool.Query(ctx, `SELECT username FROM users WHERE disabled ORDER BY username`)
	for rows.Next() {
		var u string
		rows.Scan(&u) //nolint:errcheck
		disabled = append(disabled, u)
	}
	rows.Close()
	// The two admins never logged in either: they are disabled too.
	if want := "cityadmin hostadmin stale sysadmin"; n != 4 || strings.Join(disabled, " ") != want {
		t.Fatalf("disabled %d: %v, want %s", n, disabled, want)
	}
	var live int
	o.db.Pool.QueryRow(ctx, `SELECT count(*) FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL`, stale.ID).Scan(&live) //nolint:errcheck
	if live != 0 {
		t.Fatalf("%d tokens of the disabled user still live", live)
	}
	audit, _ := o.db.ListAudit(ctx, store.AuditFilter{Action: "user.disable", Target: fmt.Sprintf("user:%d", stale.ID)})
	if len(audit) != 1 || !strings.Contains(audit[0].Details, "6 个月未登录") || audit[0].Actor != "system" {
		t.Fatalf("audit %+v", audit)
	}
	// Running again changes nothing.
	if n, _ := o.svc.DisableInactive(ctx, now); n != 0 {
		t.Fatalf("second pass disabled %d", n)
	}
	// Five months after the fresh user's login they are still active.
	later(150*24*time.Hour + registry.InactiveAfter - time.Hour)
	if n, _ := o.svc.DisableInactive(ctx, now); n != 0 {
		t.Fatalf("fresh user disabled early: %d", n)
	}
	later(150*24*time.Hour + registry.InactiveAfter + time.Hour)
	if n, _ := o.svc.DisableInactive(ctx, now); n != 1 {
		t.Fatalf("fresh user after six months: %d disabled, want 1", n)
	}
}
