// Package registry keeps the channel accounts of each unit (R9) and their
// platform credentials, sealed at rest (R10).
package registry

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"sort"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/wechat"
	"github.com/tongfa/tongfa/secret"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/validate"
	"github.com/tongfa/tongfa/workday"
)

// Service manages accounts. Box is nil when no TONGFA_SECRET_KEY is set;
// accounts can then be listed but credentials cannot be stored.
type Service struct {
	DB       *store.DB
	Box      *secret.Box
	Validate *validate.Validator
	Calendar func() *workday.Calendar // for filing deadlines
	Sessions SessionRevoker           // staff changes end sessions at once
	// Dictionaries is reloaded after a dictionary change, and Patrol
	// re-checks published content for the words or leaders it changed.
	Dictionaries *Dictionaries
	Patrol       *Patrol
	// Leaders and Words are reloaded after a leaders table or a unit's
	// words changed (nil: the watchers pick the change up).
	Leaders  *LeaderTables
	Words    *UnitWords
	Contacts *UnitContacts
	Log      *slog.Logger
	Quota    Quota // nil: quotas are not shown
	// RobotHosts may receive robot alerts besides WeCom's and DingTalk's
	// own hosts (TONGFA_ROBOT_HOSTS).
	RobotHosts []string
	// Douyin is the hub's Douyin app, for authorisation by an account's
	// owner (nil: not offered).
	Douyin *DouyinApp
}

// AccountInput is POST /api/v1/accounts and the proposal of a request.
type AccountInput struct {
	UnitID      int64             `json:"unit_id" validate:"omitempty,gt=0"`
	Platform    string            `json:"platform" validate:"required,oneof=wechat weibo app website douyin shipinhao toutiao xiaohongshu kuaishou renminhao xuexi other"`
	Name        string            `json:"name" validate:"required,max=100"`
	PlatformRef string            `json:"platform_ref" validate:"max=500"`
	Responsible string            `json:"responsible" validate:"max=100"`
	Managers    []tongfa.Manager  `json:"managers" validate:"max=3,dive"`
	Exception   string            `json:"exception_reason" validate:"max=500"`
	APIBase     string            `json:"api_base" validate:"omitempty,max=500,http_url"`
	Settings    map[string]string `json:"settings" validate:"max=30,dive,keys,max=64,endkeys,max=2000"`
	Credentials map[string]string `json:"credentials,omitempty" validate:"max=20,dive,keys,max=64,endkeys,max=4000"`
}

// Labels are the Chinese names of AccountInput's fields, each key
// prefixed with prefix (e.g. "account.") for an input nested in a request.
func Labels(prefix string) validate.Labels {
	out := make(validate.Labels, len(labels))
	for k, v := range labels {
		out[prefix+k] = v
	}
	return out
}

var labels = validate.Labels{"unit_id": "所属单位", "platform": "平台", "name": "账号名称", "api_base": "接口地址",
	"settings": "账号设置", "credentials": "接口凭据", "platform_ref": "平台账号或链接", "responsible": "责任领导",
	"managers": "管理员", "exception_reason": "例外理由"}

// requiredCredentials are the secrets each connector needs.
var requiredCredentials = map[tongfa.Platform][]string{
	tongfa.PlatformWeChat:  {"app_id", "app_secret"},
	tongfa.PlatformWeibo:   {"access_token"},
	tongfa.PlatformApp:     {"hmac_secret"},
	tongfa.PlatformWebsite: {"api_key"},
	tongfa.PlatformDouyin:  {"access_token", "refresh_token", "open_id"},
}

// AccountView is what the API shows: never a credential, only their names.
type AccountView struct {
	tongfa.Account
	UnitName       string   `json:"unit_name"`
	PlatformLabel  string   `json:"platform_label"`
	CredentialKeys []string `json:"credential_keys"`
	// MassQuota is what a mass-mode WeChat account has left, counting the
	// sends made and planned (GET /accounts).
	MassQuota *MassQuota `json:"mass_quota,omitempty"`
}

// MassQuota is a mass-mode account's quota as the console shows it.
type MassQuota struct {
	Today     int        `json:"today"`      // still possible today (China time)
	ThisMonth int        `json:"this_month"` // in the rest of this month, today included
	Next      *time.Time `json:"next,omitempty"`
	Text      string     `json:"text"` // e.g. 今日还可群发 1 次
}

