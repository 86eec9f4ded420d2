package queue

import (
	"context"
	"errors"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/wechat"
	"github.com/tongfa/tongfa/secret"
)

// massPreviewer is the WeChat connector's preview (message/mass/preview).
type massPreviewer interface {
	Preview(ctx context.Context, acc connectors.Account, ed *wechat.Edition, wxname string, s connectors.Steps) error
}

// Previewer sends items, rendered for a WeChat account exactly as its mass
// send renders them, to one WeChat user (editions.Previewer). It uses no
// quota and keeps no checkpoints: a repeated preview is another preview.
type Previewer struct {
	Box       *secret.Box
	Platforms func() Platforms // lazily: the connectors are built once per process
	Render    Renderer
}

// Preview renders the items for acc and sends them as one preview.
func (v *Previewer) Preview(ctx context.Context, acc *tongfa.Account, items []*tongfa.Item, wxname string) error {
	cacc, err := connectors.Connect(v.Box, acc)
	if err != nil {
		return &tongfa.Error{Code: tongfa.EInternal, Message: "无法解密账号凭据，请检查服务器密钥", Err: err}
	}
	ed := &wechat.Edition{ID: "preview"}
	for _, it := range items {
		payload, err := v.Render.Render(it, cacc, "")
		if err != nil {
			return &tongfa.Error{Code: tongfa.EConflict, Message: "内容无法按微信要求生成：" + err.Error(), Err: err}
		}
		ed.Articles = append(ed.Articles, payload)
	}
	pub, err := v.Platforms().Publisher(cacc)
	if err != nil {
		return err
	}
	pv, ok := pub.(massPreviewer)
	if !ok {
		return tongfa.Errorf(tongfa.EConflict, "该账号的连接器不支持预览")
	}
	if err := pv.Preview(ctx, cacc, ed, wxname, nil); err != nil {
		var ce *connectors.Error
		if errors.As(err, &ce) {
			return &tongfa.Error{Code: tongfa.EPlatform, Message: "微信拒绝了预览：" + ce.Message + "（请确认已关注该公众号、微信号填写无误）", Err: err}
		}
		return &tongfa.Error{Code: tongfa.EPlatform, Message: "发送预览失败，请稍后重试", Err: err}
	}
	return nil
}
