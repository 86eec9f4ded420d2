package stats_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/stats"
	"github.com/tongfa/tongfa/store"
)

// An operator types a manual channel's day and corrects a post's day on
// WeChat; the next collection leaves the correction alone, and the entries
// are in the audit log. Nonsense is refused with the field named.
func TestManualFigures(t *testing.T) {
	e := newEnv(t, china(2026, 3, 2, 10))
	ctx := context.Background()
	e.publish(t, "政务服务“一网通办”上线")
	e.clk.Advance(24 * time.Hour)
	mon := day(2026, 3, 2)
	other, wx := e.accounts[tongfa.PlatformOther].ID, e.accounts[tongfa.PlatformWeChat].ID
	var delivery int64
	e.db.Pool.QueryRow(ctx, `SELECT id FROM deliveries WHERE account_id = $1`, wx).Scan(&delivery) //nolint:errcheck
	actor := store.Actor{Name: "editor"}
	for _, m := range []stats.Manual{
		{AccountID: other, Day: stats.Date{Time: mon}, Figures: stats.Figures{Reads: n(3200), Likes: n(150)}, Followers: n(12000)},
		{AccountID: other, Day: stats.Date{Time: mon}, Post: "sph-001", Title: "视频号：植树节", Published: &stats.Date{Time: mon},
			Figures: stats.Figures{Reads: n(3000), Likes: n(140)}},
		{AccountID: wx, Day: stats.Date{Time: mon}, DeliveryID: delivery, Figures: stats.Figures{Reads: n(1), Wows: n(1)}},
	} {
		if err := e.svc.RecordManual(ctx, actor, m); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.sweep(t); err != nil {
		t.Fatal(err)
	}
	if got := e.stored(t, tongfa.PlatformWeChat)[mon]; got.Source != store.StatsManual || *got.Reads != 1 || *got.Wows != 1 {
		t.Errorf("the operator's figures were overwritten: %+v", got)
	}
	as, err := e.svc.AccountStats(ctx, other, day(2026, 3, 1), day(2026, 4, 1))
	if err != nil || len(as.Daily) != 1 || *as.Daily[0].Reads != 3200 || *as.Followers.End != 12000 || as.Index != nil || as.Posts != 1 {
		t.Fatalf("manual channel %+v, %v", as, err)
	}
	var audited int
	e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'stats.manual'`).Scan(&audited) //nolint:errcheck
	if audited != 3 {
		t.Errorf("%d audit entries, want 3", audited)
	}
	for field, m := range map[string]stats.Manual{
		"day":         {AccountID: other, Day: stats.Date{Time: day(2026, 3, 3)}, Figures: stats.Figures{Reads: n(1)}},
		"reads":       {AccountID: other, Day: stats.Date{Time: mon}},
		"likes":       {AccountID: other, Day: stats.Date{Time: mon}, Figures: stats.Figures{Likes: n(-1)}},
		"delivery_id": {AccountID: other, Day: stats.Date{Time: mon}, DeliveryID: delivery, Figures: stats.Figures{Reads: n(1)}},
	} {
		var te *tongfa.Error
		if err := e.svc.RecordManual(ctx, actor, m); !errors.As(err, &te) || te.Code != tongfa.EInvalid || te.Fields[field] == "" {
			t.Errorf("%s: %v", field, err)
		}
	}
}

// mux records what a package registers.
type mux struct {
	handlers map[string]asynq.HandlerFunc
	every    map[string]string
}

func (m *mux) Handle(taskType string, h asynq.HandlerFunc) { m.handlers[taskType] = h }
func (m *mux) Every(spec, taskType, _ string) error        { m.every[taskType] = spec; return nil }

// queue records the tasks enqueued.
type queue struct{ tasks []*asynq.Task }

func (q *queue) EnqueueContext(_ context.Context, t *asynq.Task, _ ...asynq.Option) (*asynq.TaskInfo, error) {
	q.tasks = append(q.tasks, t)
	return &asynq.TaskInfo{}, nil
}

// The collector registers its sweep every six hours and its partitions
// daily; the sweep queues a task per account with an API; the partition
// task makes this month and the next three.
func TestRegisterAndPartitions(t *testing.T) {
	e := newEnv(t, china(2027, 11, 15, 10))
	m := &mux{handlers: map[string]asynq.HandlerFunc{}, every: map[string]string{}}
	if err := e.col.Register(m); err == nil {
		t.Fatal("registered without a queue")
	}
	q := &queue{}
	e.col.Queue = q
	if err := e.col.Register(m); err != nil {
		t.Fatal(err)
	}
	if m.every[stats.TypeSweep] != "@every 6h" || m.every[stats.TypePartitions] == "" || m.handlers[stats.TypeAccount] == nil {
		t.Fatalf("registered %v %v", m.every, m.handlers)
	}
	if err := m.handlers[stats.TypeSweep](context.Background(), asynq.NewTask(stats.TypeSweep, nil)); err != nil || len(q.tasks) != 5 {
		t.Fatalf("the sweep queued %d tasks (%v), want one per account with an API", len(q.tasks), err)
	}
	if err := m.handlers[stats.TypePartitions](context.Background(), asynq.NewTask(stats.TypePartitions, nil)); err != nil {
		t.Fatal(err)
	}
	var parts int
	e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM pg_class WHERE relname ~ '^stats_(post|account)_days_(2027m1[12]|2028m0[12])$'
		AND relnamespace = current_schema()::regnamespace`).Scan(&parts) //nolint:errcheck
	if parts != 8 {
		t.Errorf("%d partitions for November 2027 to February 2028, want 8", parts)
	}
	if err := m.handlers[stats.TypeAccount](context.Background(), stats.NewAccountTask(e.accounts[tongfa.PlatformApp].ID)); err != nil {
		t.Errorf("collecting an account with nothing published: %v", err)
	}
}
