package inbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/notify"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/tasks"
)

// AnswerPolicy tells whether a unit's answers need sign-off and at which
// tier (review's policy file, key "answers").
type AnswerPolicy func(ctx context.Context, unitID int64) (signoff bool, tier tongfa.Tier, err error)

// StepUp confirms a signer's identity with their password or a recent
// confirmation of the same session.
type StepUp func(ctx context.Context, p *access.Principal, password string) error

// Routes: how an answer reaches the person who wrote.
const (
	RouteCustomerService = "customer_service" // WeChat: a customer-service message, within 48 hours
	RouteCommentReply    = "comment_reply"    // WeChat: a reply under the article
	RouteWeiboReply      = "weibo_reply"      // Weibo: comments/reply
	RouteKeyedReply      = "keyed_reply"      // app and website: their reply API, idempotent by key
	RouteDouyinReply     = "douyin_reply"     // Douyin: item/comment/reply, found again before any resend
)

// MaxAnswer is the longest answer, in characters (WeChat's comment reply
// limit; Weibo allows 140, checked when the route is Weibo).
const MaxAnswer = 2000

// route returns how a message is answered.
func route(m *tongfa.Message) string {
	switch {
	case m.Platform == string(tongfa.PlatformWeChat) && m.Kind == "message":
		return RouteCustomerService
	case m.Platform == string(tongfa.PlatformWeChat):
		return RouteCommentReply
	case m.Platform == string(tongfa.PlatformWeibo):
		return RouteWeiboReply
	case m.Platform == string(tongfa.PlatformDouyin):
		return RouteDouyinReply
	}
	return RouteKeyedReply
}

// AnswerCheck is the checker's view of a draft answer: blocking words
// stop it, personal data is masked in what is sent.
type AnswerCheck struct {
	Blocked  bool                `json:"blocked"`
	Masked   string              `json:"masked"` // the text that would be sent
	Findings []sensitive.Finding `json:"findings"`
	Problems []string            `json:"problems"` // limits of the channel, in Chinese
}

// CheckAnswer runs the checker over a draft answer to message id: what
// blocks it, and the text as it would be sent (personal data masked).
func (s *Service) CheckAnswer(ctx context.Context, p *access.Principal, id int64, text string) (*AnswerCheck, error) {
	m, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return s.checkAnswer(ctx, &m.Message, text)
}

// UnitRules gives the leaders table and the words that apply to a unit's
// answers (registry.UnitRules).
type UnitRules interface {
	Options(ctx context.Context, unit int64) (sensitive.Options, error)
}

// checkAnswer checks an answer with the leaders and words of the
// message's unit as of today; it fails when they cannot be read.
func (s *Service) checkAnswer(ctx context.Context, m *tongfa.Message, text string) (*AnswerCheck, error) {
	text = strings.TrimSpace(text)
	var opts sensitive.Options
	if s.Rules != nil {
		var err error
		if opts, err = s.Rules.Options(ctx, m.UnitID); err != nil {
			return nil, fmt.Errorf("inbox: leaders and words of unit %d: %w", m.UnitID, err)
		}
	}
	opts.On = sensitive.DateOf(s.DB.Now())
	// Personal data does not stop an answer: it is masked (R3), and the
	// findings say so at a level that does not block; the unit's own
	// public numbers stay as written.
	opts.MaskPersonalData = true
	rep := s.Checker.Check(ctx, text, opts)
	c := &AnswerCheck{Masked: rep.MaskedText, Findings: rep.Findings, Problems: []string{}, Blocked: rep.Blocked}
	n := utf8.RuneCountInString(c.Masked)
	switch {
	case n == 0:
		c.Problems = append(c.Problems, "答复内容不能为空")
	case n > MaxAnswer:
		c.Problems = append(c.Problems, fmt.Sprintf("答复不能超过 %d 字（当前 %d 字）", MaxAnswer, n))
	case route(m) == RouteWeiboReply && n > 140:
		c.Problems = append(c.Problems, fmt.Sprintf("微博评论回复不能超过 140 字（当前 %d 字）", n))
	}
	c.Blocked = c.Blocked || len(c.Problems) > 0
	return c, nil
}

// AnswerInput is POST /api/v1/inbox/{id}/answers.
type AnswerInput struct {
	Text string `json:"text" validate:"required,max=8000"`
	// Private keeps the answer off the website's disclosure feed; it needs
	// a reason (济南 第十六条).
	Private       bool   `json:"private"`
	PrivateReason string `json:"private_reason" validate:"max=500"`
}

