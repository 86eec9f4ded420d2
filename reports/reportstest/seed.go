// Package reportstest writes the records reports are computed from, at the
// instants a test chooses, and seeds a known quarter whose every figure
// the tests state by hand.
package reportstest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/workday"
)

// Seeder inserts rows directly: a report reads records, and going through
// the services would stamp them with the store's clock instead of the
// instants a test needs.
type Seeder struct {
	t       testing.TB
	db      *store.DB
	cal     *workday.Calendar
	signers []int64 // reviewer, deputy, principal
	author  int64
	hashes  map[int64]string          // item id → version 1 hash
	plat    map[int64]tongfa.Platform // account id → platform
	n       int
}

// NewSeeder returns a seeder over db; deadlines use cal.
func NewSeeder(t testing.TB, db *store.DB, cal *workday.Calendar) *Seeder {
	return &Seeder{t: t, db: db, cal: cal, hashes: map[int64]string{}, plat: map[int64]tongfa.Platform{}}
}

// CST builds an instant in China time.
func CST(y int, m time.Month, d, hh, mm, ss int) time.Time {
	return time.Date(y, m, d, hh, mm, ss, 0, workday.Location())
}

func (s *Seeder) exec(sql string, args ...any) {
	s.t.Helper()
	if _, err := s.db.Pool.Exec(context.Background(), sql, args...); err != nil {
		s.t.Fatalf("reportstest: %v", err)
	}
}

func (s *Seeder) id(sql string, args ...any) int64 {
	s.t.Helper()
	var id int64
	if err := s.db.Pool.QueryRow(context.Background(), sql, args...).Scan(&id); err != nil {
		s.t.Fatalf("reportstest: %v", err)
	}
	return id
}

// Unit adds a unit.
func (s *Seeder) Unit(name string, parent *int64) int64 {
	return s.id(`INSERT INTO units (name, parent_id, created_at) VALUES ($1, $2, '2025-01-01') RETURNING id`, name, parent)
}

// Staff adds, in unit, the author of every seeded item and the three
// signers of the seeded sign-offs.
func (s *Seeder) Staff(unit int64, prefix string) {
	user := func(name string) int64 {
		return s.id(`INSERT INTO users (username, unit_id, password_hash, created_at) VALUES ($1, $2, 'x', '2025-01-01') RETURNING id`,
			prefix+name, unit)
	}
	s.author = user("editor")
	s.signers = []int64{user("reviewer"), user("deputy"), user("principal")}
}

// Account adds a channel account opened at created.
func (s *Seeder) Account(unit int64, p tongfa.Platform, name, status string, created time.Time) int64 {
	id := s.id(`INSERT INTO accounts (unit_id, platform, name, status, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$5) RETURNING id`,
		unit, string(p), name, status, created)
	s.plat[id] = p
	return id
}

// Item is an item to seed; State "" means published.
type Item struct {
	Unit    int64
	Reprint bool
	Urgent  bool
	Event   *time.Time
	Targets []int64
	State   tongfa.ItemState
	Created time.Time
}

// Item adds an item with one version.
func (s *Seeder) Item(it Item) int64 {
	s.t.Helper()
	s.n++
	c := tongfa.Content{Title: fmt.Sprintf("考核样例稿件 %d", s.n), Body: "<p>样例正文。</p>", Category: tongfa.CategoryNews,
		Kind: tongfa.KindOriginal, Importance: tongfa.ImportanceRoutine, Urgency: tongfa.UrgencyNormal, EventTime: it.Event, Targets: it.Targets}
	if it.Reprint {
		c.Kind = tongfa.KindReprint
		c.Source = &tongfa.Source{Unit: "新华社", Title: c.Title, ReprintedAt: &it.Created}
	}
	if it.Urgent {
		c.Urgency = tongfa.UrgencyUrgent
	}
	if it.State == "" {
		it.State = tongfa.StatePublished
	}
	c = c.Canonical()
	body, err := json.Marshal(c)
	if err != nil {
		s.t.Fatal(err)
	}
	id := s.id(`INSERT INTO items (unit_id, author_id, state, version_number, created_at, updated_at) VALUES ($1,$2,$3,1,$4,$4) RETURNING id`,
		it.Unit, s.author, string(it.State), it.Created)
	s.exec(`INSERT INTO item_versions (item_id, number, hash, author_id, created_at, title, category, urgency, content)
		VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8)`, id, c.Hash(), s.author, it.Created, c.Title, c.Category, string(c.Urgency), body)
	s.hashes[id] = c.Hash()
	return id
}