// Quota reads a mass-mode account's quota (editions.Quotas).
type Quota interface {
	Left(ctx context.Context, acc *tongfa.Account, now time.Time) (wechat.Quota, error)
}

// Create registers an account (R9). An administrator of the supervising
// unit opens it at once (the approval is recorded, and the filing clock
// starts); an administrator of the host unit files an opening request
// instead, and gets the pending request back.
func (s *Service) Create(ctx context.Context, p *access.Principal, in *AccountInput) (*AccountView, *store.AccountRequest, error) {
	wechatDefaults(in)
	if err := s.check(p, in); err != nil {
		return nil, nil, err
	}
	var a *tongfa.Account
	var q *store.AccountRequest
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		q, err = s.request(ctx, tx, p, "open", in.UnitID, nil, in, "")
		if err != nil || !s.Supervises(p, in.UnitID) {
			return err
		}
		a, err = s.decide(ctx, tx, p, q, true, "管理员直接开设")
		return err
	})
	if err != nil || a == nil {
		return nil, q, err
	}
	return s.view(p, *a, in.Credentials), q, nil
}

// check validates an account proposal and the principal's right to make it.
func (s *Service) check(p *access.Principal, in *AccountInput) error {
	if err := s.Validate.Struct(in, labels); err != nil {
		return err
	}
	if in.UnitID == 0 {
		in.UnitID = p.User.UnitID
	}
	if !p.Tree.Has(p.User, in.UnitID, tongfa.RoleAdmin) {
		return &tongfa.Error{Code: tongfa.EForbidden, Message: "只有该单位的管理员可以登记账号"}
	}
	if err := checkCredentials(tongfa.Platform(in.Platform), in.Credentials); err != nil {
		return err
	}
	if err := checkWechatSettings(in); err != nil {
		return err
	}
	if len(in.Credentials) > 0 && s.Box == nil {
		return &tongfa.Error{Code: tongfa.EUnavailable, Message: "服务器未配置密钥（TONGFA_SECRET_KEY），不能保存接口凭据"}
	}
	return nil
}

// Supervises reports whether p administers the unit's supervising unit (a
// top-level unit supervises itself).
func (s *Service) Supervises(p *access.Principal, unit int64) bool {
	up := p.Tree.Parent(unit)
	if up == 0 {
		up = unit
	}
	return p.Tree.Has(p.User, up, tongfa.RoleAdmin)
}

func checkCredentials(p tongfa.Platform, creds map[string]string) error {
	if len(creds) == 0 {
		return nil
	}
	missing := map[string]string{}
	for _, k := range requiredCredentials[p] {
		if creds[k] == "" {
			missing["credentials."+k] = "缺少必填凭据 " + k
		}
	}
	if len(missing) > 0 {
		return &tongfa.Error{Code: tongfa.EInvalid, Message: p.Label() + "账号的接口凭据不完整", Fields: missing}
	}
	return nil
}

// seal encrypts credentials bound to the row they belong to.
func (s *Service) seal(aad []byte, creds map[string]string) []byte {
	b, _ := json.Marshal(creds)
	return s.Box.Seal(b, aad)
}

// List returns the accounts of the units the principal may read.
func (s *Service) List(ctx context.Context, p *access.Principal) ([]AccountView, error) {
	list, err := s.DB.Accounts(ctx, p.Tree.Readable(p.User))
	if err != nil {
		return nil, err
	}
	out := make([]AccountView, 0, len(list))
	for _, a := range list {
		v := s.view(p, a, nil)
		v.MassQuota = s.massQuota(ctx, &a)
		out = append(out, *v)
	}
	return out, nil
}

func (s *Service) view(p *access.Principal, a tongfa.Account, creds map[string]string) *AccountView {
	v := &AccountView{Account: a, UnitName: p.Tree.Name(a.UnitID), PlatformLabel: a.Platform.Label()}
	if creds == nil && s.Box != nil && a.HasCredentials() {
		creds, _ = connectors.Credentials(s.Box, &a)
	}
	v.CredentialKeys = keys(creds)
	return v
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return slices.Clip(out)
}
