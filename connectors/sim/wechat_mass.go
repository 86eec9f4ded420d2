package sim

import (
	"encoding/json"
	"net/http"
	"time"
)

// china is the time zone of WeChat's quota days and months.
var china = time.FixedZone("CST", 8*3600)

// WechatAccount is what the simulated platform knows about an Official
// Account and Tongfa's account settings only mirror: its type, its
// followers and whether mass sends need an administrator's confirmation.
// Accounts never registered are subscription accounts with 1000
// followers and no protection.
type WechatAccount struct {
	// Type is "subscription" (订阅号: one mass send per China calendar
	// day) or "service" (服务号: four per calendar month).
	Type      string `json:"type"`
	Followers int    `json:"followers"`
	// Refusing followers have turned mass messages off: a send counts
	// them in TotalCount and filters them out.
	Refusing int `json:"refusing,omitempty"`
	// Protection is 群发保护: every mass send waits for an administrator
	// to confirm it on their phone (POST /_sim/wechat/confirm) within
	// Options.MassConfirmWithin, or fails with err(40002).
	Protection bool `json:"protection,omitempty"`
}

// PostArticle is one article of a mass send or preview, in edition order.
type PostArticle struct {
	Title   string `json:"title"`
	URL     string `json:"url,omitempty"`
	Deleted bool   `json:"deleted,omitempty"`
}

// SetWechatAccount registers how the platform sees the account appID.
func (s *Server) SetWechatAccount(appID string, a WechatAccount) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wechat.accounts[appID] = a
}

func (s *Server) wxAccount(appID string) WechatAccount {
	a, ok := s.wechat.accounts[appID]
	if !ok {
		a = WechatAccount{Followers: 1000}
	}
	if a.Type == "" {
		a.Type = "subscription"
	}
	return a
}

// massRequest is the body of message/mass/sendall and message/mass/preview.
type massRequest struct {
	Filter struct {
		IsToAll bool `json:"is_to_all"`
	} `json:"filter"`
	ToWxName string `json:"towxname"`
	ToUser   string `json:"touser"`
	MsgType  string `json:"msgtype"`
	MPNews   struct {
		MediaID string `json:"media_id"`
	} `json:"mpnews"`
	// SendIgnoreReprint is documented as a number; some clients send "1".
	SendIgnoreReprint json.RawMessage `json:"send_ignore_reprint"`
	ClientMsgID       string          `json:"clientmsgid"`
}

func (m massRequest) ignoreReprint() bool {
	v := string(m.SendIgnoreReprint)
	return v == "1" || v == `"1"`
}

// wxMassDraft checks what a mass request sends: an mpnews made from a
// draft of this account.
func (s *Server) wxMassDraft(appID string, body []byte) (massRequest, *wxDraft, *answer) {
	var req massRequest
	if json.Unmarshal(body, &req) != nil {
		a := wxErr(47001, "data format error")
		return req, nil, &a
	}
	if req.MsgType != "mpnews" {
		a := wxErr(40008, "invalid message type")
		return req, nil, &a
	}
	d, ok := s.wechat.drafts[req.MPNews.MediaID]
	if !ok || d.appID != appID {
		a := wxErr(40007, "invalid media_id")
		return req, nil, &a
	}
	return req, d, nil
}

// wxSendAll serves message/mass/sendall to all followers. A clientmsgid
// seen within 24 hours is refused with the msg_id of the send that has
// it (45065), as WeChat documents; without one WeChat uses a digest of
// the scope and content. Quota is checked after the repeat, so a retry of
// a send that went out is told so rather than "no quota".
func (s *Server) wxSendAll(r *http.Request, appID string, body []byte) answer {
	req, d, fail := s.wxMassDraft(appID, body)
	switch {
	case fail != nil:
		return *fail
	case !req.Filter.IsToAll:
		return wxErr(40050, "invalid tag id") // sends to a tag are not simulated
	case len(req.ClientMsgID) > 64:
		return wxErr(45067, "clientmsgid size out of limit")
	}
	cid := req.ClientMsgID
	if cid == "" {
		cid = "all:" + s.wxDraftDigest(d)
	}
	if prev := s.wxMassByClient(appID, cid); prev != nil {
		if s.now().Sub(prev.at) < s.opts.MassRetryTooFast {
			return wxErr(45066, "same clientmsgid retry too fast")
		}
		return answer{200, map[string]any{"errcode": 45065, "errmsg": "clientmsgid exist", "msg_id": prev.id}}
	}
	if !s.wxMassQuota(appID) {
		return wxErr(45028, "has no masssend quota")
	}
	job := s.wxNewMass(base(r), appID, cid, d.articles, req.ignoreReprint())
	return answer{200, map[string]any{"errcode": 0, "errmsg": "send job submission success", "msg_id": job.id, "msg_data_id": job.dataID}}
}