// Answer drafts an answer to message id and puts it through the checker:
// blocking findings refuse it (ECheckBlocked with the findings), personal
// data is masked in what is stored and sent. It then waits for sign-off,
// or is queued at once where the unit's policy needs none.
func (s *Service) Answer(ctx context.Context, p *access.Principal, id int64, in AnswerInput) (*tongfa.Answer, error) {
	if in.Private && strings.TrimSpace(in.PrivateReason) == "" {
		return nil, &tongfa.Error{Code: tongfa.EInvalid, Message: "不公开答复须说明理由", Fields: map[string]string{"private_reason": "请填写不公开的理由"}}
	}
	var a *tongfa.Answer
	err := s.act(ctx, p, id, handlers, func(tx *store.Tx, m *tongfa.Message) error {
		if m.State != tongfa.MessageNew && m.State != tongfa.MessageAssigned {
			return &tongfa.Error{Code: tongfa.EInvalidState, Message: "该留言已答复或已关闭"}
		}
		c, err := s.checkAnswer(ctx, m, in.Text)
		if err != nil {
			return err
		}
		if c.Blocked {
			msg := "答复含有禁止发布的内容，请修改后再提交"
			if len(c.Problems) > 0 {
				msg = strings.Join(c.Problems, "；")
			}
			return &tongfa.Error{Code: tongfa.EBlocked, Message: msg, Data: map[string]any{"check": c}}
		}
		signoff, tier, err := s.answerPolicy(ctx, m.UnitID)
		if err != nil {
			return err
		}
		findings, _ := json.Marshal(maskedFindings(c.Findings))
		sum := sha256.Sum256([]byte(c.Masked))
		a = &tongfa.Answer{MessageID: m.ID, UnitID: m.UnitID, Body: c.Masked, BodyHash: hex.EncodeToString(sum[:]), Findings: findings,
			AuthorID: p.User.ID, State: tongfa.AnswerApproved, Route: route(m), Disclose: !in.Private,
			PrivateReason: strings.TrimSpace(in.PrivateReason)}
		if signoff {
			a.State, a.Tier = tongfa.AnswerPending, string(tier)
		}
		if in.Private {
			a.DisclosureState = tongfa.DisclosurePrivate
		}
		if err := tx.InsertAnswer(ctx, a); err != nil {
			return err
		}
		tx.Audit(store.UserActor(p.User, p.IP), "answer.draft", answerTarget(a.ID), &m.UnitID,
			map[string]any{"message_id": m.ID, "state": a.State, "tier": a.Tier, "private": in.Private, "body_hash": a.BodyHash})
		return nil
	})
	if err != nil {
		return nil, err
	}
	switch {
	case a.State == tongfa.AnswerApproved:
		s.enqueue(ctx, a.ID)
	case s.Notify != nil:
		s.Notify.Unit(ctx, a.UnitID, notify.Message{Title: "待审签的留言答复",
			Text: fmt.Sprintf("留言答复（答复 %d）待%s审签：%s", a.ID, signerRole(tongfa.Tier(a.Tier)).Label(), excerpt(a.Body, 40))})
	}
	return a, nil
}

// excerpt shortens s to one line of n characters (a notification, a
// disclosure's title).
func excerpt(s string, n int) string {
	r := []rune(strings.ReplaceAll(s, "\n", " "))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}

// maskedFindings are findings fit to store and show: personal data only in
// its masked form, so the record of a check does not keep what the answer
// itself does not.
func maskedFindings(fs []sensitive.Finding) []sensitive.Finding {
	out := make([]sensitive.Finding, len(fs))
	for i, f := range fs {
		if f.Kind == "pii" && !strings.HasPrefix(f.Category, "public_") && f.Category != sensitive.PIIUnitContact {
			f.Text = f.Replacement
		}
		out[i] = f
	}
	return out
}

func answerTarget(id int64) string { return fmt.Sprintf("answer:%d", id) }

func (s *Service) answerPolicy(ctx context.Context, unitID int64) (bool, tongfa.Tier, error) {
	if s.AnswerPolicy == nil {
		return true, tongfa.TierRoutine, nil
	}
	return s.AnswerPolicy(ctx, unitID)
}

// enqueue hands an approved answer to the senders; when that fails the
// reconciler (TypeAnswersDue) finds it.
func (s *Service) enqueue(ctx context.Context, id int64) {
	if err := tasks.Enqueue(ctx, s.Tasks, NewAnswerTask(id), answerTaskOptions...); err != nil && s.Log != nil {
		s.Log.Warn("inbox: enqueue answer; the reconciler will pick it up", "answer", id, "error", err)
	}
}

