package wechat

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/tongfa/tongfa/connectors"
)

// Edition is one mass send (一期群发): the only way an article reaches
// the followers. Articles are rendered for WeChat (render.For) and listed
// in order, the headline (头条) first; each gives Title, Author, Digest,
// HTML (the attribution already above the body), Cover (an image
// reference, read through the ImageSource) and Link (阅读原文, the source
// URL).
type Edition struct {
	// ID is the hub's edition id, the same on every attempt.
	ID string
	// Round counts deliberate resends: a failed send (refused, not
	// confirmed in time) keeps its clientmsgid for 24 hours, so sending
	// the edition again takes Round+1 and fresh steps.
	Round    int
	Articles []connectors.Payload
	// IgnoreReprint is send_ignore_reprint. Off (0), WeChat stops the send
	// when its original-content check (原创校验) finds an article in its
	// library of originals; on, it sends the original's text and style in
	// place of ours, which is no longer the version that was signed off
	// (R1). Turn it on only for an edition an editor accepted that for.
	IgnoreReprint bool
}

// MaxArticles is the most articles WeChat takes in one mass send.
const MaxArticles = 8

// Steps of a mass send, besides the images (img:<digest of the source
// URL>, thumb:<digest of the cover reference>).
const (
	StepMassDraft   = "mass_draft:" // + the edition's content hash → the draft's media id
	StepMassSent    = "mass_sent"   // RFC 3339 time (with fractions) of the first sendall, saved with StepClientMsgID before it
	StepClientMsgID = "clientmsgid" // what every sendall of the edition carries
	StepMsgID       = "msg_id"      // WeChat's id of the send, saved with StepMsgDataID as soon as known
	StepMsgDataID   = "msg_data_id" // the articles' data id (comments, statistics)
	StepMassResult  = "mass_result" // the MASSSENDJOBFINISH push, as JSON (RecordMassJob)
	// StepMassFallback: an urgent item found no mass send left and was
	// published without notifying followers (the hub's queue); the value
	// is the reason, in Chinese. Such a delivery is not a mass send.
	StepMassFallback = "mass_fallback"
	stepThumbPrefix  = "thumb:"        // + digest of a cover reference → its thumb media id
	defaultCoverRef  = "default-cover" // the cover of articles without one
)

// repeatWindow is how long after the first sendall a resend with the
// same clientmsgid is certain to be refused rather than sent: WeChat
// keeps clientmsgids for 24 hours; an hour is left for clocks and queues.
const repeatWindow = 23 * time.Hour

const sendAllURL = "https://api.weixin.qq.com/cgi-bin/message/mass/sendall?access_token="

