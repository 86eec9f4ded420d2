package reports

import (
	"context"
	"slices"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/workday"
)

// Service builds reports. Clocks (required) supplies the clock policies
// (urgent deadlines, weekly requirements), the weekly compliance rows and
// the working-day calendar, so a report judges exactly as the clocks do.
type Service struct {
	DB     *store.DB
	Clocks *clocks.Service
	// Replica (optional) is a pool on a streaming replica of DB
	// (TONGFA_DATABASE_REPLICA_URL): Build reads every record from it, so
	// a province's reports do not load the primary. Scope and the clock
	// stay on DB: who may read what is decided on current data.
	Replica *store.DB
	// Indices (optional) adds the table of ranking indices.
	Indices IndexSource
}

func (s *Service) calendar() *workday.Calendar {
	if s.Clocks.Calendar != nil {
		return s.Clocks.Calendar()
	}
	return workday.Default()
}

// Report is every figure of one period and scope. Per-channel, per-class
// and per-tier tables end with a "total" row.
type Report struct {
	Kind        Kind      `json:"kind"`
	Period      string    `json:"period"` // its Chinese name
	From        string    `json:"from"`   // YYYY-MM-DD, inclusive
	To          string    `json:"to"`     // YYYY-MM-DD, exclusive
	Scope       Scope     `json:"scope"`
	GeneratedAt time.Time `json:"generated_at"`
	// Status is complete, in_progress or not_started; Through is the end
	// of what the report counts (the period's end, GeneratedAt while the
	// period runs) and Notice says so in Chinese when it is not complete.
	Status  string    `json:"status"`
	Through time.Time `json:"through"`
	Notice  string    `json:"notice,omitempty"`
	// MissingCalendarYears are years of the period without holiday data:
	// working days there were counted as Monday to Friday.
	MissingCalendarYears []int `json:"missing_calendar_years"`
	// Weeks is how many whole weeks (Monday to Sunday) lie in the period,
	// WeeksEnded how many of them had ended by GeneratedAt.
	Weeks      int `json:"weeks"`
	WeeksEnded int `json:"weeks_ended"`
	// CurrentWeek is the whole week running at GeneratedAt, judged so far.
	CurrentWeek *CurrentWeek  `json:"current_week"`
	Summary     Summary       `json:"summary"`
	Channels    []ChannelRow  `json:"channels"`
	Urgent      []UrgentRow   `json:"urgent"`
	Messages    []MessageRow  `json:"messages"`
	Signoffs    []SignoffRow  `json:"signoffs"`
	Deliveries  []DeliveryRow `json:"deliveries"`
	Patrol      []PatrolRow   `json:"patrol"`
	Units       []UnitRow     `json:"units"`
	Accounts    []AccountRow  `json:"accounts"`
	Red         []AccountRow  `json:"red_list"`
	Black       []AccountRow  `json:"black_list"`
	// Indices are the accounts' WCI and BCI, when the service has an
	// IndexSource.
	Indices []IndexRow `json:"indices,omitempty"`
	// Reposts count the repost tasks due in the period by unit, with a
	// total row; absent when there were none.
	Reposts []RepostRow `json:"reposts,omitempty"`
}

// Summary is the headline figures, taken from the tables' total rows.
type Summary struct {
	Items               int      `json:"items_published"` // distinct items
	Posts               int      `json:"posts"`           // item × account
	OriginalRatio       Rate     `json:"original_ratio"`
	Weekly              Rate     `json:"weekly_compliance"`
	UrgentItems         int      `json:"urgent_items"`
	Urgent              Rate     `json:"urgent_on_time"`
	Messages            int      `json:"messages_received"`
	Replies             Rate     `json:"replies_on_time"`
	MedianAnswerDays    *float64 `json:"median_answer_working_days"`
	Submissions         int      `json:"submissions"`
	MedianSignoffHours  *float64 `json:"median_signoff_working_hours"`
	DeliveriesFailed    int      `json:"deliveries_failed"`
	DeliveriesWithdrawn int      `json:"deliveries_withdrawn"`
	PatrolFindings      int      `json:"patrol_findings"`
}

