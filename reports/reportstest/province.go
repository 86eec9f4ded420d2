package reportstest

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/workday"
)

// Scale is the size of a generated province. FullProvince is the size
// issue 23 measures; tests use a tiny one.
type Scale struct {
	Units, Accounts, Users int
	Year                   int // the calendar year of records
	// ItemsPerUnitWeek is how many items each unit publishes a week, each
	// to all of the unit's accounts.
	ItemsPerUnitWeek int
	// MessagesPerAccountWeek is how many messages from the public each
	// account receives a week.
	MessagesPerAccountWeek int
	// StatsDays is how many days of figures each post gets.
	StatsDays int
	// LoginsPerUserWeek is how many sign-ins (audit rows) each user makes a week.
	LoginsPerUserWeek int
	Seed              uint64
}

// FullProvince is 300 units, 2,000 accounts and 5,000 users over 2025.
var FullProvince = Scale{Units: 300, Accounts: 2000, Users: 5000, Year: 2025, ItemsPerUnitWeek: 5,
	MessagesPerAccountWeek: 4, StatsDays: 7, LoginsPerUserWeek: 2, Seed: 23}

// Loaded counts the rows a generation wrote, by table.
type Loaded map[string]int

// Total is the number of rows of every table.
func (l Loaded) Total() int {
	n := 0
	for _, v := range l {
		n += v
	}
	return n
}

// Province fills an empty, migrated store with a year of a province,
// deterministically (the same Scale gives the same rows), with COPY.
// Unit 1 is the province's office; units 2..1+Units/15 are cities, the
// others departments below them round-robin. Users and accounts are
// spread round-robin over the units; each unit's first four users are its
// editor, reviewer, deputy and principal, its first four accounts are on
// WeChat, Weibo, its app and its website, later ones on "other". Audit rows are sealed into a
// valid chain under db.AuditMAC (the legacy hash when nil).
func Province(ctx context.Context, db *store.DB, sc Scale) (Loaded, error) {
	if sc.Users < 4*sc.Units || sc.Accounts < sc.Units || sc.Units < 2 || sc.StatsDays < 1 || sc.ItemsPerUnitWeek < 1 {
		return nil, fmt.Errorf("reportstest: scale %+v: need at least 2 units, an account and 4 users per unit, an item a week and a day of figures", sc)
	}
	g := &gen{sc: sc, rnd: rand.New(rand.NewPCG(sc.Seed, 0x70f)), loaded: Loaded{},
		start: time.Date(sc.Year, 1, 1, 0, 0, 0, 0, workday.Location())}
	g.end = g.start.AddDate(1, 0, 0)
	if _, err := db.Pool.Exec(ctx, `SELECT stats_partitions($1, $2)`, g.start, g.end.AddDate(0, 1, 0)); err != nil {
		return nil, err
	}
	for _, step := range []func(context.Context, *store.DB) error{g.people, g.items, g.messages, g.stats, g.audit} {
		if err := step(ctx, db); err != nil {
			return g.loaded, err
		}
	}
	// VACUUM as well as ANALYZE: a server's tables are kept vacuumed by
	// autovacuum, while a table just filled by COPY has an empty visibility
	// map, so every index-only scan would still read the table's pages.
	// Only these tables: a bare VACUUM reads every schema of the database.
	for table := range g.loaded {
		if _, err := db.Pool.Exec(ctx, `VACUUM (ANALYZE) `+pgx.Identifier{table}.Sanitize()); err != nil {
			return g.loaded, err
		}
	}
	return g.loaded, nil
}

type gen struct {
	sc         Scale
	rnd        *rand.Rand
	loaded     Loaded
	start, end time.Time
	// unitUsers and unitAccounts are each unit's users and accounts (by
	// unit id - 1).
	unitUsers    [][]int64
	unitAccounts [][]int64
	platform     []string // by account id - 1
	// delivered posts, for the statistics: delivery id, account, item, day.
	posts  []post
	events []tongfa.AuditEntry
}

type post struct {
	delivery, account, item int64
	day                     time.Time
}

var genPlatforms = []string{"wechat", "weibo", "app", "website"}

// copyRows loads rows into table with COPY.
func (g *gen) copyRows(ctx context.Context, db *store.DB, table string, cols []string, rows [][]any) error {
	return g.copyFrom(ctx, db, table, cols, pgx.CopyFromRows(rows))
}

// copyFrom loads what src yields into table with COPY.
func (g *gen) copyFrom(ctx context.Context, db *store.DB, table string, cols []string, src pgx.CopyFromSource) error {
	n, err := db.Pool.CopyFrom(ctx, pgx.Identifier{table}, cols, src)
	if err != nil {
		return fmt.Errorf("reportstest: copy %s: %w", table, err)
	}
	g.loaded[table] += int(n)
	return nil
}

