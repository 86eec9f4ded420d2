package queue

import (
	"context"
	"errors"
	"fmt"
	"html"
	"maps"
	"regexp"
	"strings"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/wechat"
	"github.com/tongfa/tongfa/store"
)

// prepare checks that the item's unit may publish on the account, opens
// the account's credentials, finds the item's link and renders the
// payload.
func (a *attempt) prepare(ctx context.Context, dc *store.DeliveryContext) (*connectors.Post, connectors.Publisher, error) {
	it, acc := dc.Item, dc.Account
	if acc.Status != tongfa.AccountActive {
		return nil, nil, tongfa.Errorf(tongfa.EInvalidState, "账号「%s」当前不可用（%s）", acc.Name, acc.Status.Label())
	}
	if err := a.publishable(ctx, it, acc); err != nil {
		return nil, nil, err
	}
	cacc, err := connectors.Connect(a.w.Box, acc)
	if err != nil {
		return nil, nil, &tongfa.Error{Code: tongfa.EInternal, Message: "无法解密账号凭据，请检查服务器密钥", Err: err}
	}
	link, err := a.link(it, acc, dc.Siblings)
	if err != nil {
		return nil, nil, err
	}
	payload, err := a.w.Render.Render(it, cacc, link)
	if err != nil {
		return nil, nil, &tongfa.Error{Code: tongfa.EInvalid, Message: "内容无法按该平台要求生成：" + err.Error(), Err: err}
	}
	if err := a.ownMedia(ctx, it.UnitID, payload); err != nil {
		return nil, nil, err
	}
	post := &connectors.Post{DeliveryID: a.d.ID, Key: fmt.Sprintf("tongfa-d%d", a.d.ID), Account: cacc, Payload: payload}
	if acc.Platform.Manual() {
		return post, nil, nil // a publishing task: no publisher
	}
	pub, err := a.w.Platforms.Publisher(cacc)
	if err != nil {
		return nil, nil, &tongfa.Error{Code: tongfa.EInvalid, Message: "无法连接该平台账号：" + err.Error(), Err: err}
	}
	return post, pub, nil
}

// publishable is the last line of unit isolation: whatever was planned, a
// delivery goes only to the item's own unit's account or to one granted
// to it now (a grant revoked after approval stops the send).
func (a *attempt) publishable(ctx context.Context, it *tongfa.Item, acc *tongfa.Account) error {
	ok, err := a.w.DB.Publishable(ctx, it.UnitID, acc)
	if err != nil {
		return wait(5*time.Second, "暂时无法核对账号授权") // the store will answer again
	}
	if !ok {
		return tongfa.Errorf(tongfa.EForbidden, "账号「%s」不属于本单位，且未授权本单位代发，已拒绝发送", acc.Name)
	}
	return nil
}

// ownMedia checks that every media library file the payload names (its
// cover, images, video, and the pictures of its HTML) is the item's own
// unit's: a hash copied from another unit's item must not carry that
// unit's file out.
func (a *attempt) ownMedia(ctx context.Context, unit int64, p connectors.Payload) error {
	refs := append([]string{p.Cover, p.Video}, p.Images...)
	for _, m := range htmlImgRe.FindAllStringSubmatch(p.HTML, -1) {
		refs = append(refs, html.UnescapeString(m[1]))
	}
	for _, ref := range refs {
		h, ok := tongfa.MediaRef(ref)
		if !ok {
			continue
		}
		_, err := a.w.DB.Object(ctx, unit, h)
		switch {
		case errors.Is(err, tongfa.ErrNotFound):
			return tongfa.Errorf(tongfa.ENotFound, "稿件引用的文件 %s… 不在本单位的媒体库中，已拒绝发送", h.String()[:12])
		case err != nil:
			return wait(5*time.Second, "暂时无法读取媒体库")
		}
	}
	return nil
}

var htmlImgRe = regexp.MustCompile(`<img\b[^>]*\bsrc="([^"]+)"`)

// link is the public URL Weibo and WeChat point to: the item's article on
// the government website once it is published there, else the account's
// configured link pattern. A delivery waits (without failing) while the
// website delivery of the same version is still on its way.
func (a *attempt) link(it *tongfa.Item, acc *tongfa.Account, ds []tongfa.Delivery) (string, error) {
	if acc.Platform == tongfa.PlatformWebsite {
		return "", nil
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

// dbSteps keeps a delivery's checkpoints in PostgreSQL. Noted ones wait
// in memory for the next Save or the attempt's outcome.
type dbSteps struct {
	db      *store.DB
	id      int64
	owner   string
	lease   time.Duration
	m       map[string]string
	pending map[string]string
}

var _ connectors.Steps = (*dbSteps)(nil)

func (s *dbSteps) Get(key string) (string, bool) {
	v, ok := s.m[key]
	return v, ok
}

// SaveMany saves checkpoints that belong together, and any noted ones, in
// one write.
func (s *dbSteps) SaveMany(ctx context.Context, kv map[string]string) error {
	all := make(map[string]string, len(kv)+len(s.pending))
	maps.Copy(all, s.pending)
	maps.Copy(all, kv)
	if err := s.db.SaveDeliverySteps(ctx, s.id, s.owner, all, s.lease); err != nil {
		return err
	}
	s.pending = nil
	s.remember(kv)
	if id, ok := kv[wechat.StepMsgID]; ok {
		// A MASSSENDJOBFINISH push may have come before the msg_id.
		early, err := s.db.TakeEarlyPushForDelivery(ctx, s.id, id)
		if err != nil {
			return err
		}
		s.remember(early)
	}
	return nil
}

// Note holds checkpoints until the next Save or the attempt's outcome.
func (s *dbSteps) Note(kv map[string]string) {
	if s.pending == nil {
		s.pending = map[string]string{}
	}
	maps.Copy(s.pending, kv)
	s.remember(kv)
}

func (s *dbSteps) remember(kv map[string]string) {
	if s.m == nil {
		s.m = map[string]string{}
	}
	maps.Copy(s.m, kv)
}

// notes are the checkpoints not written yet: the outcome writes them.
func (s *dbSteps) notes() map[string]string {
	if s == nil {
		return nil
	}
	return s.pending
}

func (s *dbSteps) Save(ctx context.Context, key, value string) error {
	return s.SaveMany(ctx, map[string]string{key: value})
}
