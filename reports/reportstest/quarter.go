package reportstest

import (
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/workday"
)

// Quarter is the first quarter of 2026 as seeded by SeedQuarter: New
// Year's Day and the Spring Festival (15–23 February, with Saturdays 14
// and 28 February worked) fall inside it. docs/reports.md walks through
// its figures.
type Quarter struct {
	City, Edu, Center, Health int64 // units: the district office, a bureau, its centre, another bureau
	// Accounts: the bureau's WeChat, Weibo and website, the centre's app
	// (opened 2 February), the health commission's WeChat, its closed Weibo
	// and a suspended Douyin account with nothing in the quarter.
	EduWeChat, EduWeibo, EduSite, CenterApp, HealthWeChat, HealthWeibo, HealthOther int64
	// Urgent are the four urgent items judged; Now is when the report is made.
	Urgent []int64
	Now    time.Time
}

// QuarterNow is the instant the quarter's report is made: the morning
// after it ended, so one urgent channel and two messages are still
// within their deadlines.
var QuarterNow = CST(2026, 4, 1, 9, 0, 0)

// weekStart is Monday of whole week w (0–11) of the quarter.
func weekStart(w int) time.Time { return CST(2026, 1, 5, 0, 0, 0).AddDate(0, 0, 7*w) }

// SeedQuarter seeds the known quarter below parent (nil: at the top),
// deadlines by the embedded calendar. Unit names and usernames are fixed:
// seed it once per schema.
func SeedQuarter(t testing.TB, db *store.DB, parent *int64) *Quarter {
	t.Helper()
	s := NewSeeder(t, db, workday.Default())
	q := &Quarter{Now: QuarterNow}
	q.City = s.Unit("示范区人民政府办公室", parent)
	q.Edu = s.Unit("示范区教育局", &q.City)
	q.Center = s.Unit("教育局信息中心", &q.Edu)
	q.Health = s.Unit("示范区卫健委", &q.City)
	s.Staff(q.Edu, "q_")
	opened := CST(2025, 6, 1, 9, 0, 0)
	q.EduWeChat = s.Account(q.Edu, tongfa.PlatformWeChat, "示范区教育", "active", opened)
	q.EduWeibo = s.Account(q.Edu, tongfa.PlatformWeibo, "示范区教育微博", "active", opened)
	q.EduSite = s.Account(q.Edu, tongfa.PlatformWebsite, "示范区教育局网站", "active", opened)
	q.CenterApp = s.Account(q.Center, tongfa.PlatformApp, "教育服务客户端", "active", CST(2026, 2, 2, 9, 0, 0))
	q.HealthWeChat = s.Account(q.Health, tongfa.PlatformWeChat, "健康示范区", "active", opened)
	q.HealthWeibo = s.Account(q.Health, tongfa.PlatformWeibo, "健康示范区微博", "closed", opened)
	q.HealthOther = s.Account(q.Health, tongfa.PlatformOther, "健康示范区抖音", "suspended", opened)
	edu := s.seedEdu(q)
	s.seedCenter(q)
	health := s.seedHealth(q)
	s.seedUrgent(q)
	s.seedMessages(q)
	s.seedSignoffs(q)
	s.seedPatrol(q, edu, health)
	return q
}