// setSequences moves each table's id sequence past the ids written.
func setSequences(ctx context.Context, db *store.DB, tables ...string) error {
	for _, t := range tables {
		if _, err := db.Pool.Exec(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', 'id'), coalesce((SELECT max(id) FROM %[1]s), 0) + 1, false)`, t)); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) at(day time.Time, fromHour, hours int) time.Time {
	return day.Add(time.Duration(fromHour)*time.Hour + time.Duration(g.rnd.IntN(hours*60))*time.Minute)
}

func (g *gen) people(ctx context.Context, db *store.DB) error {
	sc, created := g.sc, g.start.AddDate(-1, 0, 0)
	cities := max(1, sc.Units/15)
	var units, users, accounts [][]any
	for id := 1; id <= sc.Units; id++ {
		var parent *int64
		name := "省政府办公厅"
		switch {
		case id >= 2 && id <= 1+cities:
			p := int64(1)
			parent, name = &p, fmt.Sprintf("第%d市政府办公室", id-1)
		case id > 1+cities:
			p := int64(2 + (id-2-cities)%cities)
			parent, name = &p, fmt.Sprintf("第%d市第%d部门", p-1, id)
		}
		units = append(units, []any{int64(id), name, parent, created})
	}
	g.unitUsers, g.unitAccounts = make([][]int64, sc.Units), make([][]int64, sc.Units)
	for id := 1; id <= sc.Users; id++ {
		u := (id - 1) % sc.Units
		g.unitUsers[u] = append(g.unitUsers[u], int64(id))
		users = append(users, []any{int64(id), fmt.Sprintf("u%05d", id), fmt.Sprintf("工作人员%d", id), int64(u + 1), "x", created})
	}
	for id := 1; id <= sc.Accounts; id++ {
		u := (id - 1) % sc.Units
		p := "other" // a unit's fifth and later accounts (Douyin, video accounts...): one per platform otherwise (R9)
		if k := (id - 1) / sc.Units; k < len(genPlatforms) {
			p = genPlatforms[k]
		}
		g.unitAccounts[u] = append(g.unitAccounts[u], int64(id))
		g.platform = append(g.platform, p)
		accounts = append(accounts, []any{int64(id), int64(u + 1), p, fmt.Sprintf("账号%d", id), "active", created, created})
	}
	if err := g.copyRows(ctx, db, "units", []string{"id", "name", "parent_id", "created_at"}, units); err != nil {
		return err
	}
	if err := g.copyRows(ctx, db, "users", []string{"id", "username", "display_name", "unit_id", "password_hash", "created_at"}, users); err != nil {
		return err
	}
	if err := g.copyRows(ctx, db, "accounts", []string{"id", "unit_id", "platform", "name", "status", "created_at", "updated_at"}, accounts); err != nil {
		return err
	}
	return setSequences(ctx, db, "units", "users", "accounts")
}

// items writes a year of items with their version, sign-off chain and
// deliveries: every fifth a reprint, one in forty urgent, one in thirty
// rejected at its last level (then published after a second chain is not
// modelled: it stays rejected), 2% of deliveries failed, 1% withdrawn.
func (g *gen) items(ctx context.Context, db *store.DB) error {
	sc := g.sc
	var items, versions, subs, signs, dels [][]any
	var itemID, subID, signID, delID int64
	weeks := 52
	// The items are made in the order of their days, each day's across
	// the units, so ids grow with time across the province as they do on a
	// server: a unit's newest items are not contiguous ids (what a list of
	// one department's newest items has to find among everyone's).
	for n := range weeks * sc.ItemsPerUnitWeek {
		for u := range sc.Units {
			unit, staff := int64(u+1), g.unitUsers[u]
			day := g.start.AddDate(0, 0, n*7/sc.ItemsPerUnitWeek+g.rnd.IntN(2))
			if !day.Before(g.end) {
				continue
			}
			itemID++
			created := g.at(day, 8, 9)
			urgent, reprint, rejected := g.rnd.IntN(40) == 0, itemID%5 == 0, g.rnd.IntN(30) == 0
			urgency, kind, state := "normal", "original", "published"
			if urgent {
				urgency = "urgent"
			}
			if reprint {
				kind = "reprint"
			}
			if rejected {
				state = "rejected"
			}
			targets := g.unitAccounts[u]
			content := map[string]any{"title": fmt.Sprintf("稿件%d", itemID), "summary": genSentences[int(itemID)%len(genSentences)],
				"body": genBody(itemID), "category": "news", "urgency": urgency, "kind": kind, "targets": targets}
			if urgent {
				content["event_time"] = created.Add(-30 * time.Minute)
			}
			body, err := json.Marshal(content)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(body)
			hash := hex.EncodeToString(sum[:])
			items = append(items, []any{itemID, unit, staff[0], state, 1, created, created})
			versions = append(versions, []any{itemID, 1, hash, staff[0], created, content["title"], "news", urgency, string(body)})
			g.event(created, staff[0], "item.create", itemID, unit)
			// Sign-off: 70% routine (reviewer), 20% deputy, 10% principal.
			levels := 1
			tier := "routine"
			if r := g.rnd.IntN(10); r >= 9 {
				levels, tier = 3, "principal"
			} else if r >= 7 {
				levels, tier = 2, "deputy"
			}
			chain := []string{"reviewer", "deputy", "principal"}[:levels]
			subID++
			submitted := created.Add(time.Duration(10+g.rnd.IntN(50)) * time.Minute)
			at := submitted
			g.event(submitted, staff[0], "item.submit", itemID, unit)
			for l := 1; l <= levels; l++ {
				at = at.Add(time.Duration(5+g.rnd.IntN(120)) * time.Minute)
				decision := "approve"
				if rejected && l == levels {
					decision = "reject"
				}
				signID++
				signs = append(signs, []any{signID, subID, itemID, 1, hash, l, chain[l-1], staff[l], decision, at})
				g.event(at, staff[l], "item.signoff", itemID, unit)
			}
			subState := "approved"
			if rejected {
				subState = "rejected"
			}
			subs = append(subs, []any{subID, itemID, 1, hash, tier, chain, subState, staff[0], submitted, submitted, at})
			if rejected {
				continue
			}
			g.event(at, staff[0], "item.publish", itemID, unit)
			for _, a := range targets {
				delID++
				dstate := "delivered"
				switch r := g.rnd.IntN(100); {
				case r < 2:
					dstate = "failed"
				case r < 3:
					dstate = "withdrawn"
				}
				var delivered *time.Time
				if dstate != "failed" {
					d := at.Add(time.Duration(1+g.rnd.IntN(20)) * time.Minute)
					if urgent {
						d = at.Add(time.Duration(1+g.rnd.IntN(4)) * time.Minute)
					}
					delivered = &d
					g.posts = append(g.posts, post{delID, a, itemID, time.Date(d.In(workday.Location()).Year(), d.In(workday.Location()).Month(), d.In(workday.Location()).Day(), 0, 0, 0, 0, time.UTC)})
				}
				queue := "default"
				if urgent {
					queue = "urgent"
				}
				dels = append(dels, []any{delID, itemID, 1, hash, a, g.platform[a-1], queue, dstate, 1, at, at, delivered})
			}
		}
	}
	if err := g.copyRows(ctx, db, "items", []string{"id", "unit_id", "author_id", "state", "version_number", "created_at", "updated_at"}, items); err != nil {
		return err
	}
	if err := g.copyRows(ctx, db, "item_versions", []string{"item_id", "number", "hash", "author_id", "created_at", "title", "category", "urgency", "content"}, versions); err != nil {
		return err
	}
	if err := g.copyRows(ctx, db, "submissions", []string{"id", "item_id", "version_number", "version_hash", "tier", "chain", "state", "submitted_by", "submitted_at", "level_since", "ended_at"}, subs); err != nil {
		return err
	}
	if err := g.copyRows(ctx, db, "signoffs", []string{"id", "submission_id", "item_id", "version_number", "version_hash", "level", "role", "signer_id", "decision", "at"}, signs); err != nil {
		return err
	}
	if err := g.copyRows(ctx, db, "deliveries", []string{"id", "item_id", "version_number", "version_hash", "account_id", "platform", "queue", "state", "attempts", "created_at", "updated_at", "delivered_at"}, dels); err != nil {
		return err
	}
	return setSequences(ctx, db, "items", "submissions", "signoffs", "deliveries")
}

// PatrolWord is the word the items generated with an id divisible by
// PatrolEvery carry in their body: a dictionary change adding it makes
// the patrol find exactly those (the ones still published).
const (
	PatrolWord  = "巡查新词甲"
	PatrolEvery = 97
)

// genSentences are what generated bodies are made of: the prose of a
// government office's news.
var genSentences = []string{
	"近日，我市召开专题会议，研究部署下一阶段重点工作。",
	"会议强调，要坚持以人民为中心的发展思想，切实解决群众急难愁盼问题。",
	"各级各部门要提高政治站位，压实工作责任，确保各项任务落地见效。",
	"今年以来，全市累计新增就业岗位一万二千余个，城镇调查失业率保持稳定。",
	"下一步，将持续优化营商环境，深化“放管服”改革，提升政务服务便利度。",
	"据了解，该项目总投资约三点五亿元，建成后将惠及周边五万余名居民。",
	"市民可通过政务服务网或移动客户端在线办理相关业务，实现“一网通办”。",
	"活动现场，工作人员向群众发放宣传资料，耐心解答政策咨询。",
	"要加强安全生产隐患排查整治，严防各类事故发生，确保人民群众生命财产安全。",
	"此次检查共发现问题四十二处，已全部建立台账，限期整改到位。",
	"相关负责人表示，将进一步完善制度机制，推动工作常态化、长效化。",
	"会上通报了上半年重点项目推进情况，并对下半年工作作出具体安排。",
	"据统计，全年共受理群众来信来访一千三百余件，按期办结率达百分之九十八。",
	"各乡镇（街道）要结合实际，细化工作方案，明确时间节点和责任人。",
	"本次培训采取专题讲座与现场教学相结合的方式，参训人员达二百余人。",
	"下阶段，我们将继续加大投入力度，补齐基础设施短板，提升公共服务水平。",
}

// genBody is item id's body: twelve to twenty-three paragraphs of stock
// sentences (about 500 to 900 characters), with PatrolWord in every
// PatrolEvery-th item. It draws nothing from the generator's random source.
func genBody(id int64) string {
	var b []byte
	n := 12 + int(id%12)
	for j := range n {
		b = append(b, "<p>"...)
		b = append(b, genSentences[(int(id)*7+j*3)%len(genSentences)]...)
		if j == n/2 && id%PatrolEvery == 0 {
			b = append(b, "其中涉及"+PatrolWord+"的相关内容。"...)
		}
		b = append(b, "</p>"...)
	}
	return string(b)
}

// messageClasses are the classes of messages with their answer limits in
// working days.
var messageClasses = []struct {
	class string
	days  int
}{{"表扬感谢", 5}, {"谏言咨询", 10}, {"申诉求助", 20}, {"网站找错", 1}, {"其他", 10}}

// messages writes the public's messages and the answers to 94% of them
// (a few after their deadline), each answer signed off and sent.
func (g *gen) messages(ctx context.Context, db *store.DB) error {
	cal := workday.Default()
	var msgs, answers [][]any
	var msgID int64
	days := int(g.end.Sub(g.start).Hours() / 24)
	for a := 1; a <= g.sc.Accounts; a++ {
		unit := int64((a-1)%g.sc.Units + 1)
		staff := g.unitUsers[unit-1]
		for range days * g.sc.MessagesPerAccountWeek / 7 {
			msgID++
			received := g.at(g.start.AddDate(0, 0, g.rnd.IntN(days)), 0, 24)
			c := messageClasses[g.rnd.IntN(len(messageClasses))]
			deadline := cal.AddWorkingDays(received, c.days)
			state := "assigned"
			var answered *time.Time
			if g.rnd.IntN(100) < 94 {
				state = "answered"
				limit := deadline.Sub(received)
				t := received.Add(time.Duration(g.rnd.Int64N(int64(limit) * 11 / 10)))
				answered = &t
				answers = append(answers, []any{msgID, unit, "感谢您的留言，已转相关部门办理。", "h", staff[0], "sent", "customer_service", staff[1], t.Add(-time.Hour), t, t.Add(-2 * time.Hour), t})
				g.event(t, staff[0], "answer.send", msgID, unit)
			}
			msgs = append(msgs, []any{msgID, int64(a), unit, g.platform[a-1], "message", fmt.Sprint("m", msgID), "样例留言", received, c.class, deadline, state, answered, received, received})
		}
	}
	if err := g.copyRows(ctx, db, "messages", []string{"id", "account_id", "unit_id", "platform", "kind", "platform_msg_id", "body", "received_at", "class", "deadline", "state", "answered_at", "created_at", "updated_at"}, msgs); err != nil {
		return err
	}
	if err := g.copyRows(ctx, db, "answers", []string{"message_id", "unit_id", "body", "body_hash", "author_id", "state", "route", "signer_id", "signed_at", "sent_at", "created_at", "updated_at"}, answers); err != nil {
		return err
	}
	return setSequences(ctx, db, "messages", "answers")
}

// stats writes StatsDays of figures for every delivered post (as the
// platforms report them: WeChat without likes, Weibo without reads) and a
// day of account figures for every account and day.
func (g *gen) stats(ctx context.Context, db *store.DB) error {
	collected := g.end.AddDate(0, 0, 7)
	var posts, accountDays [][]any
	for i, p := range g.posts {
		posts = append(posts, []any{int64(i + 1), p.account, fmt.Sprint("p", p.delivery), p.delivery, p.item, 1, p.day})
	}
	if err := g.copyRows(ctx, db, "stats_posts", []string{"id", "account_id", "platform_post_id", "delivery_id", "item_id", "position", "published_on"}, posts); err != nil {
		return err
	}
	// The post days (the biggest table) are made as COPY reads them.
	i, k, base := 0, int64(0), int64(0)
	postDay := func() ([]any, error) {
		if i == len(g.posts) {
			return nil, nil
		}
		if k == 0 {
			base = int64(200 + g.rnd.IntN(4000))
		}
		p, plat := g.posts[i], g.platform[g.posts[i].account-1]
		var reads, likes *int64
		if plat != "weibo" {
			r := base / (k + 1)
			reads = &r
		}
		if plat != "wechat" {
			l := base / 40 / (k + 1)
			likes = &l
		}
		row := []any{p.day.AddDate(0, 0, int(k)), int64(i + 1), p.account, reads, likes, base / 70 / (k + 1), base / 200 / (k + 1), "platform", collected}
		if k++; k == int64(g.sc.StatsDays) {
			i, k = i+1, 0
		}
		return row, nil
	}
	if err := g.copyFrom(ctx, db, "stats_post_days", []string{"day", "post_id", "account_id", "reads", "likes", "shares", "comments", "source", "collected_at"}, pgx.CopyFromFunc(postDay)); err != nil {
		return err
	}
	g.posts = nil
	for a := 1; a <= g.sc.Accounts; a++ {
		followers := int64(2000 + g.rnd.IntN(200000))
		for d := time.Date(g.sc.Year, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == g.sc.Year; d = d.AddDate(0, 0, 1) {
			gained, lost := int64(g.rnd.IntN(40)), int64(g.rnd.IntN(10))
			followers += gained - lost
			accountDays = append(accountDays, []any{d, int64(a), followers, gained, lost, followers / 20, "platform", collected})
		}
	}
	if err := g.copyRows(ctx, db, "stats_account_days", []string{"day", "account_id", "followers", "new_followers", "lost_followers", "reads", "source", "collected_at"}, accountDays); err != nil {
		return err
	}
	return setSequences(ctx, db, "stats_posts")
}

// event records an audit row to write.
func (g *gen) event(at time.Time, actor int64, action string, target, unit int64) {
	g.events = append(g.events, tongfa.AuditEntry{At: at.UTC().Truncate(time.Microsecond), ActorID: &actor, Actor: fmt.Sprintf("u%05d", actor),
		Action: action, Target: fmt.Sprint(target), UnitID: &unit, IP: "10.0.0.1", Details: "{}"})
}

// audit adds the users' sign-ins and writes every audit row sealed, in
// time order, as the sealer would have.
func (g *gen) audit(ctx context.Context, db *store.DB) error {
	days := int(g.end.Sub(g.start).Hours() / 24)
	for u := 1; u <= g.sc.Users; u++ {
		for range days * g.sc.LoginsPerUserWeek / 7 {
			g.event(g.at(g.start.AddDate(0, 0, g.rnd.IntN(days)), 8, 10), int64(u), "login", int64(u), int64((u-1)%g.sc.Units+1))
		}
	}
	slices.SortStableFunc(g.events, func(a, b tongfa.AuditEntry) int { return cmp.Compare(a.At.UnixMicro(), b.At.UnixMicro()) })
	rows := make([][]any, len(g.events))
	prev := tongfa.GenesisHash
	for i := range g.events {
		e := &g.events[i]
		e.ID, e.Seq, e.PrevHash = int64(i+1), int64(i+1), prev
		if db.AuditMAC != nil {
			e.Hash = e.KeyedHash(db.AuditMAC)
		} else {
			e.Hash = e.LegacyHash()
		}
		prev = e.Hash
		rows[i] = []any{e.ID, e.At, e.ActorID, e.Actor, e.Action, e.Target, e.UnitID, e.IP, e.Details, e.Seq, e.PrevHash, e.Hash}
	}
	g.events = nil
	if err := g.copyRows(ctx, db, "audit_log", []string{"id", "at", "actor_id", "actor", "action", "target", "unit_id", "ip", "details", "seq", "prev_hash", "hash"}, rows); err != nil {
		return err
	}
	return setSequences(ctx, db, "audit_log")
}
