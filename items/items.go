package items

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/sanitize"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/validate"
)

// Service composes items.
type Service struct {
	DB       *store.DB
	HTML     *sanitize.Policy
	Validate *validate.Validator
	Checker  Checker
	// Revised, when set, is called in the saving transaction after a new
	// version of an item in review or approved was stored; sign-off (package
	// review) voids the old signatures there and restarts the chain.
	Revised func(ctx context.Context, tx *store.Tx, p *Principal, it *tongfa.Item, prev tongfa.ItemState, oldHash string) error
	// Saved, when set, is called after a version was committed (the clocks
	// schedule an urgent item's checks there).
	Saved func(ctx context.Context, it *tongfa.Item)
	// Readers decides who may see an item (review: its unit's readers,
	// delegates and co-signers). Nil: the readers of its unit.
	Readers Readers
	// Import brings pictures pasted by URL into the unit's media library
	// (nil: they are refused).
	Import Importer
	// Deadlines refuses a publishing time after an urgent item's deadline
	// (nil: not checked); Scheduler requeues a rescheduled item's
	// deliveries (nil: the reconciler does).
	Deadlines Deadlines
	Scheduler Scheduler
	Log       *slog.Logger
}

// Readers decides who may see an item.
type Readers interface {
	Visible(ctx context.Context, p *access.Principal, it *tongfa.Item) bool
}

// Check runs the content checker over a version of an item of unit, for
// showing: when the unit's leaders table cannot be read, the rest is
// still checked and a reason says so (submission refuses instead).
func (s *Service) Check(ctx context.Context, unit int64, c tongfa.Content) *Check {
	ch, err := s.Checker.Version(ctx, unit, c)
	if err == nil {
		return ch
	}
	ch = CheckContent(ctx, s.Checker.C, c, sensitive.Options{})
	if errors.Is(err, errFiles) {
		ch.Reasons = append(ch.Reasons, filesUnavailable)
	} else {
		ch.Reasons = append(ch.Reasons, leadersUnavailable)
	}
	return ch
}

const (
	leadersUnavailable = "领导名单或本单位词库暂时无法读取，本次未核对领导姓名、职务和本单位词库"
	filesUnavailable   = "稿件使用的文件暂时无法读取，本次未检查附件和图片"
)

// Principal is the person acting, with the unit tree their rights are
// judged against.
type Principal = access.Principal

// Content validates in and turns it into sanitized version content.
func (s *Service) Content(in *Input) (tongfa.Content, error) {
	if err := s.Validate.Struct(in, labels); err != nil {
		return tongfa.Content{}, err
	}
	if f := in.reprintErrors(); f != nil {
		return tongfa.Content{}, &tongfa.Error{Code: tongfa.EInvalid, Message: "转载稿件须注明来源单位、原标题和转载时间", Fields: f}
	}
	if in.Exemption != nil {
		if err := s.Validate.Struct(in.Exemption, nil); err != nil {
			return tongfa.Content{}, prefixFields(err, "exemption.")
		}
	}
	c := tongfa.Content{
		Title: sanitize.Text(in.Title), Body: s.HTML.HTML(in.Body), Summary: sanitize.Text(in.Summary),
		Category: in.Category, Kind: in.Kind, Importance: tongfa.Importance(in.Importance),
		Urgency: tongfa.Urgency(in.Urgency), EventTime: in.EventTime, Targets: in.Targets,
		Cover: in.Cover, PolicyItemID: in.PolicyItemID, ArchiveOnly: in.ArchiveOnly,
	}
	if c.ArchiveOnly && len(c.Targets) > 0 {
		return c, validate.Invalid("archive_only", "仅存档的稿件不发布到任何渠道，请取消所选渠道或取消仅存档")
	}
	if c.Urgency == "" {
		c.Urgency = tongfa.UrgencyNormal
	}
	if err := setMedia(&c, in); err != nil {
		return c, err
	}
	if c.Title == "" {
		return c, validate.Invalid("title", "标题不能只包含标记或空白")
	}
	if c.Body == "" {
		return c, validate.Invalid("body", "正文清理后为空，请检查内容")
	}
	if in.Kind == tongfa.KindReprint {
		src := *in.Source
		c.Source = &tongfa.Source{Unit: sanitize.Text(src.Unit), Author: sanitize.Text(src.Author),
			Title: sanitize.Text(src.Title), URL: src.URL, ReprintedAt: src.ReprintedAt}
	}
	if in.Exemption != nil {
		c.Exemption = &tongfa.Exemption{Type: in.Exemption.Type, Basis: sanitize.Text(in.Exemption.Basis)}
	}
	return c, nil
}