// seedEdu: 32 regular items to the bureau's three accounts (three a week
// in weeks 0–9, one in weeks 10 and 11; every fourth a reprint, the
// website post of the second one withdrawn), posts on 2 January and 31
// March (outside whole weeks), two outside the quarter, one delivery that
// failed on Weibo and one still pending on the website.
func (s *Seeder) seedEdu(q *Quarter) []int64 {
	all := []int64{q.EduWeChat, q.EduWeibo, q.EduSite}
	var items []int64
	for w := range 12 {
		n := 3
		if w >= 10 {
			n = 1
		}
		for j := range n {
			at := weekStart(w).AddDate(0, 0, 1+j).Add(10 * time.Hour)
			id := s.Item(Item{Unit: q.Edu, Reprint: len(items)%4 == 0, Targets: all, Created: at.Add(-time.Hour)})
			s.Post(id, at, q.EduWeChat, q.EduWeibo)
			state := tongfa.DeliveryDelivered
			if len(items) == 1 {
				state = tongfa.DeliveryWithdrawn
			}
			s.Deliver(id, q.EduSite, state, at.Add(-10*time.Minute), &at)
			items = append(items, id)
		}
	}
	one := func(reprint bool, at, planned time.Time) {
		id := s.Item(Item{Unit: q.Edu, Reprint: reprint, Targets: []int64{q.EduWeChat}, Created: at.Add(-time.Hour)})
		s.Deliver(id, q.EduWeChat, tongfa.DeliveryDelivered, planned, &at)
	}
	one(false, CST(2026, 1, 2, 10, 0, 0), CST(2026, 1, 2, 9, 50, 0))
	one(true, CST(2026, 3, 31, 23, 59, 59), CST(2026, 3, 31, 23, 49, 59))
	one(false, CST(2026, 4, 1, 0, 0, 0), CST(2026, 4, 1, 0, 0, 0))
	one(false, CST(2025, 12, 31, 23, 59, 59), CST(2025, 12, 31, 23, 49, 59))
	failed := s.Item(Item{Unit: q.Edu, Targets: []int64{q.EduWeChat, q.EduWeibo}, Created: CST(2026, 3, 17, 8, 0, 0)})
	s.Post(failed, CST(2026, 3, 17, 10, 0, 0), q.EduWeChat)
	s.Deliver(failed, q.EduWeibo, tongfa.DeliveryFailed, CST(2026, 3, 17, 9, 50, 0), nil)
	pending := s.Item(Item{Unit: q.Edu, Targets: []int64{q.EduSite}, State: tongfa.StatePublishing, Created: CST(2026, 3, 31, 19, 0, 0)})
	s.Deliver(pending, q.EduSite, tongfa.DeliveryPending, CST(2026, 3, 31, 20, 0, 0), nil)
	return items
}

// seedCenter: the app, opened Monday 2 February 09:00, posts once that
// week (not judged) and three times in each of weeks 5–11; its first two
// items are reprints.
func (s *Seeder) seedCenter(q *Quarter) {
	n := 0
	post := func(at time.Time) {
		id := s.Item(Item{Unit: q.Center, Reprint: n < 2, Targets: []int64{q.CenterApp}, Created: at.Add(-time.Hour)})
		s.Post(id, at, q.CenterApp)
		n++
	}
	post(CST(2026, 2, 3, 15, 0, 0))
	for w := 5; w < 12; w++ {
		for j := range 3 {
			post(weekStart(w).AddDate(0, 0, j).Add(15 * time.Hour))
		}
	}
}

// seedHealth: one WeChat post a week (the first three reprints; the first
// item later withdrawn everywhere) and two Weibo posts in January before
// that account was closed.
func (s *Seeder) seedHealth(q *Quarter) []int64 {
	var items []int64
	for w := range 12 {
		at := weekStart(w).AddDate(0, 0, 1).Add(11 * time.Hour)
		state, dstate := tongfa.StatePublished, tongfa.DeliveryDelivered
		if w == 0 {
			state, dstate = tongfa.StateWithdrawn, tongfa.DeliveryWithdrawn
		}
		id := s.Item(Item{Unit: q.Health, Reprint: w < 3, State: state, Targets: []int64{q.HealthWeChat}, Created: at.Add(-time.Hour)})
		s.Deliver(id, q.HealthWeChat, dstate, at.Add(-10*time.Minute), &at)
		items = append(items, id)
	}
	for _, d := range []int{6, 7} {
		at := CST(2026, 1, d, 16, 0, 0)
		id := s.Item(Item{Unit: q.Health, Targets: []int64{q.HealthWeibo}, Created: at.Add(-time.Hour)})
		s.Post(id, at, q.HealthWeibo)
	}
	return items
}

