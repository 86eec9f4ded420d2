package inbox

import (
	"context"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"strings"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/notify"
	"github.com/tongfa/tongfa/secret"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/workday"
)

// Steps an answer saves.
const (
	// stepInflight is the time a reply request was about to go out; ""
	// once it certainly did not arrive. While set, the platform is asked
	// before any resend.
	stepInflight = "inflight"
	stepReplyID  = "reply_id"
)

// Repliers gives the connector that answers on an account's platform.
type Repliers interface {
	Replier(acc connectors.Account) (connectors.Replier, error)
}

// Sender sends approved answers through their message's channel with the
// delivery machinery's guarantees: one worker at a time (a lease in
// PostgreSQL), a checkpoint before the request, and a look on the platform
// before any resend, so the public never gets an answer twice.
type Sender struct {
	DB       *store.DB
	Box      *secret.Box
	Repliers Repliers
	// Website publishes disclosures on the unit's government website.
	Website connectors.Publisher
	Owner   string        // this worker's lease name
	Lease   time.Duration // 0: two minutes
	// Notify tells the unit's group robots about an answer that failed or
	// waits for a person's confirmation (nil: the console shows it only).
	Notify UnitNotifier
	Log    *slog.Logger
}

// AnswerKey is the idempotency key of an answer on every platform.
func AnswerKey(id int64) string { return fmt.Sprintf("tongfa-answer-%d", id) }

// Send makes one attempt at answer id: the reply if it is not sent yet,
// then the disclosure if one is pending. An error asks the queue to try
// again later.
func (s *Sender) Send(ctx context.Context, id int64) error {
	lease := s.Lease
	if lease <= 0 {
		lease = 2 * time.Minute
	}
	a, err := s.DB.ClaimAnswer(ctx, id, s.Owner, lease)
	if err != nil {
		return err
	}
	if a != nil {
		if err := s.reply(ctx, a); err != nil {
			return err
		}
	}
	if a, err = s.DB.Answer(ctx, id); err != nil {
		return err
	}
	if a.DisclosureState == tongfa.DisclosurePending {
		return s.disclose(ctx, a)
	}
	return nil
}

// reply runs one attempt of a claimed answer and records how it ended.
func (s *Sender) reply(ctx context.Context, a *tongfa.Answer) error {
	m, acc, rep, err := s.target(ctx, a)
	if err != nil {
		return s.finish(ctx, a, tongfa.AnswerFailed, err, nil)
	}
	ans := &connectors.Answer{Key: AnswerKey(a.ID), Kind: m.Kind, Target: m.PlatformMsgID, PostID: m.PostID, User: m.Author, Text: a.Body}
	if id := a.Steps[stepReplyID]; id != "" {
		return s.finish(ctx, a, tongfa.AnswerSent, nil, map[string]string{stepReplyID: id})
	}
	if a.Steps[stepInflight] != "" {
		id, found, err := rep.FindReply(ctx, acc, ans)
		switch {
		case err != nil:
			return s.lookupFailed(ctx, a, err)
		case found:
			return s.finish(ctx, a, tongfa.AnswerSent, nil, map[string]string{stepReplyID: id, stepInflight: ""})
		}
	}
	if err := s.DB.SaveAnswerSteps(ctx, a.ID, s.Owner, map[string]string{stepInflight: time.Now().UTC().Format(time.RFC3339)}); err != nil {
		return err
	}
	id, err := rep.Reply(ctx, acc, ans)
	if err != nil {
		return s.failed(ctx, a, err)
	}
	return s.finish(ctx, a, tongfa.AnswerSent, nil, map[string]string{stepReplyID: id, stepInflight: ""})
}

// failed records a failed platform call. Only a call that may have
// arrived keeps the in-flight mark; anything the platform answered with
// an error certainly did nothing.
func (s *Sender) failed(ctx context.Context, a *tongfa.Answer, err error) error {
	switch connectors.ClassOf(err) {
	case connectors.Permanent:
		return s.finish(ctx, a, tongfa.AnswerFailed, err, map[string]string{stepInflight: ""})
	case connectors.Unconfirmed:
		return s.finish(ctx, a, tongfa.AnswerApproved, err, nil)
	}
	return s.finish(ctx, a, tongfa.AnswerApproved, err, map[string]string{stepInflight: ""})
}