// total is the key of a table's total row.
const total = "total"

// Build computes the report of period p over scope sc, as of now.
func (s *Service) Build(ctx context.Context, p Period, sc Scope) (*Report, error) {
	now := s.DB.Now()
	r := &Report{Kind: p.Kind, Period: p.Label(), From: p.From.Format(dateLayout), To: p.To.Format(dateLayout),
		Scope: sc, GeneratedAt: now.In(workday.Location()).Truncate(time.Second),
		MissingCalendarYears: nonNilInts(s.calendar().MissingYears(p.From, p.Last()))}
	b := &builder{s: s, db: s.DB, clocks: s.Clocks, r: r, p: p, sc: sc.store(), now: now, accounts: map[int64]*AccountRow{}, policies: map[int64]*clocks.Policy{}}
	if s.Replica != nil {
		onReplica := *s.Clocks // weekly rows and policies too
		onReplica.DB = s.Replica
		b.db, b.clocks = s.Replica, &onReplica
	}
	b.until = b.asOf()
	for _, step := range []func(context.Context) error{b.loadAccounts, b.posts, b.weekly, b.urgent, b.messages, b.signoffs, b.deliveries, b.patrol, b.indices, b.reposts} {
		if err := step(ctx); err != nil {
			return nil, err
		}
	}
	b.finish()
	b.summarize()
	r.Notice = r.notice()
	return r, nil
}

// builder carries one report's state between its steps.
type builder struct {
	s *Service
	// db and clocks read the records: the replica's when there is one.
	db     *store.DB
	clocks *clocks.Service
	r      *Report
	p      Period
	sc     store.ReportScope
	now    time.Time
	// until ends what the report counts: records after it, and weeks
	// after now, have not happened yet.
	until time.Time
	// accounts are the account rows by id; order is the listing order.
	accounts map[int64]*AccountRow
	order    []int64
	items    int // distinct items published
	policies map[int64]*clocks.Policy
}

// policy is a unit's clock policy, read once per report.
func (b *builder) policy(ctx context.Context, unit int64) (*clocks.Policy, error) {
	if p, ok := b.policies[unit]; ok {
		return p, nil
	}
	p, err := b.clocks.PolicyFor(ctx, unit)
	if err != nil {
		return nil, err
	}
	b.policies[unit] = p
	return p, nil
}

func (b *builder) summarize() {
	r := b.r
	ch, ur, ms, so := last(r.Channels), last(r.Urgent), last(r.Messages), last(r.Signoffs)
	dl, pt := last(r.Deliveries), last(r.Patrol)
	r.Summary = Summary{Items: b.items, Posts: ch.Posts, OriginalRatio: ch.OriginalRatio, Weekly: ch.Weekly,
		UrgentItems: ur.Items, Urgent: ur.OnTime, Messages: ms.Received, Replies: ms.OnTimeRate, MedianAnswerDays: ms.MedianDays,
		Submissions: so.Submitted, MedianSignoffHours: so.MedianHours, DeliveriesFailed: dl.Failed, DeliveriesWithdrawn: dl.Withdrawn,
		PatrolFindings: pt.Findings}
}

// last is a table's total row.
func last[T any](rows []T) T { return rows[len(rows)-1] }

func nonNilInts(v []int) []int {
	if v == nil {
		return []int{}
	}
	return v
}

// platforms are the channel rows of the per-channel tables, in order:
// every platform an account may be registered on (Douyin and each manual
// channel its own row), "other" (其他新媒体) last.
var platforms = tongfa.Platforms

// platformIndex is a platform's row in the per-channel tables.
func platformIndex(p tongfa.Platform) int {
	if i := slices.Index(platforms, p); i >= 0 {
		return i
	}
	return len(platforms) - 1 // other
}

// channelKey is the key and label of row i of a per-channel table.
func channelKey(i int) (string, string) {
	if i == len(platforms) {
		return total, "合计"
	}
	return string(platforms[i]), platforms[i].Label()
}