// seedUrgent: four urgent items judged (one met on both channels, one
// across the Spring Festival, one late on Weibo and never posted on
// WeChat, one still within its deadline) and two not judged (withdrawn;
// event before the quarter).
func (s *Seeder) seedUrgent(q *Quarter) {
	pair := []int64{q.EduWeChat, q.EduWeibo}
	urgent := func(unit int64, event time.Time, targets []int64, state tongfa.ItemState) int64 {
		return s.Item(Item{Unit: unit, Urgent: true, Event: &event, Targets: targets, State: state, Created: event.Add(5 * time.Minute)})
	}
	u1 := urgent(q.Edu, CST(2026, 1, 13, 9, 0, 0), pair, "")
	s.Post(u1, CST(2026, 1, 13, 9, 40, 0), q.EduWeibo)
	s.Post(u1, CST(2026, 1, 13, 15, 0, 0), q.EduWeChat)
	u2 := urgent(q.Edu, CST(2026, 2, 14, 20, 0, 0), pair, "")
	s.Post(u2, CST(2026, 2, 14, 20, 30, 0), q.EduWeibo)
	s.Post(u2, CST(2026, 2, 24, 10, 0, 0), q.EduWeChat)
	u3 := urgent(q.Edu, CST(2026, 3, 5, 10, 0, 0), pair, "")
	s.Post(u3, CST(2026, 3, 5, 11, 30, 0), q.EduWeibo)
	s.Deliver(u3, q.EduWeChat, tongfa.DeliveryFailed, CST(2026, 3, 5, 10, 10, 0), nil)
	u4 := urgent(q.Health, CST(2026, 3, 31, 22, 0, 0), []int64{q.HealthWeChat}, tongfa.StatePublishing)
	s.Deliver(u4, q.HealthWeChat, tongfa.DeliveryPending, CST(2026, 3, 31, 22, 5, 0), nil)
	urgent(q.Edu, CST(2026, 1, 20, 9, 0, 0), []int64{q.EduWeibo}, tongfa.StateWithdrawn)
	urgent(q.Edu, CST(2025, 12, 31, 23, 30, 0), []int64{q.EduWeibo}, tongfa.StateDraft)
	q.Urgent = []int64{u1, u2, u3, u4}
}

// seedMessages: thirteen messages, eleven received in the quarter.
func (s *Seeder) seedMessages(q *Quarter) {
	for _, m := range []Message{
		{Account: q.EduWeChat, Class: "表扬感谢", Days: 5, Received: CST(2026, 1, 5, 10, 0, 0), Answered: At(CST(2026, 1, 7, 10, 0, 0))},
		{Account: q.EduWeChat, Class: "表扬感谢", Days: 5, Received: CST(2026, 2, 12, 10, 0, 0), Answered: At(CST(2026, 2, 25, 16, 0, 0))},
		{Account: q.EduWeChat, Class: "谏言咨询", Days: 10, Received: CST(2026, 1, 20, 9, 0, 0), Answered: At(CST(2026, 2, 4, 9, 0, 0))},
		{Account: q.EduWeChat, Class: "谏言咨询", Days: 20, Extended: true, Received: CST(2026, 3, 2, 9, 0, 0), Answered: At(CST(2026, 3, 25, 9, 0, 0))},
		{Account: q.EduWeChat, Class: "申诉求助", Days: 20, Received: CST(2026, 2, 2, 10, 0, 0), State: "assigned"},
		{Account: q.EduWeChat, Class: "申诉求助", Days: 20, Received: CST(2026, 3, 20, 10, 0, 0)},
		{Account: q.EduSite, Class: "网站找错", Days: 1, Received: CST(2026, 1, 9, 17, 0, 0), Answered: At(CST(2026, 1, 12, 11, 0, 0))},
		{Account: q.EduSite, Class: "网站找错", Days: 1, Received: CST(2026, 3, 10, 10, 0, 0), Answered: At(CST(2026, 3, 12, 10, 0, 0))},
		{Account: q.HealthWeChat, Class: "其他", Days: 10, Received: CST(2026, 1, 15, 10, 0, 0), State: "closed"},
		{Account: q.HealthWeChat, Class: "其他", Days: 10, Received: CST(2026, 3, 31, 23, 0, 0)},
		{Account: q.HealthWeibo, Class: "谏言咨询", Days: 20, Extended: true, Received: CST(2026, 1, 26, 9, 0, 0), Answered: At(CST(2026, 3, 2, 9, 0, 0))},
		{Account: q.EduWeChat, Class: "表扬感谢", Days: 5, Received: CST(2026, 4, 1, 0, 0, 0)},
		{Account: q.EduWeChat, Class: "表扬感谢", Days: 5, Received: CST(2025, 12, 31, 23, 59, 0), Answered: At(CST(2026, 1, 4, 9, 0, 0))},
	} {
		m.Unit = q.Edu
		switch m.Account {
		case q.HealthWeChat, q.HealthWeibo:
			m.Unit = q.Health
		}
		s.Message(m)
	}
}

