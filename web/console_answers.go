package web

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/inbox"
	"github.com/tongfa/tongfa/sensitive"
)

var answerRoutes = map[string]string{inbox.RouteCustomerService: "公众号客服消息（48小时内）", inbox.RouteCommentReply: "文章留言回复",
	inbox.RouteWeiboReply: "微博评论回复", inbox.RouteDouyinReply: "抖音评论回复", inbox.RouteKeyedReply: "客户端/网站答复接口"}

// weiboAnswerLimit is the length of a Weibo comment reply, in characters;
// inbox refuses longer ones, the composer's counter shows the limit.
const weiboAnswerLimit = 140

// answerRow is an answer with what the console shows about it.
type answerRow struct {
	tongfa.Answer
	StateLabel      string
	RouteLabel      string
	TierLabel       string
	DisclosureLabel string
	Author          *tongfa.User
	Signer          *tongfa.User
	CanWithdraw     bool // pending, and the viewer wrote it or handles the unit's messages
	CanConfirm      bool // unconfirmed, and the viewer handles the unit's messages
}

// composerView is the answer form of an open message.
type composerView struct {
	MessageID int64
	Templates []inbox.Template
	Limit     int
}

// answerCard is an answer in the signer's queue with its message (masked
// as inbox.Service.ToSign returns it).
type answerCard struct {
	answerRow
	Message  messageRow
	Findings []sensitive.Finding
	Password bool // the signer confirms with the password
}

// answerSection fills the message page's answers and, for a handler of an
// open message without a live answer, the composer.
func (s *Server) answerSection(ctx context.Context, p *access.Principal, m *inbox.View, handler bool, d *messageView) error {
	list, err := s.Inbox.Answers(ctx, m)
	if err != nil {
		return err
	}
	live := false
	for _, a := range list {
		row := s.answerRow(ctx, a)
		row.CanWithdraw = a.State == tongfa.AnswerPending && (handler || a.AuthorID == p.User.ID)
		row.CanConfirm = a.State == tongfa.AnswerUnconfirmed && handler
		d.Answers = append(d.Answers, row)
		live = live || !a.State.Dead()
	}
	if handler && d.Open && !live {
		d.Composer = &composerView{MessageID: m.ID, Templates: s.Inbox.Templates(m.Class), Limit: inbox.MaxAnswer}
		if m.Platform == string(tongfa.PlatformWeibo) {
			d.Composer.Limit = weiboAnswerLimit
		}
	}
	return nil
}

func (s *Server) answerRow(ctx context.Context, a tongfa.Answer) answerRow {
	row := answerRow{Answer: a, StateLabel: a.State.Label(), RouteLabel: labelOf(answerRoutes, a.Route),
		DisclosureLabel: disclosureLabel(&a), Author: s.person(ctx, a.AuthorID)}
	if a.Tier != "" {
		row.TierLabel = tongfa.Tier(a.Tier).Label()
	}
	if a.SignerID != nil {
		row.Signer = s.person(ctx, *a.SignerID)
	}
	return row
}

func disclosureLabel(a *tongfa.Answer) string {
	switch {
	case a.DisclosureState == tongfa.DisclosurePrivate:
		return "不公开：" + a.PrivateReason
	case a.DisclosureState != "":
		return a.DisclosureState.Label()
	case a.Disclose:
		return "发送后在政府网站「留言选登」栏目公开"
	}
	return "不公开"
}

// answerCards are the answers p may sign now, oldest first.
func (s *Server) answerCards(ctx context.Context, p *access.Principal, now time.Time) ([]answerCard, error) {
	list, err := s.Inbox.ToSign(ctx, p)
	if err != nil {
		return nil, err
	}
	views := make([]inbox.View, len(list))
	for i := range list {
		views[i] = list[i].Message
	}
	rows := s.messageRows(ctx, p, views, now)
	out := make([]answerCard, 0, len(list))
	for i, pa := range list {
		a := pa.Answer
		c := answerCard{answerRow: s.answerRow(ctx, a), Message: rows[i],
			Password: inbox.SignNeedsStepUp(p, &a)}
		if len(a.Findings) > 0 {
			if err := json.Unmarshal(a.Findings, &c.Findings); err != nil {
				return nil, fmt.Errorf("console: findings of answer %d: %w", a.ID, err)
			}
		}
		out = append(out, c)
	}
	return out, nil
}