// Hash fingerprints what the edition sends: its articles' payload hashes
// in order and the reprint choice.
func (ed *Edition) Hash() string {
	h := sha256.New()
	fmt.Fprintf(h, "tongfa.edition.v1\n%t\n", ed.IgnoreReprint)
	for _, p := range ed.Articles {
		fmt.Fprintln(h, p.Hash())
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ClientMsgID is the clientmsgid of the edition's sends: its id, round
// and content, within WeChat's 64 bytes. Another content or round is
// another send; the same is refused by WeChat for 24 hours.
func (ed *Edition) ClientMsgID() string {
	hash := ed.Hash()
	id := fmt.Sprintf("tf-%s-r%d-%s", ed.ID, ed.Round, hash[:16])
	if len(id) > 64 {
		sum := sha256.Sum256([]byte(id))
		id = "tf-" + hex.EncodeToString(sum[:])[:40]
	}
	return id
}

// check refuses an edition WeChat would: too few or too many articles.
// A send also needs the id its clientmsgid is made of; a preview does not.
func (ed *Edition) check(send bool) error {
	switch {
	case ed == nil || (send && ed.ID == ""):
		return permanent("", "群发缺少编号")
	case len(ed.Articles) == 0 || len(ed.Articles) > MaxArticles:
		return permanent("45008", fmt.Sprintf("一期群发须有 1 至 %d 篇文章，本期 %d 篇", MaxArticles, len(ed.Articles)))
	}
	return nil
}

func permanent(code, msg string) error {
	return &connectors.Error{Class: connectors.Permanent, Platform: "wechat", Code: code, Message: msg}
}

// SendEdition mass-sends the edition to all followers, exactly once: it
// adds one draft of all the articles, saves StepMassSent and
// StepClientMsgID, then calls sendall with that clientmsgid. Calling it
// again after any error is safe and is how an Unconfirmed outcome is
// verified: with a saved msg_id it only reads the send's status; without
// one it resends with the same clientmsgid, which WeChat refuses for 24
// hours with the msg_id of the send that went out (45065). After that
// window it stops and asks for a manual check.
//
// A nil error means WeChat took the send: the receipt says how far it
// got (sending, awaiting_confirmation, sent, failed); follow it with
// MassStatus and the MASSSENDJOBFINISH push (RecordMassJob).
func (c *Client) SendEdition(ctx context.Context, acc connectors.Account, ed *Edition, s connectors.Steps) (MassReceipt, error) {
	if err := ed.check(true); err != nil {
		return MassReceipt{}, err
	}
	a, err := c.account(acc)
	if err != nil {
		return MassReceipt{}, err
	}
	if _, ok := s.Get(StepMsgID); ok {
		return c.follow(ctx, a, acc, s), nil
	}
	cid, resent, err := claimed(ed, s)
	if err != nil {
		return MassReceipt{}, err
	}
	mediaID, err := c.addDraft(ctx, a, StepMassDraft+ed.Hash()[:16], s, ed.Articles, thumbKey)
	if err != nil {
		return MassReceipt{}, err
	}
	if !resent {
		// From here on a send may have gone out.
		now := time.Now().UTC().Format(time.RFC3339Nano)
		if err := connectors.SaveSteps(ctx, s, StepMassSent, now, StepClientMsgID, cid); err != nil {
			return MassReceipt{}, err
		}
	}
	ans, err := a.sendAll(ctx, mediaID, cid, ed.IgnoreReprint)
	if err := massError(acc, err, resent); err != nil {
		return MassReceipt{}, err
	}
	if ans.MsgID == 0 {
		return MassReceipt{}, &connectors.Error{Class: connectors.Unconfirmed, Platform: "wechat",
			Message: "微信受理了群发但未返回群发编号，需核实"}
	}
	// Saved at once: after 24 hours the msg_id is the only way to know
	// the send went out. A 45065 names no msg_data_id.
	kv := []string{StepMsgID, itoa(ans.MsgID)}
	if ans.MsgDataID != 0 {
		kv = append(kv, StepMsgDataID, itoa(ans.MsgDataID))
	}
	if err := connectors.SaveSteps(ctx, s, kv...); err != nil {
		return MassReceipt{}, err
	}
	return c.follow(ctx, a, acc, s), nil
}

// thumbKey saves each distinct cover once per edition.
func thumbKey(p connectors.Payload) string {
	return stepThumbPrefix + shortHash(orDefault(p.Cover, defaultCoverRef))
}

// claimed returns the clientmsgid of the edition's sends; resent reports
// an earlier attempt, which saved it with StepMassSent. The edition must
// not have changed since, and WeChat must still remember the clientmsgid.
func claimed(ed *Edition, s connectors.Steps) (cid string, resent bool, err error) {
	cid = ed.ClientMsgID()
	saved, resent := s.Get(StepClientMsgID)
	if !resent {
		return cid, false, nil
	}
	if saved != cid {
		return "", true, permanent("edition_changed", "本期群发已提交（或可能已提交）后内容被修改，不能再发；请到公众平台核对，需要时新建一期")
	}
	sent, _ := s.Get(StepMassSent)
	if at, err := time.Parse(time.RFC3339, sent); err == nil && time.Since(at) > repeatWindow {
		return "", true, permanent("unverifiable", "群发请求已超过 24 小时仍无结果，无法自动核实，请到公众平台「已群发」中核对")
	}
	return cid, true, nil
}

// massAnswer is what sendall answers, 45065 included.
type massAnswer struct {
	MsgID     int64 `json:"msg_id"`
	MsgDataID int64 `json:"msg_data_id"`
}

// sendAll calls message/mass/sendall itself: silenceper's SendNews sends
// no clientmsgid.
func (a *account) sendAll(ctx context.Context, mediaID, cid string, ignoreReprint bool) (massAnswer, error) {
	req := map[string]any{"filter": map[string]any{"is_to_all": true}, "mpnews": map[string]any{"media_id": mediaID},
		"msgtype": "mpnews", "send_ignore_reprint": boolInt(ignoreReprint), "clientmsgid": cid}
	var ans massAnswer
	err := a.retryToken("mass", func() error {
		ans = massAnswer{}
		return a.post(ctx, sendAllURL, req, &ans)
	})
	var ce *connectors.Error
	if errors.As(err, &ce) && ce.Code == "45065" {
		return ans, nil // this clientmsgid went out before: the send is ours
	}
	return ans, err
}

// massError words a refused send. 45028 (no quota left) names the
// account type's quota; after an earlier attempt whose outcome is unknown
// it also asks for a check, since that attempt may have used the quota.
func massError(acc connectors.Account, err error, resent bool) error {
	var ce *connectors.Error
	if !errors.As(err, &ce) || ce.Code != "45028" {
		return err
	}
	msg := map[string]string{
		Subscription: "今日群发次数已用完（订阅号每天 1 次），请明天再发",
		Service:      "本月群发次数已用完（服务号每月 4 次），请下月再发",
	}[acc.Settings["wechat_type"]]
	if msg == "" {
		msg = "群发次数已用完（订阅号每天 1 次，服务号每月 4 次），请在配额恢复后再发"
	}
	if resent {
		msg += "；此前一次群发请求结果未知，请先到公众平台核对是否已发出"
	}
	return &connectors.Error{Class: connectors.Permanent, Platform: "wechat", Code: "45028", Message: msg, Err: err}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