// lookupFailed records a look-up on the platform that gave no answer.
// Whether the last reply arrived is still unknown, so the in-flight mark
// stays and the answer is never resent on the strength of a failed read.
// A platform that cannot be asked, or refuses the look-up for good,
// leaves it to a person.
func (s *Sender) lookupFailed(ctx context.Context, a *tongfa.Answer, err error) error {
	const askPerson = "上次发送未收到平台应答，%s：请到平台后台核实后确认"
	switch {
	case errors.Is(err, connectors.ErrNoLookup):
		return s.finish(ctx, a, tongfa.AnswerUnconfirmed, fmt.Errorf(askPerson, "平台无法查询是否送达"), nil)
	case connectors.ClassOf(err) == connectors.Permanent:
		return s.finish(ctx, a, tongfa.AnswerUnconfirmed, fmt.Errorf(askPerson, "且平台拒绝查询是否送达（"+operatorMessage(err)+"）"), nil)
	}
	return s.finish(ctx, a, tongfa.AnswerApproved, err, nil)
}

// finish ends the attempt. An answer going back to approved returns the
// error so that the queue retries it.
func (s *Sender) finish(ctx context.Context, a *tongfa.Answer, state tongfa.AnswerState, cause error, steps map[string]string) error {
	note := ""
	if cause != nil {
		note = operatorMessage(cause)
	}
	if err := s.DB.FinishAnswer(ctx, a.ID, s.Owner, store.AnswerOutcome{State: state, Note: note, Steps: steps}); err != nil {
		return err
	}
	if s.Log != nil && state != tongfa.AnswerSent {
		s.Log.Warn("inbox: answer not sent", "answer", a.ID, "state", state, "error", cause)
	}
	if s.Notify != nil && (state == tongfa.AnswerFailed || state == tongfa.AnswerUnconfirmed) {
		title := map[tongfa.AnswerState]string{tongfa.AnswerFailed: "留言答复发送失败", tongfa.AnswerUnconfirmed: "留言答复待核实"}[state]
		s.Notify.Unit(ctx, a.UnitID, notify.Message{Title: title, Text: fmt.Sprintf("答复 %d（留言 %d）：%s", a.ID, a.MessageID, note)})
	}
	if state == tongfa.AnswerApproved {
		return cause
	}
	return nil
}

// operatorMessage is what an operator reads about a failure.
func operatorMessage(err error) string {
	var ce *connectors.Error
	if errors.As(err, &ce) && ce.Message != "" {
		if ce.Code != "" && !strings.Contains(ce.Message, ce.Code) {
			return fmt.Sprintf("%s（平台代码 %s）", ce.Message, ce.Code)
		}
		return ce.Message
	}
	var te *tongfa.Error
	if errors.As(err, &te) {
		return te.Message
	}
	return err.Error()
}

// target loads what sending an answer needs.
func (s *Sender) target(ctx context.Context, a *tongfa.Answer) (*tongfa.Message, connectors.Account, connectors.Replier, error) {
	m, err := s.DB.Message(ctx, a.MessageID)
	if err != nil {
		return nil, connectors.Account{}, nil, err
	}
	acc, err := s.connect(ctx, m.AccountID)
	if err != nil {
		return nil, connectors.Account{}, nil, err
	}
	rep, err := s.Repliers.Replier(acc)
	return m, acc, rep, err
}

func (s *Sender) connect(ctx context.Context, accountID int64) (connectors.Account, error) {
	sa, err := s.DB.Account(ctx, accountID)
	if err != nil {
		return connectors.Account{}, err
	}
	return connectors.Connect(s.Box, sa)
}

// DisclosureColumn is the website column disclosures go to unless the
// account's settings name another ("disclosure_column").
const DisclosureColumn = "留言选登"

