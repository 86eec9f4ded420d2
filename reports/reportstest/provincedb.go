package reportstest

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
	"github.com/tongfa/tongfa/workday"
)

// GeneratorVersion changes whenever Province writes different rows for
// the same Scale, so a kept schema (TONGFA_PROVINCE_SCHEMA) from an older
// generator is loaded again rather than measured.
const GeneratorVersion = 1

// SmallProvince is a tenth of FullProvince, for developing the province
// harnesses (TONGFA_PROVINCE_SCALE=small): it loads in well under a minute.
var SmallProvince = Scale{Units: 30, Accounts: 200, Users: 500, Year: 2025, ItemsPerUnitWeek: 5,
	MessagesPerAccountWeek: 4, StatsDays: 7, LoginsPerUserWeek: 2, Seed: 23}

// TinyProvince is the generator at a size make test affords (seconds).
var TinyProvince = Scale{Units: 4, Accounts: 8, Users: 16, Year: 2025, ItemsPerUnitWeek: 1,
	MessagesPerAccountWeek: 1, StatsDays: 2, LoginsPerUserWeek: 1, Seed: 23}

// BenchScale is the scale the province harnesses measure: FullProvince
// unless TONGFA_PROVINCE_SCALE says small or tiny.
func BenchScale() Scale {
	switch os.Getenv("TONGFA_PROVINCE_SCALE") {
	case "small":
		return SmallProvince
	case "tiny":
		return TinyProvince
	}
	return FullProvince
}

// ProvinceNow is the instant the generated year is looked at from: 5 January
// of the next year, 09:00 China time.
func ProvinceNow(sc Scale) time.Time {
	return time.Date(sc.Year+1, 1, 5, 9, 0, 0, 0, workday.Location())
}

// ProvinceDB is a store holding a generated province.
type ProvinceDB struct {
	DB     *store.DB
	URL    string // selects the province's schema, for other processes
	Loaded Loaded // the rows generated; nil when a kept schema was reused
	Took   time.Duration
	Reused bool
}

// OpenProvince returns a store holding the province sc. Without
// TONGFA_PROVINCE_SCHEMA it is a fresh schema dropped at the test's end
// (as storetest.New). With TONGFA_PROVINCE_SCHEMA=name the schema is kept
// between runs: reused when it was completely loaded by this
// GeneratorVersion at this scale, otherwise dropped and loaded again. The
// store's clock is ProvinceNow. A harness that writes to a kept schema
// leaves rows behind; each one says what it writes.
func OpenProvince(t testing.TB, sc Scale) *ProvinceDB {
	t.Helper()
	schema := os.Getenv("TONGFA_PROVINCE_SCHEMA")
	if schema == "" {
		db, url := storetest.NewWithURL(t)
		db.Now = func() time.Time { return ProvinceNow(sc) }
		start := time.Now()
		loaded, err := Province(context.Background(), db, sc)
		if err != nil {
			t.Fatal(err)
		}
		return &ProvinceDB{DB: db, URL: url, Loaded: loaded, Took: time.Since(start)}
	}
	ctx := context.Background()
	want, err := json.Marshal(struct {
		Version int
		Scale   Scale
	}{GeneratorVersion, sc})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := pgxpool.New(ctx, storetest.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	ident := pgx.Identifier{schema}.Sanitize()
	var have string
	err = admin.QueryRow(ctx, `SELECT generator FROM `+ident+`.province_generated`).Scan(&have)
	reused := err == nil && have == string(want)
	if !reused {
		if _, err := admin.Exec(ctx, `DROP SCHEMA IF EXISTS `+ident+` CASCADE`); err != nil {
			t.Fatal(err)
		}
		if _, err := admin.Exec(ctx, `CREATE SCHEMA `+ident); err != nil {
			t.Fatal(err)
		}
	}
	url := storetest.WithSchema(storetest.URL(), schema)
	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	db.AuditMAC = storetest.AuditMAC()
	db.ContentHash = tongfa.ContentHashFor(os.Getenv("TONGFA_CRYPTO"))
	db.Now = func() time.Time { return ProvinceNow(sc) }
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	p := &ProvinceDB{DB: db, URL: url, Reused: reused}
	if reused {
		return p
	}
	start := time.Now()
	if p.Loaded, err = Province(ctx, db, sc); err != nil {
		t.Fatal(err)
	}
	p.Took = time.Since(start)
	// Written last: a load interrupted half-way is loaded again next time.
	if _, err := db.Pool.Exec(ctx, `CREATE TABLE province_generated (generator text NOT NULL);
		INSERT INTO province_generated VALUES ('`+string(want)+`')`); err != nil {
		t.Fatal(err)
	}
	return p
}

// ProvinceRoles are the roles of each unit's first users, in order: user
// unit+k*Units holds ProvinceRoles[k] in its unit.
var ProvinceRoles = []tongfa.Role{tongfa.RoleEditor, tongfa.RoleReviewer, tongfa.RoleDeputy, tongfa.RolePrincipal}

// ProvinceUser is the id of the user holding ProvinceRoles[k] in unit.
func ProvinceUser(sc Scale, unit int64, k int) int64 { return unit + int64(k*sc.Units) }

// GrantProvinceRoles grants each unit's first four users the roles the
// generator gives them in words (its editor, reviewer, deputy and
// principal), for harnesses that sign them in. It is idempotent.
func GrantProvinceRoles(ctx context.Context, db *store.DB, sc Scale) error {
	for k, r := range ProvinceRoles {
		if _, err := db.Pool.Exec(ctx, `INSERT INTO role_grants (user_id, unit_id, role)
			SELECT u.id + $2::bigint * $3::bigint, u.id, $1 FROM units u ON CONFLICT DO NOTHING`, string(r), k, sc.Units); err != nil {
			return err
		}
	}
	return nil
}