// signerRole is the role that signs an answer of tier.
func signerRole(tier tongfa.Tier) tongfa.Role {
	switch tier {
	case tongfa.TierDeputy:
		return tongfa.RoleDeputy
	case tongfa.TierPrincipal:
		return tongfa.RolePrincipal
	}
	return tongfa.RoleReviewer
}

// SignInput is POST /api/v1/answers/{id}/signoff.
type SignInput struct {
	BodyHash string `json:"body_hash" validate:"required,len=64,hexadecimal"`
	Decision string `json:"decision" validate:"required,oneof=approve reject"`
	Comment  string `json:"comment" validate:"max=2000"`
	Password string `json:"password" validate:"max=256"`
}

// Sign approves or rejects a pending answer. The signer holds the tier's
// role in the unit (a higher signing role also serves), is not the author,
// signs the exact text (body_hash) and confirms with the password for
// leader tiers.
func (s *Service) Sign(ctx context.Context, p *access.Principal, id int64, in SignInput, stepUp StepUp) (*tongfa.Answer, error) {
	if in.Decision == "reject" && strings.TrimSpace(in.Comment) == "" {
		return nil, &tongfa.Error{Code: tongfa.EInvalid, Message: "退回答复必须填写意见", Fields: map[string]string{"comment": "请填写退回意见"}}
	}
	a, err := s.actOnAnswer(ctx, p, id, func(tx *store.Tx, a *tongfa.Answer) error {
		if err := s.maySign(ctx, p, a, in, stepUp); err != nil {
			return err
		}
		to := tongfa.AnswerApproved
		if in.Decision == "reject" {
			to = tongfa.AnswerRejected
		}
		if err := tx.UpdateAnswer(ctx, id, store.AnswerUpdate{From: []tongfa.AnswerState{tongfa.AnswerPending}, State: to, SignerID: &p.User.ID,
			DecisionNote: strings.TrimSpace(in.Comment)}); err != nil {
			return err
		}
		a.State = to
		tx.Audit(store.UserActor(p.User, p.IP), "answer."+in.Decision, answerTarget(id), &a.UnitID,
			map[string]any{"message_id": a.MessageID, "tier": a.Tier, "body_hash": a.BodyHash, "comment": in.Comment})
		return nil
	})
	if err == nil && a.State == tongfa.AnswerApproved {
		s.enqueue(ctx, a.ID)
	}
	return a, err
}

