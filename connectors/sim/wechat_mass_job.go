package sim

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// States of a simulated mass send.
const (
	massAwaiting = "awaiting_confirmation" // 群发保护: the administrator has not confirmed yet
	massSent     = "sent"
	massFailed   = "failed"
	massDeleted  = "deleted"
)

// reprintMark in a title makes the simulated original-content check
// (原创校验) find the article in WeChat's library of originals, whose
// author allows reprints.
const reprintMark = "【原创库】"

// wxMassJob is one mass send.
type wxMassJob struct {
	id, dataID  int64
	appID       string
	clientMsgID string
	at          time.Time
	deadline    time.Time // awaiting confirmation until then
	base        string    // the simulator's URL, for the articles' pages
	news        []wxNews
	state       string
	status      string // the push's Status: "send success", "err(40002)", …
	check       int    // CopyrightCheckResult.CheckState: 1 original, 2 reprint sent, 3 reprint refused
	counts      [4]int // total, filter, sent, error
	post        *Post  // nil until it reached followers
}

func (j *wxMassJob) anyLive() bool {
	return slices.ContainsFunc(j.post.Articles, func(a PostArticle) bool { return !a.Deleted })
}

// MassJob is a mass send as the simulator's own API lists it.
type MassJob struct {
	AppID       string    `json:"app_id"`
	MsgID       int64     `json:"msg_id"`
	MsgDataID   int64     `json:"msg_data_id"`
	ClientMsgID string    `json:"clientmsgid"`
	State       string    `json:"state"`  // awaiting_confirmation, sent, failed, deleted
	Status      string    `json:"status"` // as pushed: "send success", "err(40001)", …
	At          time.Time `json:"at"`
	ConfirmBy   time.Time `json:"confirm_by,omitzero"`
	Notified    int       `json:"notified"`
}

// MassJobs lists every mass send, oldest first.
func (s *Server) MassJobs() []MassJob {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []MassJob{}
	for _, j := range s.wechat.mass {
		s.wxMassTick(j)
		out = append(out, j.view())
	}
	return out
}

func (j *wxMassJob) view() MassJob {
	m := MassJob{AppID: j.appID, MsgID: j.id, MsgDataID: j.dataID, ClientMsgID: j.clientMsgID, State: j.state,
		Status: j.status, At: j.at, Notified: j.counts[2]}
	if j.state == massAwaiting {
		m.ConfirmBy = j.deadline
	}
	return m
}

// wxNewMass starts a send (holding s.mu): the original-content check
// first, then the administrator's confirmation if the account has
// protection on, then the followers.
func (s *Server) wxNewMass(base, appID, cid string, news []wxNews, ignoreReprint bool) *wxMassJob {
	job := &wxMassJob{id: s.nextID(), dataID: s.nextID(), appID: appID, clientMsgID: cid, at: s.now(), base: base,
		news: slices.Clone(news), check: 1}
	s.wechat.mass = append(s.wechat.mass, job)
	if slices.ContainsFunc(news, func(n wxNews) bool { return containsMark(n.Title) }) {
		job.check = 2
		if !ignoreReprint {
			job.check = 3
			s.wxMassEnd(job, massFailed, "err(30003)")
			return job
		}
	}
	if window := s.opts.MassConfirmWithin; s.wxAccount(appID).Protection {
		job.state, job.deadline = massAwaiting, job.at.Add(window)
		time.AfterFunc(window, func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.wxMassTick(job)
		})
		return job
	}
	s.wxMassDeliver(job)
	return job
}

// wxMassTick fails a send whose confirmation window has passed (holding
// s.mu). It runs when the window's timer fires and whenever the send is
// looked at, so a test's clock (Options.Now) decides as well.
func (s *Server) wxMassTick(job *wxMassJob) {
	if job.state == massAwaiting && !s.now().Before(job.deadline) && slices.Contains(s.wechat.mass, job) {
		s.wxMassEnd(job, massFailed, "err(40002)")
	}
}

// wxMassDeliver pushes the articles to the followers: one post, its
// articles in edition order.
func (s *Server) wxMassDeliver(job *wxMassJob) {
	acc := s.wxAccount(job.appID)
	filter := max(acc.Followers-acc.Refusing, 0)
	job.counts = [4]int{acc.Followers, filter, filter, 0}
	p := &Post{Platform: "wechat", Account: job.appID, ID: itoa(job.id), Key: job.clientMsgID, Title: job.news[0].Title,
		Kind: "mass", Notified: filter}
	parts := []string{"mass"}
	for i, n := range job.news {
		p.Articles = append(p.Articles, PostArticle{Title: n.Title, URL: fmt.Sprintf("%s/wechat/s/mass-%d-%d", job.base, job.id, i+1)})
		parts = append(parts, n.Title, n.Content)
	}
	p.URL, p.content = p.Articles[0].URL, fingerprint(parts...)
	job.post = s.record(p)
	s.wxMassEnd(job, massSent, "send success")
}

