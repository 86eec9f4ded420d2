package registry

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/notify"
	"github.com/tongfa/tongfa/store"
)

// AccountRequests lists the account requests of the units p may read,
// newest first.
func (s *Service) AccountRequests(ctx context.Context, p *access.Principal) ([]store.AccountRequest, error) {
	list, err := s.DB.AccountRequests(ctx, p.Tree.Readable(p.User))
	return nonNil(list), err
}

// ActiveAccounts lists the open accounts of the units p may read among
// units (nil: all p may read).
func (s *Service) ActiveAccounts(ctx context.Context, p *access.Principal) ([]tongfa.Account, error) {
	list, err := s.DB.ActiveAccounts(ctx, p.Tree.Readable(p.User))
	return nonNil(list), err
}

// Target returns an account for previewing an item: one p may read or
// publish on; others are not found.
func (s *Service) Target(ctx context.Context, p *access.Principal, id int64) (*tongfa.Account, error) {
	a, err := s.DB.Account(ctx, id)
	if err == nil && (p.Tree.CanRead(p.User, a.UnitID) || s.publishableBy(ctx, p, a)) {
		return a, nil
	}
	return nil, fmt.Errorf("registry: account %d: %w", id, tongfa.ErrNotFound)
}

// DictionaryVersions lists every stored dictionary version. Their words
// are for those who keep or audit the dictionaries only.
func (s *Service) DictionaryVersions(ctx context.Context, p *access.Principal) ([]store.ConfigVersion, error) {
	if !CanSeeWords(p) {
		return nil, &tongfa.Error{Code: tongfa.EForbidden, Message: "只有管理员、审计员和系统管理员可以查看词库"}
	}
	list, err := s.DB.ConfigVersions(ctx, "dictionary", "")
	return nonNil(list), err
}

// CanSeeWords reports whether p may read dictionary words (in versions
// and patrol findings): a list of forbidden words is itself sensitive.
func CanSeeWords(p *access.Principal) bool {
	return p.Tree.IsSysAdmin(p.User) || len(p.Tree.AuditUnits(p.User)) > 0
}

// PolicyKinds maps the API's policy kinds to their stored names.
var PolicyKinds = map[string]string{"tier": "tier_policy", "clock": "clock_policy"}

// PolicyOverride is a unit's own policy text of kind ("" when it follows
// the default) and its stored versions, for a unit p may read.
func (s *Service) PolicyOverride(ctx context.Context, p *access.Principal, kind string, unit int64) (string, []store.ConfigVersion, error) {
	stored, ok := PolicyKinds[kind]
	if !ok || !p.Tree.CanRead(p.User, unit) {
		return "", nil, fmt.Errorf("registry: %s policy of unit %d: %w", kind, unit, tongfa.ErrNotFound)
	}
	var text string
	var err error
	if kind == "tier" {
		text, err = s.DB.UnitPolicy(ctx, unit)
	} else {
		text, err = s.DB.ClockPolicy(ctx, unit)
	}
	if err != nil {
		return "", nil, err
	}
	versions, err := s.DB.ConfigVersions(ctx, stored, strconv.FormatInt(unit, 10))
	return text, nonNil(versions), err
}

// PatrolView is a patrol run with the findings p may see.
type PatrolView struct {
	Run      *store.PatrolRun      `json:"run"`
	Findings []store.PatrolFinding `json:"findings"`
}

// PatrolRun returns a run and its findings in the units p may read. The
// words a dictionary run looked for are shown only to those who may see
// dictionary words; a leaders run covers a unit's subtree and is not
// found by those who may read no unit of it.
func (s *Service) PatrolRun(ctx context.Context, p *access.Principal, id int64) (*PatrolView, error) {
	run, err := s.DB.PatrolRun(ctx, id)
	if err != nil {
		return nil, err
	}
	if run.UnitID != nil && !slices.ContainsFunc(p.Tree.Readable(p.User), func(u int64) bool { return p.Tree.Within(u, *run.UnitID) }) {
		return nil, fmt.Errorf("registry: patrol run %d: %w", id, tongfa.ErrNotFound)
	}
	fs, err := s.DB.PatrolFindings(ctx, id, p.Tree.Readable(p.User))
	if err != nil {
		return nil, err
	}
	if run.Kind == store.PatrolDictionary && !CanSeeWords(p) {
		run.Words = []string{} // the findings' text is from items p may read
	}
	return &PatrolView{Run: run, Findings: nonNil(fs)}, nil
}

// RobotInput is POST /api/v1/robots.
type RobotInput struct {
	UnitID int64  `json:"unit_id" validate:"required,gt=0"`
	Kind   string `json:"kind" validate:"required,oneof=wecom dingtalk"`
	URL    string `json:"url" validate:"required,max=1000,http_url"`
	Secret string `json:"secret" validate:"max=200"`
}

// RobotLabels name RobotInput's fields in Chinese.
var RobotLabels = map[string]string{"unit_id": "单位", "kind": "机器人类型", "url": "Webhook 地址", "secret": "加签密钥"}

// AddRobot registers a WeCom or DingTalk group robot of a unit p
// administers; the signing secret is sealed like credentials.
func (s *Service) AddRobot(ctx context.Context, p *access.Principal, in RobotInput) (*Robot, error) {
	if !p.Tree.Administers(p.User, in.UnitID) {
		return nil, &tongfa.Error{Code: tongfa.EForbidden, Message: "只有该单位管理员可以配置群机器人"}
	}
	if err := notify.CheckRobotURL(in.Kind, in.URL, s.RobotHosts); err != nil {
		return nil, err
	}
	if in.Secret != "" && s.Box == nil {
		return nil, &tongfa.Error{Code: tongfa.EUnavailable, Message: "服务器未配置密钥（TONGFA_SECRET_KEY），不能保存加签密钥"}
	}
	rw := &store.RobotWebhook{UnitID: in.UnitID, Kind: in.Kind, URL: in.URL}
	var seal func(int64) []byte
	if in.Secret != "" {
		seal = func(id int64) []byte { return s.Box.Seal([]byte(in.Secret), notify.RobotAAD(id)) }
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateRobotWebhook(ctx, rw, seal); err != nil {
			return err
		}
		tx.Audit(store.UserActor(p.User, p.IP), "robot.create", fmt.Sprintf("robot:%d", rw.ID), &in.UnitID, map[string]any{"kind": in.Kind})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return robotOf(*rw), nil
}

// Robot is a group robot as shown to its unit's administrators: the
// webhook key and signing secret never leave the server.
type Robot struct {
	ID      int64  `json:"id"`
	UnitID  int64  `json:"unit_id"`
	Kind    string `json:"kind"`
	URL     string `json:"url"` // key masked (notify.MaskRobotURL)
	Signed  bool   `json:"signed"`
	Enabled bool   `json:"enabled"`
}

func robotOf(rw store.RobotWebhook) *Robot {
	return &Robot{ID: rw.ID, UnitID: rw.UnitID, Kind: rw.Kind, URL: notify.MaskRobotURL(rw.URL), Signed: len(rw.Secret) > 0, Enabled: rw.Enabled}
}

// Robots lists the robots of the units p administers.
func (s *Service) Robots(ctx context.Context, p *access.Principal) ([]Robot, error) {
	out := []Robot{}
	for _, u := range p.Tree.WithRole(p.User, tongfa.RoleAdmin) {
		list, err := s.DB.RobotWebhooks(ctx, u)
		if err != nil {
			return nil, err
		}
		for _, rw := range list {
			out = append(out, *robotOf(rw))
		}
	}
	return out, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