// actOnAnswer locks answer id, which p must be able to read, and runs
// change in the same transaction.
func (s *Service) actOnAnswer(ctx context.Context, p *access.Principal, id int64, change func(tx *store.Tx, a *tongfa.Answer) error) (*tongfa.Answer, error) {
	var a *tongfa.Answer
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if a, err = tx.LockAnswer(ctx, id); err != nil {
			return err
		}
		if !p.Tree.CanRead(p.User, a.UnitID) {
			return answerNotFound(id)
		}
		return change(tx, a)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

func (s *Service) maySign(ctx context.Context, p *access.Principal, a *tongfa.Answer, in SignInput, stepUp StepUp) error {
	switch {
	case a.State != tongfa.AnswerPending:
		return &tongfa.Error{Code: tongfa.EInvalidState, Message: "该答复不在待审签状态（可能已被他人处理）"}
	case in.BodyHash != a.BodyHash:
		return &tongfa.Error{Code: tongfa.EStaleVersion, Message: "答复内容已变化，请查看最新内容后再审签"}
	case a.AuthorID == p.User.ID:
		return &tongfa.Error{Code: tongfa.ESeparation, Message: "不能审签自己起草的答复"}
	}
	switch r, ok := signingRole(p, a); {
	case !ok:
		return &tongfa.Error{Code: tongfa.EForbidden, Message: fmt.Sprintf("该答复须由%s审签", signerRole(tongfa.Tier(a.Tier)).Label())}
	case r == tongfa.RoleReviewer:
		return nil
	}
	return stepUp(ctx, p, in.Password)
}

// signingRole is the role p would sign answer a in: the lowest of the
// roles from the answer's tier up that p holds in its unit.
func signingRole(p *access.Principal, a *tongfa.Answer) (tongfa.Role, bool) {
	allowed := false
	for _, r := range []tongfa.Role{tongfa.RoleReviewer, tongfa.RoleDeputy, tongfa.RolePrincipal} {
		if r == signerRole(tongfa.Tier(a.Tier)) {
			allowed = true // roles from here up may sign
		}
		if allowed && p.Tree.Has(p.User, a.UnitID, r) {
			return r, true
		}
	}
	return "", false
}

// SignNeedsStepUp reports whether p, signing answer a, confirms their
// identity first: a reviewer signs a routine answer as they are; a leader
// tier, or a leader signing for the reviewer, steps up.
func SignNeedsStepUp(p *access.Principal, a *tongfa.Answer) bool {
	r, ok := signingRole(p, a)
	return !ok || r != tongfa.RoleReviewer
}

// GetAnswer returns an answer p may read; others are not found.
func (s *Service) GetAnswer(ctx context.Context, p *access.Principal, id int64) (*tongfa.Answer, error) {
	a, err := s.DB.Answer(ctx, id)
	if err != nil || !p.Tree.CanRead(p.User, a.UnitID) {
		return nil, answerNotFound(id)
	}
	return a, nil
}

// WithdrawAnswer takes back an answer before it is sent: a pending one by its
// author or a handler of the unit.
func (s *Service) WithdrawAnswer(ctx context.Context, p *access.Principal, id int64) error {
	_, err := s.actOnAnswer(ctx, p, id, func(tx *store.Tx, a *tongfa.Answer) error {
		if a.AuthorID != p.User.ID && !hasAny(p, a.UnitID, handlers) {
			return &tongfa.Error{Code: tongfa.EForbidden, Message: "只有起草人或本单位编辑可以撤回答复"}
		}
		tx.Audit(store.UserActor(p.User, p.IP), "answer.withdraw", answerTarget(id), &a.UnitID, map[string]any{"message_id": a.MessageID})
		return tx.UpdateAnswer(ctx, id, store.AnswerUpdate{From: []tongfa.AnswerState{tongfa.AnswerPending}, State: tongfa.AnswerWithdrawn})
	})
	return err
}

// Confirm settles an answer the platform could not confirm (a WeChat
// customer-service message whose response was lost): a handler who checked
// the WeChat back office says whether it arrived. Not delivered sends it
// again.
func (s *Service) Confirm(ctx context.Context, p *access.Principal, id int64, delivered bool) error {
	_, err := s.actOnAnswer(ctx, p, id, func(tx *store.Tx, a *tongfa.Answer) error {
		if !hasAny(p, a.UnitID, handlers) {
			return &tongfa.Error{Code: tongfa.EForbidden, Message: "只有本单位编辑或管理员可以确认答复是否送达"}
		}
		tx.Audit(store.UserActor(p.User, p.IP), "answer.confirm", answerTarget(id), &a.UnitID,
			map[string]any{"message_id": a.MessageID, "delivered": delivered})
		return tx.ConfirmAnswer(ctx, a, delivered)
	})
	if err == nil {
		s.enqueue(ctx, id) // to send again, or to disclose
	}
	return err
}

func answerNotFound(id int64) error {
	return &tongfa.Error{Code: tongfa.ENotFound, Message: fmt.Sprintf("答复 %d 不存在", id)}
}

// Answers lists the answers of m, a message Get returned to the caller
// (so the caller may read it), newest first.
func (s *Service) Answers(ctx context.Context, m *View) ([]tongfa.Answer, error) {
	return s.DB.Answers(ctx, store.AnswerFilter{MessageID: m.ID})
}

// PendingAnswer is an answer awaiting p's sign-off, with its message.
type PendingAnswer struct {
	Answer  tongfa.Answer `json:"answer"`
	Message View          `json:"message"`
}

// ToSign lists the answers p may sign now, oldest first.
func (s *Service) ToSign(ctx context.Context, p *access.Principal) ([]PendingAnswer, error) {
	as, err := s.DB.Answers(ctx, store.AnswerFilter{Units: p.Tree.Readable(p.User), States: []tongfa.AnswerState{tongfa.AnswerPending}, Limit: 200})
	if err != nil {
		return nil, err
	}
	noStepUp := func(context.Context, *access.Principal, string) error { return nil }
	var mine []tongfa.Answer
	for i := len(as) - 1; i >= 0; i-- {
		if s.maySign(ctx, p, &as[i], SignInput{BodyHash: as[i].BodyHash}, noStepUp) == nil {
			mine = append(mine, as[i])
		}
	}
	ids := make([]int64, len(mine))
	for i, a := range mine {
		ids[i] = a.MessageID
	}
	ms, err := s.DB.MessagesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]PendingAnswer, 0, len(mine))
	for _, a := range mine {
		if m, ok := ms[a.MessageID]; ok {
			out = append(out, PendingAnswer{Answer: a, Message: s.view(p, m)})
		}
	}
	return out, nil
}

// Templates returns the answer templates for message id's class.
func (s *Service) Templates(class string) []Template { return s.policy().Templates(class) }