func prefixFields(err error, prefix string) error {
	e, ok := err.(*tongfa.Error)
	if !ok {
		return err
	}
	f := make(map[string]string, len(e.Fields))
	for k, v := range e.Fields {
		f[prefix+k] = v
	}
	e.Fields = f
	return e
}

// unitFor picks the unit an item is created in: the one asked for, else the
// user's own unit, else their only editor unit.
func unitFor(p *Principal, asked int64) (int64, error) {
	units := p.Tree.WithRole(p.User, tongfa.RoleEditor)
	switch {
	case asked != 0 && slices.Contains(units, asked):
		return asked, nil
	case asked != 0:
		return 0, &tongfa.Error{Code: tongfa.EForbidden, Message: "您不是该单位的采编人员，不能在该单位创建稿件"}
	case slices.Contains(units, p.User.UnitID):
		return p.User.UnitID, nil
	case len(units) == 1:
		return units[0], nil
	case len(units) == 0:
		return 0, &tongfa.Error{Code: tongfa.EForbidden, Message: "只有采编人员可以创建稿件"}
	}
	return 0, validate.Invalid("unit_id", "您在多个单位担任采编，请选择发布单位")
}

// Create stores a new draft with its first version.
func (s *Service) Create(ctx context.Context, p *Principal, in *Input) (*tongfa.Item, error) {
	c, err := s.Content(in)
	if err != nil {
		return nil, err
	}
	unit, err := unitFor(p, in.UnitID)
	if err != nil {
		return nil, err
	}
	if err := s.checkTargets(ctx, unit, c); err != nil {
		return nil, err
	}
	if err := s.importImages(ctx, unit, p.User.ID, &c); err != nil {
		return nil, err
	}
	if err := checkFiles(ctx, s.Checker.Files, unit, c); err != nil {
		return nil, err
	}
	if c.EventTime == nil && c.Urgency == tongfa.UrgencyUrgent {
		now := s.DB.Now()
		c.EventTime = &now // R5: the clock runs from creation unless told otherwise
	}
	if err := s.checkNotAfter(in.NotAfter); err != nil {
		return nil, err
	}
	if err := s.checkPublishAt(ctx, unit, c, in.PublishAt, in.NotAfter); err != nil {
		return nil, err
	}
	details := map[string]any{"version": 1, "hash": s.DB.VersionHash(c), "title": c.Title, "publish_at": in.PublishAt}
	if in.NotAfter != nil {
		details["not_after"] = in.NotAfter
	}
	it, err := s.DB.CreateItemAt(ctx, unit, p.User.ID, c, in.PublishAt, store.UserActor(p.User, p.IP), details)
	if err != nil {
		return nil, fmt.Errorf("items: create: %w", err)
	}
	if in.NotAfter != nil {
		if err := s.DB.InTx(ctx, func(tx *store.Tx) error { return tx.SetNotAfter(ctx, it.ID, in.NotAfter) }); err != nil {
			return nil, fmt.Errorf("items: create: %w", err)
		}
		it.NotAfter = in.NotAfter
	}
	s.saved(ctx, it)
	return it, nil
}

// checkTargets refuses channels an item of unit may not publish to: the
// rule of access.CheckTargets, applied again at submission, when the
// deliveries are planned and by the worker.
func (s *Service) checkTargets(ctx context.Context, unit int64, c tongfa.Content) error {
	found, err := s.DB.Targets(ctx, unit, c.Targets)
	if err != nil {
		return err
	}
	return access.CheckTargets(unit, c.Targets, found)
}