// disclose publishes an answered message, masked, on the website of the
// message's unit (or the nearest supervising unit with one). The website
// deduplicates by key, so a repeat after a lost answer is harmless.
func (s *Sender) disclose(ctx context.Context, a *tongfa.Answer) error {
	m, err := s.DB.Message(ctx, a.MessageID)
	if err != nil {
		return err
	}
	site, err := s.website(ctx, m.UnitID)
	if err != nil {
		return err
	}
	if site == nil {
		return s.DB.SetDisclosure(ctx, a.ID, tongfa.DisclosureFailed, "", "本单位及上级单位均未登记政府网站账号，无法公开答复")
	}
	acc, err := s.connect(ctx, site.ID)
	if err != nil {
		return s.DB.SetDisclosure(ctx, a.ID, tongfa.DisclosureFailed, "", operatorMessage(err))
	}
	post := &connectors.Post{Key: fmt.Sprintf("tongfa-disclosure-%d", a.ID), Account: acc, Payload: disclosure(m, a, acc)}
	r, err := s.Website.Publish(ctx, post, &memSteps{})
	if connectors.ClassOf(err) == connectors.Unconfirmed {
		var found bool
		if r, found, err = s.Website.Verify(ctx, post, &memSteps{}); err == nil && !found {
			err = errors.New("公开答复的发布结果未确认，稍后重试")
		}
	}
	switch {
	case err == nil:
		return s.DB.SetDisclosure(ctx, a.ID, tongfa.DisclosureDone, r.URL, "")
	case connectors.ClassOf(err) == connectors.Permanent:
		return s.DB.SetDisclosure(ctx, a.ID, tongfa.DisclosureFailed, "", operatorMessage(err))
	}
	return err
}

// website finds the website account that discloses a unit's answers.
func (s *Sender) website(ctx context.Context, unitID int64) (*tongfa.Account, error) {
	units, err := s.DB.Units(ctx)
	if err != nil {
		return nil, err
	}
	tree := access.NewTree(units)
	for u := unitID; u != 0; u = tree.Parent(u) {
		accs, err := s.DB.ActiveAccounts(ctx, []int64{u})
		if err != nil {
			return nil, err
		}
		for i := range accs {
			if accs[i].Platform == tongfa.PlatformWebsite {
				return &accs[i], nil
			}
		}
	}
	return nil, nil
}

// disclosure renders the public record of an answered message: the
// message with personal data masked, and the answer (masked when drafted).
func disclosure(m *tongfa.Message, a *tongfa.Answer, site connectors.Account) connectors.Payload {
	asked := sensitive.Mask(m.Body)
	title := excerpt(asked, 24)
	column := site.Settings["disclosure_column"]
	if column == "" {
		column = DisclosureColumn
	}
	sent := a.UpdatedAt
	if a.SentAt != nil {
		sent = *a.SentAt
	}
	loc := workday.Location()
	body := fmt.Sprintf(`<section class="disclosure"><h2>网民留言</h2><p class="meta">类别：%s　留言时间：%s</p><p>%s</p>`+
		`<h2>答复</h2><p class="meta">答复时间：%s</p><p>%s</p></section>`,
		html.EscapeString(m.Class), m.ReceivedAt.In(loc).Format("2006-01-02 15:04"), paragraphs(asked),
		sent.In(loc).Format("2006-01-02 15:04"), paragraphs(a.Body))
	return connectors.Payload{Title: "网民留言答复：" + title, Digest: title, HTML: body, Column: column}
}

func paragraphs(s string) string {
	return strings.ReplaceAll(html.EscapeString(strings.TrimSpace(s)), "\n", "<br>")
}

// memSteps keeps no checkpoints: a disclosure is one idempotent request.
type memSteps map[string]string

func (m *memSteps) Get(k string) (string, bool) { v, ok := (*m)[k]; return v, ok }
func (m *memSteps) Save(_ context.Context, k, v string) error {
	if *m == nil {
		*m = memSteps{}
	}
	(*m)[k] = v
	return nil
}

// Due queues the answers whose task was lost (Redis flushed, retries used
// up): approved and idle for a while, held by an expired lease, or with
// a disclosure pending.
func (s *Service) Due(ctx context.Context, idle time.Duration) (int, error) {
	ids, err := s.DB.AnswersDue(ctx, s.DB.Now().Add(-idle))
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		s.enqueue(ctx, id)
	}
	return len(ids), nil
}