// seedSignoffs: eleven submissions of items that were never delivered,
// ten of them submitted in the quarter (three across rest days).
func (s *Seeder) seedSignoffs(q *Quarter) {
	item := func(unit int64, targets []int64, state tongfa.ItemState) int64 {
		return s.Item(Item{Unit: unit, Targets: targets, State: state, Created: CST(2025, 12, 1, 9, 0, 0)})
	}
	all := []int64{q.EduWeChat, q.EduWeibo, q.EduSite}
	sub := func(tier tongfa.Tier, state string, submitted time.Time, signed ...time.Time) {
		s.Submission(item(q.Edu, all, tongfa.StateApproved), tier, state, submitted, signed...)
	}
	sub(tongfa.TierRoutine, "approved", CST(2026, 1, 6, 9, 0, 0), CST(2026, 1, 6, 10, 30, 0))
	sub(tongfa.TierRoutine, "approved", CST(2026, 2, 13, 18, 0, 0), CST(2026, 2, 24, 9, 0, 0))
	sub(tongfa.TierRoutine, "rejected", CST(2026, 3, 10, 9, 0, 0), CST(2026, 3, 10, 9, 30, 0))
	sub(tongfa.TierDeputy, "approved", CST(2026, 1, 20, 9, 0, 0), CST(2026, 1, 20, 10, 0, 0), CST(2026, 1, 21, 9, 0, 0))
	sub(tongfa.TierDeputy, "approved", CST(2026, 3, 27, 17, 0, 0), CST(2026, 3, 27, 18, 0, 0), CST(2026, 3, 30, 9, 0, 0))
	sub(tongfa.TierPrincipal, "approved", CST(2026, 2, 27, 10, 0, 0), CST(2026, 2, 27, 11, 0, 0), CST(2026, 2, 27, 14, 0, 0), CST(2026, 2, 28, 11, 0, 0))
	sub(tongfa.TierPrincipal, "active", CST(2026, 3, 31, 16, 0, 0))
	sub(tongfa.TierRoutine, "voided", CST(2026, 1, 15, 9, 0, 0))
	sub(tongfa.TierDeputy, "withdrawn", CST(2026, 3, 2, 9, 0, 0))
	sub(tongfa.TierRoutine, "approved", CST(2025, 12, 31, 23, 0, 0), CST(2026, 1, 1, 9, 0, 0))
	s.Submission(item(q.Health, []int64{q.HealthWeChat}, tongfa.StateApproved), tongfa.TierRoutine, "approved",
		CST(2026, 1, 8, 9, 0, 0), CST(2026, 1, 8, 13, 0, 0))
}

// seedPatrol: three runs; the one before the quarter does not count, and a
// problem found again by a later run counts once.
func (s *Seeder) seedPatrol(q *Quarter, edu, health []int64) {
	word := Finding{Item: edu[2], Unit: q.Edu, Field: "body", Kind: "word", Rule: "敏感词样例"}
	s.Patrol(CST(2025, 12, 20, 3, 0, 0), Finding{Item: edu[3], Unit: q.Edu, Field: "body", Kind: "secret", Rule: "内部资料"})
	s.Patrol(CST(2026, 2, 10, 3, 0, 0), word,
		Finding{Item: edu[2], Unit: q.Edu, Field: "title", Kind: "expression", Rule: "老旧提法"},
		Finding{Item: edu[5], Unit: q.Edu, Field: "body", Kind: "pii", Rule: "手机号码"})
	s.Patrol(CST(2026, 3, 15, 3, 0, 0), word, Finding{Item: health[0], Unit: q.Health, Field: "body", Kind: "ad", Rule: "代开发票"})
}
