package queue

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/registry"
	"github.com/tongfa/tongfa/store"
)

// prepare loads the account, opens its credentials, finds the item's link
// and renders the payload.
func (a *attempt) prepare(ctx context.Context, it *tongfa.Item) (*connectors.Post, connectors.Publisher, error) {
	acc, err := a.w.DB.Account(ctx, a.d.AccountID)
	if err != nil {
		return nil, nil, err
	}
	if acc.Status != "active" {
		return nil, nil, tongfa.Errorf(tongfa.EInvalidState, "账号「%s」当前不可用（%s）", acc.Name, acc.Status)
	}
	cacc, err := registry.Connect(a.w.Box, acc)
	if err != nil {
		return nil, nil, &tongfa.Error{Code: tongfa.EInternal, Message: "无法解密账号凭据，请检查服务器密钥", Err: err}
	}
	link, err := a.link(ctx, it, acc)
	if err != nil {
		return nil, nil, err
	}
	payload, err := a.w.Render.Render(it, cacc, link)
	if err != nil {
		return nil, nil, &tongfa.Error{Code: tongfa.EInvalid, Message: "内容无法按该平台要求生成：" + err.Error(), Err: err}
	}
	pub, err := a.w.Platforms.Publisher(cacc)
	if err != nil {
		return nil, nil, &tongfa.Error{Code: tongfa.EInvalid, Message: "无法连接该平台账号：" + err.Error(), Err: err}
	}
	post := &connectors.Post{DeliveryID: a.d.ID, Key: fmt.Sprintf("tongfa-d%d", a.d.ID), Account: cacc, Payload: payload}
	return post, pub, nil
}

// link is the public URL Weibo and WeChat point to: the item's article on
// the government website once it is published there, else the account's
// configured link pattern. A delivery waits (without failing) while the
// website delivery of the same version is still on its way.
func (a *attempt) link(ctx context.Context, it *tongfa.Item, acc *store.Account) (string, error) {
	if acc.Platform == tongfa.PlatformWebsite {
		return "", nil
	}
	ds, err := a.w.DB.ItemDeliveries(ctx, it.ID)
	if err != nil {
		return "", err
	}
	for _, d := range ds {
		if d.Platform != tongfa.PlatformWebsite || d.VersionNumber != a.d.VersionNumber {
			continue
		}
		if d.State == tongfa.DeliveryDelivered && d.URL != "" {
			return d.URL, nil
		}
		if !d.State.Done() {
			return "", wait(2*time.Second, "等待政府网站发布后获取文章链接")
		}
	}
	if p := acc.Settings["link_pattern"]; p != "" {
		return strings.ReplaceAll(p, "{id}", fmt.Sprint(it.ID)), nil
	}
	return "", nil
}

// dbSteps keeps a delivery's checkpoints in PostgreSQL.
type dbSteps struct {
	db    *store.DB
	id    int64
	owner string
	lease time.Duration
	m     map[string]string
}

var _ connectors.Steps = (*dbSteps)(nil)

func (s *dbSteps) Get(key string) (string, bool) {
	v, ok := s.m[key]
	return v, ok
}

// SaveMany saves checkpoints that belong together in one write.
func (s *dbSteps) SaveMany(ctx context.Context, kv map[string]string) error {
	if err := s.db.SaveDeliverySteps(ctx, s.id, s.owner, kv, s.lease); err != nil {
		return err
	}
	if s.m == nil {
		s.m = map[string]string{}
	}
	for k, v := range kv {
		s.m[k] = v
	}
	return nil
}

func (s *dbSteps) Save(ctx context.Context, key, value string) error {
	return s.SaveMany(ctx, map[string]string{key: value})
}