func (s *Server) wxDraftDigest(d *wxDraft) string {
	parts := []string{}
	for _, a := range d.articles {
		parts = append(parts, a.Title, a.Content)
	}
	return fingerprint(parts...)
}

// wxMassByClient finds the account's send with clientmsgid cid from the
// last 24 hours, failed ones included.
func (s *Server) wxMassByClient(appID, cid string) *wxMassJob {
	for _, j := range s.wechat.mass {
		if j.appID == appID && j.clientMsgID == cid && s.now().Sub(j.at) < 24*time.Hour {
			return j
		}
	}
	return nil
}

// wxMassQuota reports whether the account may mass-send now: a
// subscription account once per China calendar day, a service account
// four times per calendar month. Failed sends do not count; one waiting
// for confirmation does.
func (s *Server) wxMassQuota(appID string) bool {
	now := s.now().In(china)
	day, month := 0, 0
	for _, j := range s.wechat.mass {
		if j.appID != appID || j.state == massFailed {
			continue
		}
		at := j.at.In(china)
		if at.Year() == now.Year() && at.Month() == now.Month() {
			month++
			if at.Day() == now.Day() {
				day++
			}
		}
	}
	if s.wxAccount(appID).Type == "service" {
		return month < 4
	}
	return day < 1
}

// wxMassGet serves message/mass/get. WeChat reports a send waiting for
// the administrator as SENDING: only the push says why one failed.
func (s *Server) wxMassGet(r *http.Request, appID string, body []byte) answer {
	job, fail := s.wxMassOf(appID, body)
	if fail != nil {
		return *fail
	}
	status := map[string]string{massAwaiting: "SENDING", massSent: "SEND_SUCCESS", massFailed: "SEND_FAIL", massDeleted: "DELETE"}[job.state]
	return answer{200, map[string]any{"msg_id": job.id, "msg_status": status}}
}

// wxMassOf finds the send a request names by msg_id (a number, or a
// string as silenceper sends it), expiring it first if its confirmation
// window has passed.
func (s *Server) wxMassOf(appID string, body []byte) (*wxMassJob, *answer) {
	var req struct {
		MsgID json.Number `json:"msg_id"`
	}
	json.Unmarshal(body, &req) //nolint:errcheck
	id, _ := req.MsgID.Int64()
	job := s.wxMass(appID, id)
	if job == nil {
		a := wxErr(40059, "invalid msg id")
		return nil, &a
	}
	s.wxMassTick(job)
	return job, nil
}

// wxMassDelete serves message/mass/delete: article_idx 0 (or absent)
// deletes every article, n the n-th. Only sends that went out can be
// deleted, or one still awaiting confirmation (群发保护), which is then
// withdrawn unsent; deleting again is accepted.
func (s *Server) wxMassDelete(r *http.Request, appID string, body []byte) answer {
	job, fail := s.wxMassOf(appID, body)
	if fail != nil {
		return *fail
	}
	var req struct {
		ArticleIdx int `json:"article_idx"`
	}
	json.Unmarshal(body, &req) //nolint:errcheck
	switch {
	case job.state == massAwaiting:
		// Deleting a send still waiting for the administrator withdraws
		// it: a confirmation after that finds nothing to send.
		job.state, job.status = massDeleted, "deleted"
		return wxErr(0, "ok")
	case job.post == nil:
		return wxErr(40059, "invalid msg id") // never reached anyone
	case req.ArticleIdx < 0 || req.ArticleIdx > len(job.post.Articles):
		return wxErr(40060, "invalid article_idx")
	}
	for i := range job.post.Articles {
		if req.ArticleIdx == 0 || req.ArticleIdx == i+1 {
			job.post.Articles[i].Deleted = true
		}
	}
	if !job.anyLive() {
		job.state, job.post.Deleted = massDeleted, true
	}
	return wxErr(0, "ok")
}

// wxPreview serves message/mass/preview: the articles go to one user
// (towxname, their WeChat ID, or touser, their openid) and use no quota.
// Previews are never duplicates of one another.
func (s *Server) wxPreview(r *http.Request, appID string, body []byte) answer {
	req, d, fail := s.wxMassDraft(appID, body)
	switch {
	case fail != nil:
		return *fail
	case req.ToWxName == "" && req.ToUser == "":
		return wxErr(40132, "invalid weixin name")
	}
	id := s.nextID()
	p := &Post{Platform: "wechat", Account: appID, ID: "preview-" + itoa(id), Title: d.articles[0].Title, Kind: "preview",
		Notified: 1, Text: req.ToWxName + req.ToUser, content: fingerprint("preview", itoa(id))}
	for _, a := range d.articles {
		p.Articles = append(p.Articles, PostArticle{Title: a.Title})
	}
	s.record(p)
	return answer{200, map[string]any{"errcode": 0, "errmsg": "preview success", "msg_id": id}}
}
