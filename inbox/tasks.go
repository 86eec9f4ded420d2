package inbox

import (
	"context"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tongfa/tongfa/tasks"
)

// Task type names are stored in Redis with the tasks: never rename one.
const (
	// TypePoll asks the platforms that do not push for new messages.
	TypePoll = "inbox:poll"
	// TypeDeadlines raises the at-risk and overdue alerts (R7).
	TypeDeadlines = "inbox:deadlines"
	// TypeAnswer sends one approved answer, then discloses it.
	TypeAnswer = "inbox:answer"
	// TypeAnswersDue finds answers whose task was lost and queues them again.
	TypeAnswersDue = "inbox:answers-due"
)

// pollEvery is how often the platforms that do not push are asked for new
// comments (well inside Weibo's hourly limits).
const pollEvery = "@every 30s"

// NewAnswerTask sends answer id. A uniqueness lock keeps a burst of
// requests to one task; the sender's lease in PostgreSQL is what makes a
// duplicate harmless.
func NewAnswerTask(id int64) *asynq.Task { return tasks.New(TypeAnswer, tasks.ID{ID: id}) }

var answerTaskOptions = []asynq.Option{asynq.Queue("default"), asynq.Unique(time.Minute), asynq.MaxRetry(50),
	asynq.Timeout(5 * time.Minute)}

// Register adds the deadline sweep and the search for lost answers to m;
// robots are told about the alerts.
func (s *Service) Register(m tasks.Mux, robots UnitNotifier) error {
	m.Handle(TypeDeadlines, tasks.Periodic(func(ctx context.Context) error {
		_, err := s.Sweep(ctx, s.DB.Now(), robots)
		return err
	}))
	m.Handle(TypeAnswersDue, tasks.Periodic(func(ctx context.Context) error {
		_, err := s.Due(ctx, 2*time.Minute)
		return err
	}))
	if err := m.Every("@every 5m", TypeDeadlines, "default"); err != nil {
		return err
	}
	return m.Every("@every 1m", TypeAnswersDue, "default")
}

// Register adds the answer sender to m.
func (s *Sender) Register(m tasks.Mux) error {
	m.Handle(TypeAnswer, func(ctx context.Context, t *asynq.Task) error {
		id, err := tasks.RecordID(t)
		if err != nil {
			return err
		}
		return s.Send(ctx, id)
	})
	return nil
}

// Register adds polling to m.
func (p *Poller) Register(m tasks.Mux) error {
	m.Handle(TypePoll, tasks.Periodic(func(ctx context.Context) error {
		n, err := p.Poll(ctx)
		if n > 0 && p.Log != nil {
			p.Log.Info("inbox: new messages polled", slog.Int("count", n))
		}
		return err
	}))
	return m.Every(pollEvery, TypePoll, "low")
}
