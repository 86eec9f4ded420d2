package reportstest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
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
const GeneratorVersion = 2

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
	url := slow(storetest.WithSchema(storetest.URL(), schema))
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
	if !reused {
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
	}
	if os.Getenv("TONGFA_PROVINCE_PARTITIONED") == "" {
		return p
	}
	part := schema + "_bymonth"
	start := time.Now()
	built, err := partitionedCopies(ctx, admin, schema, part, string(want), sc.Year)
	if err != nil {
		t.Fatal(err)
	}
	if built {
		t.Logf("reportstest: built %s (audit_log, deliveries and messages partitioned by month) in %s", part, time.Since(start).Round(time.Millisecond))
	}
	t.Logf("reportstest: audit_log, deliveries and messages are read from their copies partitioned by month in %s", part)
	// The copies first on the search path, every other table from the
	// province's schema; no migration runs there (it would create the
	// migrations table in the first schema of the path).
	url = slow(storetest.WithSchema(storetest.URL(), part+","+schema))
	pdb, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pdb.Close)
	pdb.AuditMAC, pdb.ContentHash, pdb.Now = db.AuditMAC, db.ContentHash, db.Now
	p.DB, p.URL = pdb, url
	return p
}

// slow adds TONGFA_PROVINCE_LOG_SLOW (milliseconds) to url as the
// connections' log_min_duration_statement: PostgreSQL's log then names
// the statements slower than that (the connecting role must be allowed to
// set it, as a superuser is).
func slow(url string) string {
	if ms := os.Getenv("TONGFA_PROVINCE_LOG_SLOW"); ms != "" {
		return url + "&log_min_duration_statement=" + ms
	}
	return url
}

// PartitionedTables are the big tables the partitioning figures compare,
// each with the column its months are cut on (the statistics tables are
// partitioned already).
var PartitionedTables = []struct{ Table, Column string }{
	{"audit_log", "at"}, {"deliveries", "created_at"}, {"messages", "received_at"},
}

// partitionedCopies builds, once per generation, schema part holding
// copies of PartitionedTables of schema base partitioned by month (the
// year, the months either side, and a default partition), with base's
// indexes on them. A unique index becomes a plain one: PostgreSQL
// enforces uniqueness on a partitioned table only when the key includes
// the partition column, which none of these does (ids, (item, version,
// account), (platform, message id), the chain's seq) — the first thing
// partitioning them for real would cost. It reports whether it built them.
func partitionedCopies(ctx context.Context, admin *pgxpool.Pool, base, part, generator string, year int) (bool, error) {
	b, pt := pgx.Identifier{base}.Sanitize(), pgx.Identifier{part}.Sanitize()
	var have string
	if err := admin.QueryRow(ctx, `SELECT generator FROM `+pt+`.province_generated`).Scan(&have); err == nil && have == generator {
		return false, nil
	}
	if _, err := admin.Exec(ctx, `DROP SCHEMA IF EXISTS `+pt+` CASCADE; CREATE SCHEMA `+pt); err != nil {
		return false, err
	}
	for _, tc := range PartitionedTables {
		t := pgx.Identifier{tc.Table}.Sanitize()
		sql := fmt.Sprintf(`CREATE TABLE %s.%s (LIKE %s.%s INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (%s)`,
			pt, t, b, t, pgx.Identifier{tc.Column}.Sanitize())
		for m := time.Date(year-1, 12, 1, 0, 0, 0, 0, time.UTC); m.Year() <= year+1; m = m.AddDate(0, 1, 0) {
			sql += fmt.Sprintf(`; CREATE TABLE %s.%s PARTITION OF %s.%s FOR VALUES FROM ('%s') TO ('%s')`, pt,
				pgx.Identifier{fmt.Sprintf("%s_%s", tc.Table, m.Format("200601"))}.Sanitize(), pt, t,
				m.Format("2006-01-02"), m.AddDate(0, 1, 0).Format("2006-01-02"))
		}
		sql += fmt.Sprintf(`; CREATE TABLE %s.%s PARTITION OF %s.%s DEFAULT; INSERT INTO %[3]s.%[4]s SELECT * FROM %s.%[4]s`,
			pt, pgx.Identifier{tc.Table + "_default"}.Sanitize(), pt, t, b)
		if _, err := admin.Exec(ctx, sql); err != nil {
			return false, fmt.Errorf("reportstest: partitioned %s: %w", tc.Table, err)
		}
		rows, err := admin.Query(ctx, `SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2`, base, tc.Table)
		if err != nil {
			return false, err
		}
		defs, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return false, err
		}
		for _, def := range defs {
			def = strings.Replace(def, "CREATE UNIQUE INDEX", "CREATE INDEX", 1)
			on := " ON " + b + "." + t + " "
			if !strings.Contains(def, on) {
				on = " ON " + base + "." + tc.Table + " "
			}
			def = strings.Replace(def, on, " ON "+pt+"."+t+" ", 1)
			if _, err := admin.Exec(ctx, strings.Replace(def, "CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)); err != nil {
				return false, fmt.Errorf("reportstest: %s: %w", def, err)
			}
		}
		if _, err := admin.Exec(ctx, `ANALYZE `+pt+`.`+t); err != nil {
			return false, err
		}
	}
	_, err := admin.Exec(ctx, `CREATE TABLE `+pt+`.province_generated (generator text NOT NULL);
		INSERT INTO `+pt+`.province_generated VALUES ('`+generator+`')`)
	return true, err
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
