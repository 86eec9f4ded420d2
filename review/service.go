package review

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/notify"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/workday"
)

// Checker runs the content check on a version of an item of unit (package
// sensitive behind an adapter, so review stays independent of the
// matcher; the unit chooses its leaders table).
type Checker interface {
	CheckContent(ctx context.Context, unitID int64, c tongfa.Content) (*CheckOutcome, error)
}

// CheckOutcome is what sign-off needs from a check.
type CheckOutcome struct {
	Blocked  bool
	KeepsPII bool
	Findings []Finding
	Report   any // the full report, returned to the client
}

// Relay hands deliveries to the queue after the transaction that planned
// them commits (queue.Enqueuer); the reconciler catches anything it
// misses.
type Relay interface {
	// EnqueueIDs relays freshly planned deliveries.
	EnqueueIDs(ctx context.Context, queue string, ids []int64) error
	// EnqueueWithdraw takes the posts of earlier versions down once a
	// correction is approved.
	EnqueueWithdraw(ctx context.Context, deliveryIDs []int64) error
}

// Service runs submission and sign-off.
type Service struct {
	DB       *store.DB
	Check    Checker
	Relay    Relay // nil: the reconciler relays
	Notify   *notify.Notifier
	Log      *slog.Logger
	Calendar func() *workday.Calendar // working time for reminders (nil: clock time)
	// Quota refuses an item that would mass-send on a WeChat account
	// without quota left for its day, at submission and again at the
	// final sign-off (nil: not checked).
	Quota interface {
		CheckItem(ctx context.Context, it *tongfa.Item) error
	}
}

// PolicyFor returns a unit's policy: its override or the default.
func (s *Service) PolicyFor(ctx context.Context, unitID int64) (*Policy, error) {
	src, err := s.DB.UnitPolicy(ctx, unitID)
	if err != nil || src == "" {
		return DefaultPolicy(), err
	}
	return ParsePolicy([]byte(src))
}

// AnswerPolicy says whether a unit's answers to the public need sign-off,
// and at which tier (inbox asks before it stores an answer).
func (s *Service) AnswerPolicy(ctx context.Context, unitID int64) (bool, tongfa.Tier, error) {
	pol, err := s.PolicyFor(ctx, unitID)
	if err != nil {
		return true, tongfa.TierRoutine, err
	}
	return pol.Answers.Signoff, pol.Answers.Tier, nil
}

// Assessment is the tier a version needs and why.
type Assessment struct {
	Tier  tongfa.Tier   `json:"required_tier"`
	Chain []tongfa.Role `json:"chain"`
	// ChainUnits is the unit each level is signed in (0: the item's own):
	// after the item's chain, a reviewer of each unit whose account the
	// item publishes on by grant.
	ChainUnits []int64  `json:"chain_units"`
	Reasons    []Reason `json:"reasons"`
	Check      any      `json:"check"`
	blocked    bool
	// refusal, when set, stops submission: the version cannot be delivered
	// as it stands (deliveryError).
	refusal error
}

// Assess checks a version and computes its tier under the unit's policy,
// and its chain: the tier's levels, then one level for each unit whose
// account it publishes on by grant. Targets the unit may not publish to
// are refused (access.CheckTargets).
func (s *Service) Assess(ctx context.Context, unitID int64, c tongfa.Content) (*Assessment, error) {
	found, err := s.DB.Targets(ctx, unitID, c.Targets)
	if err != nil {
		return nil, err
	}
	if err := access.CheckTargets(unitID, c.Targets, found); err != nil {
		return nil, err
	}
	pol, err := s.PolicyFor(ctx, unitID)
	if err != nil {
		return nil, err
	}
	out, err := s.Check.CheckContent(ctx, unitID, c)
	if err != nil {
		return nil, err
	}
	in := TierInput{Importance: c.Importance, Urgency: c.Urgency, Kind: c.Kind, Exemption: c.Exemption,
		KeepsPII: out.KeepsPII, Findings: out.Findings}
	if c.Source != nil {
		in.SourceUnit = c.Source.Unit
	}
	tier, reasons := pol.RequiredTier(in)
	a := &Assessment{Tier: tier, Chain: tier.Chain(), Reasons: append([]Reason{}, reasons...), Check: out.Report, blocked: out.Blocked,
		refusal: deliveryError(c, found)}
	a.ChainUnits = make([]int64, len(a.Chain))
	for _, u := range access.CoSigners(unitID, found) {
		a.Chain, a.ChainUnits = append(a.Chain, tongfa.RoleReviewer), append(a.ChainUnits, u)
		a.Reasons = append(a.Reasons, Reason{Code: ReasonCoSign, Tier: tier,
			Message: "在「" + s.unitName(ctx, u) + "」的账号代发，须由该单位审核员会签"})
	}
	return a, nil
}