func (s *Service) saved(ctx context.Context, it *tongfa.Item) {
	if s.Saved != nil {
		s.Saved(ctx, it)
	}
}

func itemTarget(id int64) string { return fmt.Sprintf("item:%d", id) }

// Get returns an item the principal may read; others get not-found, so the
// existence of another unit's drafts does not leak.
func (s *Service) Get(ctx context.Context, p *Principal, id int64) (*tongfa.Item, error) {
	it, err := s.DB.Item(ctx, id)
	if err != nil {
		return nil, err
	}
	if !s.visible(ctx, p, it) {
		return nil, fmt.Errorf("items: item %d not readable by user %d: %w", id, p.User.ID, tongfa.ErrNotFound)
	}
	return it, nil
}

func (s *Service) visible(ctx context.Context, p *Principal, it *tongfa.Item) bool {
	if s.Readers != nil {
		return s.Readers.Visible(ctx, p, it)
	}
	return p.Tree.CanRead(p.User, it.UnitID)
}

// editable reports whether saving may make a new version of an item in
// state st. Items in review or approved (not yet sending) may be edited
// only when sign-off is wired in to void their signatures.
func (s *Service) editable(st tongfa.ItemState) bool {
	switch st {
	case tongfa.StateDraft, tongfa.StateRejected, tongfa.StateFailed:
		return true
	case tongfa.StateInReview, tongfa.StateApproved, tongfa.StateScheduled, tongfa.StatePublished:
		return s.Revised != nil
	}
	return false
}

// Update saves a new version of an item.
func (s *Service) Update(ctx context.Context, p *Principal, id int64, in *Input) (*tongfa.Item, error) {
	return s.update(ctx, p, id, in, false)
}

// Correct saves a corrected version of a published item (R11): it goes
// through sign-off again and, once approved, replaces the item's posts on
// every channel.
func (s *Service) Correct(ctx context.Context, p *Principal, id int64, in *Input) (*tongfa.Item, error) {
	return s.update(ctx, p, id, in, true)
}

func (s *Service) update(ctx context.Context, p *Principal, id int64, in *Input, correction bool) (*tongfa.Item, error) {
	c, err := s.Content(in)
	if err != nil {
		return nil, err
	}
	var it *tongfa.Item
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		it, err = tx.LockItem(ctx, id)
		if err != nil {
			return err
		}
		if !p.Tree.CanRead(p.User, it.UnitID) {
			return fmt.Errorf("item %d: %w", id, tongfa.ErrNotFound)
		}
		if !p.Tree.Has(p.User, it.UnitID, tongfa.RoleEditor) {
			return &tongfa.Error{Code: tongfa.EForbidden, Message: "只有本单位采编人员可以修改稿件"}
		}
		if err := s.checkTargets(ctx, it.UnitID, c); err != nil {
			return err
		}
		if err := s.importImages(ctx, it.UnitID, p.User.ID, &c); err != nil {
			return err
		}
		if err := checkFiles(ctx, s.Checker.Files, it.UnitID, c); err != nil {
			return err
		}
		if correction != (it.State == tongfa.StatePublished) {
			return &tongfa.Error{Code: tongfa.EInvalidState, Message: map[bool]string{
				true: "只有已发布的稿件需要更正", false: "稿件已发布，请使用更正流程"}[correction]}
		}
		if err := s.revise(ctx, tx, p, it, c, in.BaseVersion); err != nil {
			return err
		}
		return s.keepPublishAt(ctx, tx, it, in.PublishAt, in.NotAfter)
	})
	if err != nil {
		return nil, fmt.Errorf("items: update %d: %w", id, err)
	}
	s.saved(ctx, it)
	return it, nil
}