// wxMassEnd settles a send and pushes MASSSENDJOBFINISH to the account's
// callback, if it has one, after the lock is released.
func (s *Server) wxMassEnd(job *wxMassJob, state, status string) {
	job.state, job.status = state, status
	if state == massFailed {
		job.counts = [4]int{s.wxAccount(job.appID).Followers, 0, 0, 0}
	}
	cb, ok := s.inbox.callbacks.WeChat[job.appID]
	if !ok {
		return
	}
	body, _ := xml.Marshal(s.wxMassEvent(job))
	nonce := strconv.FormatInt(job.id, 36)
	go func() {
		// WeChat pushes a job's result some time after sendall answered,
		// and tries again when the callback fails or does not answer.
		time.Sleep(massPushDelay)
		for try := 0; try < 3; try++ {
			if st, err := pushWechatXML(context.Background(), cb, job.appID, nonce, "mphelper", body); err == nil && st < 300 {
				return
			}
			time.Sleep(time.Second)
		}
	}()
}

// massPushDelay is how long after a mass send ends its MASSSENDJOBFINISH
// push leaves: never at once, as on the platform, where a job takes
// seconds at least.
const massPushDelay = time.Second

// ConfirmMass is the administrator answering a protected send on their
// phone: confirm sends it, otherwise it fails with err(40001). msgID 0
// means the account's oldest send awaiting confirmation.
func (s *Server) ConfirmMass(appID string, msgID int64, confirm bool) (MassJob, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	job := s.wxMass(appID, msgID)
	if msgID == 0 {
		job = s.wxAwaiting(appID)
	}
	if job == nil {
		return MassJob{}, errors.New("no such mass send")
	}
	s.wxMassTick(job)
	switch {
	case job.state != massAwaiting:
		return job.view(), fmt.Errorf("mass send %d is %s, not awaiting confirmation", job.id, job.state)
	case confirm:
		s.wxMassDeliver(job)
	default:
		s.wxMassEnd(job, massFailed, "err(40001)")
	}
	return job.view(), nil
}

func (s *Server) wxMass(appID string, id int64) *wxMassJob {
	for _, j := range s.wechat.mass {
		if j.id == id && j.appID == appID {
			return j
		}
	}
	return nil
}

func (s *Server) wxAwaiting(appID string) *wxMassJob {
	for _, j := range s.wechat.mass {
		if j.appID == appID && j.state == massAwaiting {
			return j
		}
	}
	return nil
}

// wxMassPage finds the article a mass send's page shows, "mass-<msg_id>-<idx>".
func (s *Server) wxMassPage(id string) (wxNews, bool) {
	var msgID int64
	var idx int
	if _, err := fmt.Sscanf(id, "mass-%d-%d", &msgID, &idx); err != nil {
		return wxNews{}, false
	}
	for _, j := range s.wechat.mass {
		if j.id == msgID && j.post != nil && idx >= 1 && idx <= len(j.news) && !j.post.Articles[idx-1].Deleted {
			return j.news[idx-1], true
		}
	}
	return wxNews{}, false
}

// handleWechatSim serves the simulator's own WeChat controls:
// POST /_sim/wechat/accounts {"<appid>": WechatAccount}, GET /_sim/wechat/mass,
// POST /_sim/wechat/confirm {"app_id", "msg_id", "decision": "confirm|reject"}.
func (s *Server) handleWechatSim(w http.ResponseWriter, r *http.Request) {
	switch r.Method + " " + strings.TrimPrefix(r.URL.Path, "/_sim/wechat/") {
	case "POST accounts":
		var accs map[string]WechatAccount
		if err := json.NewDecoder(r.Body).Decode(&accs); err != nil {
			writeJSON(w, 400, map[string]string{"error": err.Error()})
			return
		}
		for id, a := range accs {
			s.SetWechatAccount(id, a)
		}
		w.WriteHeader(http.StatusNoContent)
	case "GET mass":
		writeJSON(w, 200, map[string]any{"mass": s.MassJobs()})
	case "POST confirm":
		var req struct {
			AppID    string `json:"app_id"`
			MsgID    int64  `json:"msg_id"`
			Decision string `json:"decision"`
		}
		json.NewDecoder(r.Body).Decode(&req) //nolint:errcheck
		job, err := s.ConfirmMass(req.AppID, req.MsgID, req.Decision != "reject")
		if err != nil {
			writeJSON(w, 409, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, 200, job)
	default:
		http.NotFound(w, r)
	}
}

func containsMark(title string) bool { return strings.Contains(title, reprintMark) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