func (s *Service) unitName(ctx context.Context, id int64) string {
	if u, err := s.DB.Unit(ctx, id); err == nil {
		return u.Name
	}
	return "其他单位"
}

// Submit puts the item's current version into review at level 1.
func (s *Service) Submit(ctx context.Context, p *access.Principal, itemID int64) (*Assessment, error) {
	it, err := s.DB.Item(ctx, itemID)
	if err != nil || !p.Tree.CanRead(p.User, it.UnitID) {
		return nil, notVisible(itemID, err)
	}
	if !p.Tree.Has(p.User, it.UnitID, tongfa.RoleEditor) {
		return nil, &tongfa.Error{Code: tongfa.EForbidden, Message: "只有本单位采编人员可以送审"}
	}
	a, err := s.Assess(ctx, it.UnitID, it.Version.Content)
	if err != nil {
		return nil, err
	}
	if a.blocked {
		return nil, &tongfa.Error{Code: tongfa.EBlocked, Message: "稿件含有必须修改的问题，修改后才能送审", Data: a.Check}
	}
	if a.refusal != nil {
		return nil, a.refusal
	}
	if err := s.checkQuota(ctx, it); err != nil {
		return nil, err
	}
	var signers []int64
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.LockItem(ctx, itemID)
		if err != nil {
			return err
		}
		if cur.Version.Hash != it.Version.Hash {
			return &tongfa.Error{Code: tongfa.EConflict, Message: "稿件刚被修改，请刷新后再送审"}
		}
		signers, err = s.startChain(ctx, tx, p, cur, a, []tongfa.ItemState{tongfa.StateDraft})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("review: submit item %d: %w", itemID, err)
	}
	s.Notify.Pending(ctx, it, it.UnitID, 1, a.Chain[0], signers)
	return a, nil
}

// startChain opens a submission of the current version at level 1 and
// returns the users who may sign it.
func (s *Service) startChain(ctx context.Context, tx *store.Tx, p *access.Principal, it *tongfa.Item, a *Assessment, from []tongfa.ItemState) ([]int64, error) {
	reasons, _ := json.Marshal(a.Reasons)
	sub := &store.Submission{ItemID: it.ID, VersionNumber: it.Version.Number, VersionHash: it.Version.Hash,
		Tier: a.Tier, Chain: a.Chain, ChainUnits: a.ChainUnits, Reasons: reasons, SubmittedBy: p.User.ID}
	if err := tx.CreateSubmission(ctx, sub); err != nil {
		return nil, err
	}
	err := tx.UpdateItemState(ctx, it.ID, store.ItemUpdate{From: from, To: tongfa.StateInReview, Level: 1, Tier: a.Tier})
	if err != nil {
		return nil, err
	}
	tx.Audit(store.UserActor(p.User, p.IP), "item.submit", itemTarget(it.ID), &it.UnitID, map[string]any{
		"version": it.Version.Number, "version_hash": it.Version.Hash, "tier": a.Tier, "reasons": a.Reasons})
	signers, err := s.candidates(ctx, tx, it, sub, 1)
	if err != nil {
		return nil, err
	}
	return signers, tx.Notify(ctx, signers, &it.ID, "signoff.pending", it.Version.Content.Urgency == tongfa.UrgencyUrgent,
		pendingMessage(it, a.Chain[0]))
}

func itemTarget(id int64) string { return fmt.Sprintf("item:%d", id) }

func notVisible(id int64, err error) error {
	if err != nil {
		return err
	}
	return fmt.Errorf("review: item %d: %w", id, tongfa.ErrNotFound)
}

// RequiresTOTP reports whether u holds, in some unit, a role whose sign-in
// that unit's policy protects with a second factor (totp_required).
func (s *Service) RequiresTOTP(ctx context.Context, u *tongfa.User) (bool, error) {
	for _, g := range u.Grants {
		pol, err := s.PolicyFor(ctx, g.UnitID)
		if err != nil {
			return true, err // fail closed
		}
		if pol.RequiresTOTP(g.Role) {
			return true, nil
		}
	}
	return false, nil
}