// keepPublishAt stores the publishing time and 时效截止 a new version was
// saved with (audited when the embargo changes).
func (s *Service) keepPublishAt(ctx context.Context, tx *store.Tx, it *tongfa.Item, at, notAfter *time.Time) error {
	if timeEqual(it.PublishAt, at) && timeEqual(it.NotAfter, notAfter) {
		return nil
	}
	if !timeEqual(it.NotAfter, notAfter) {
		if err := s.checkNotAfter(notAfter); err != nil {
			return err
		}
	}
	if err := s.checkPublishAt(ctx, it.UnitID, it.Version.Content, at, notAfter); err != nil {
		return err
	}
	if !timeEqual(it.NotAfter, notAfter) {
		if err := tx.SetNotAfter(ctx, it.ID, notAfter); err != nil {
			return err
		}
		it.NotAfter = notAfter
	}
	if timeEqual(it.PublishAt, at) {
		return nil
	}
	it.PublishAt = at
	return tx.SetPublishAt(ctx, it.ID, at, false)
}

func timeEqual(a, b *time.Time) bool {
	return a == nil && b == nil || a != nil && b != nil && a.Equal(*b)
}

func (s *Service) revise(ctx context.Context, tx *store.Tx, p *Principal, it *tongfa.Item, c tongfa.Content, base int) error {
	if !s.editable(it.State) {
		return &tongfa.Error{Code: tongfa.EInvalidState, Message: "稿件已在发布中或已发布，不能直接修改；请走更正流程"}
	}
	if base != 0 && base != it.VersionNumber {
		return &tongfa.Error{Code: tongfa.EConflict, Message: "稿件已有更新的版本，请刷新后再修改",
			Data: map[string]any{"current_version": it.VersionNumber}}
	}
	if c.EventTime == nil && c.Urgency == tongfa.UrgencyUrgent {
		c.EventTime = it.Version.Content.EventTime
	}
	v, err := tx.AddVersion(ctx, it.ID, it.VersionNumber, p.User.ID, c)
	if err != nil {
		return err
	}
	tx.Audit(store.UserActor(p.User, p.IP), "item.version", itemTarget(it.ID), &it.UnitID,
		map[string]any{"version": v.Number, "hash": v.Hash, "previous_hash": it.Version.Hash})
	prev, oldHash := it.State, it.Version.Hash
	it.Version, it.VersionNumber = v, v.Number
	switch prev {
	case tongfa.StateRejected, tongfa.StateFailed: // a failed item reached no one: fixed, it goes through sign-off again
		it.State = tongfa.StateDraft
		return tx.UpdateItemState(ctx, it.ID, store.ItemUpdate{From: []tongfa.ItemState{prev}, To: tongfa.StateDraft})
	case tongfa.StateInReview, tongfa.StateApproved, tongfa.StateScheduled, tongfa.StatePublished:
		return s.Revised(ctx, tx, p, it, prev, oldHash)
	}
	return nil
}

// List returns a page of items in the units the principal may read.
func (s *Service) List(ctx context.Context, p *Principal, f store.ItemFilter) ([]store.ItemSummary, int, error) {
	readable := p.Tree.Readable(p.User)
	if f.UnitIDs == nil {
		f.UnitIDs = readable
	} else {
		f.UnitIDs = slices.DeleteFunc(f.UnitIDs, func(u int64) bool { return !slices.Contains(readable, u) })
	}
	return s.DB.ListItems(ctx, f)
}

// Version returns version n of an item p may read.
func (s *Service) Version(ctx context.Context, p *Principal, itemID int64, n int) (*tongfa.Version, error) {
	if _, err := s.Get(ctx, p, itemID); err != nil {
		return nil, err
	}
	return s.DB.Version(ctx, itemID, n)
}

// Rights are what p may do with an item now, as the console offers it.
type Rights struct{ Edit, Correct, Submit bool }

// Can reports p's rights on an item, by the rules Update, Correct and
// review's Submit enforce.
func (s *Service) Can(p *Principal, it *tongfa.Item) Rights {
	editor := p.Tree.Has(p.User, it.UnitID, tongfa.RoleEditor)
	return Rights{
		Edit:    editor && (it.State == tongfa.StateDraft || it.State == tongfa.StateRejected || it.State == tongfa.StateInReview || it.State == tongfa.StateFailed),
		Correct: editor && it.State == tongfa.StatePublished,
		Submit:  editor && it.State == tongfa.StateDraft,
	}
}