// Deliver adds a delivery of item's version 1 to account, planned at created.
func (s *Seeder) Deliver(item, account int64, state tongfa.DeliveryState, created time.Time, delivered *time.Time) {
	s.exec(`INSERT INTO deliveries (item_id, version_number, version_hash, account_id, platform, state, created_at, updated_at, delivered_at)
		VALUES ($1, 1, $2, $3, $4, $5, $6, $6, $7)`, item, s.hashes[item], account, string(s.plat[account]), string(state), created, delivered)
}

// Post delivers item to each account at the same instant, planned ten
// minutes before.
func (s *Seeder) Post(item int64, at time.Time, accounts ...int64) {
	for _, a := range accounts {
		s.Deliver(item, a, tongfa.DeliveryDelivered, at.Add(-10*time.Minute), &at)
	}
}

// Submission adds a sign-off chain of item's version 1 submitted at
// submitted, with one signature per instant in signed (level 1 first).
// A rejected submission's last signature is the rejection.
func (s *Seeder) Submission(item int64, tier tongfa.Tier, state string, submitted time.Time, signed ...time.Time) {
	s.t.Helper()
	var ended *time.Time
	if state != "active" {
		e := submitted
		if len(signed) > 0 {
			e = signed[len(signed)-1]
		}
		ended = &e
	}
	chain := tier.Chain()
	sub := s.id(`INSERT INTO submissions (item_id, version_number, version_hash, tier, chain, state, submitted_by, submitted_at, level_since, ended_at)
		VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $7, $8) RETURNING id`, item, s.hashes[item], string(tier), chain, state, s.author, submitted, ended)
	for i, at := range signed {
		decision := "approve"
		if state == "rejected" && i == len(signed)-1 {
			decision = "reject"
		}
		s.exec(`INSERT INTO signoffs (submission_id, item_id, version_number, version_hash, level, role, signer_id, decision, at)
			VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8)`, sub, item, s.hashes[item], i+1, string(chain[i]), s.signers[i], decision, at)
	}
}

// Message is a message from the public to seed; its deadline is Days
// working days (class limit plus any extension) after Received.
type Message struct {
	Account  int64
	Unit     int64
	Class    string
	Received time.Time
	Days     int
	Extended bool
	Answered *time.Time
	State    string // "" means answered when Answered is set, else new
}

// Message adds a message.
func (s *Seeder) Message(m Message) {
	s.n++
	if m.State == "" {
		m.State = "new"
		if m.Answered != nil {
			m.State = "answered"
		}
	}
	ext := 0
	if m.Extended {
		ext = 10
	}
	s.exec(`INSERT INTO messages (account_id, unit_id, platform, kind, platform_msg_id, body, received_at, class, deadline, state,
			extension_days, answered_at, created_at, updated_at)
		VALUES ($1, $2, $3, 'message', $4, '样例留言', $5, $6, $7, $8, $9, $10, $5, $5)`,
		m.Account, m.Unit, string(s.plat[m.Account]), fmt.Sprint("m", s.n), m.Received, m.Class,
		s.cal.AddWorkingDays(m.Received, m.Days), m.State, ext, m.Answered)
}

// Finding is one patrol finding to seed.
type Finding struct {
	Item  int64
	Unit  int64
	Field string
	Kind  string
	Rule  string
}

// Patrol adds a finished patrol run started at started with its findings.
func (s *Seeder) Patrol(started time.Time, fs ...Finding) {
	run := s.id(`INSERT INTO patrol_runs (reason, state, total, checked, found, started_at, finished_at)
		VALUES ('词库更新', 'done', 0, 0, $1, $2, $2) RETURNING id`, len(fs), started)
	for _, f := range fs {
		s.exec(`INSERT INTO patrol_findings (run_id, item_id, unit_id, field, kind, category, level, text, rule)
			VALUES ($1, $2, $3, $4, $5, $5, 'review', $6, $6)`, run, f.Item, f.Unit, f.Field, f.Kind, f.Rule)
	}
}

// At returns a pointer to t, for optional instants.
func At(t time.Time) *time.Time { return &t }
