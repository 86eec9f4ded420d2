package inbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/mux"
	"github.com/redis/go-redis/v9"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/all"
	"github.com/tongfa/tongfa/connectors/connectortest"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/inbox"
	"github.com/tongfa/tongfa/notify"
	"github.com/tongfa/tongfa/redisconn/redistest"
	"github.com/tongfa/tongfa/secret"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
	"github.com/tongfa/tongfa/web"
	"github.com/tongfa/tongfa/workday"
)

// redisDB is this package's Redis database (docs/testing.md).
const redisDB = 5

const (
	wxToken  = "callback-token"
	wxAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	hookKey  = "website-webhook-secret"
)

// env is a unit with WeChat, app and website accounts on a simulator, an
// editor and a deputy, and the intake served over HTTP as the hub does.
type env struct {
	db       *store.DB
	box      *secret.Box
	sim      *sim.Server
	simURL   string
	hub      *httptest.Server
	svc      *inbox.Service
	intake   *inbox.Intake
	unit     *tongfa.Unit
	users    map[string]*tongfa.User
	accounts map[tongfa.Platform]*tongfa.Account
	pushes   *recorder
	rdb      *redis.Client
}

// recorder keeps every push the hub received, to replay one.
type recorder struct {
	mu   sync.Mutex
	reqs []recorded
}

type recorded struct {
	method, url, contentType string
	header                   http.Header
	body                     []byte
}

func (r *recorder) last() recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.reqs[len(r.reqs)-1]
}

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{db: storetest.New(t), users: map[string]*tongfa.User{}, accounts: map[tongfa.Platform]*tongfa.Account{}, pushes: &recorder{}}
	e.box, _ = secret.NewSuite(bytes.Repeat([]byte{7}, 32), os.Getenv("TONGFA_CRYPTO"))
	e.sim = sim.New(1)
	st := httptest.NewServer(e.sim)
	t.Cleanup(st.Close)
	e.simURL = st.URL
	rdb := redistest.New(t, redisDB)
	e.rdb = rdb
	e.svc = &inbox.Service{DB: e.db, Checker: sensitive.NewDefault()}
	e.intake = &inbox.Intake{Inbox: e.svc, Box: e.box, Redis: rdb, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	r := mux.NewRouter()
	r.HandleFunc("/callback/wechat/{account}", func(w http.ResponseWriter, r *http.Request) {
		id, _ := strconv.ParseInt(mux.Vars(r)["account"], 10, 64)
		answer, err := e.intake.WeChat(r.Context(), r, id)
		if err != nil {
			w.WriteHeader(web.HTTPStatus(tongfa.ErrorCode(err)))
			return
		}
		io.WriteString(w, answer)
	})
	r.HandleFunc("/callback/{platform:app|website}/{account}", func(w http.ResponseWriter, r *http.Request) {
		id, _ := strconv.ParseInt(mux.Vars(r)["account"], 10, 64)
		if err := e.intake.Webhook(r.Context(), r, tongfa.Platform(mux.Vars(r)["platform"]), id); err != nil {
			w.WriteHeader(web.HTTPStatus(tongfa.ErrorCode(err)))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	e.hub = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if rec := e.pushes; rec != nil {
			body, _ := io.ReadAll(req.Body)
			rec.mu.Lock()
			rec.reqs = append(rec.reqs, recorded{req.Method, req.URL.String(), req.Header.Get("Content-Type"), req.Header.Clone(), body})
			rec.mu.Unlock()
			req.Body = io.NopCloser(bytes.NewReader(body))
		}
		r.ServeHTTP(w, req)
	}))
	t.Cleanup(e.hub.Close)

	err := e.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if e.unit, err = tx.CreateUnit(ctx, "示范市政务服务中心", nil); err != nil {
			return err
		}
		for _, r := range []tongfa.Role{tongfa.RoleEditor, tongfa.RoleDeputy, tongfa.RoleAuditor, tongfa.RoleReviewer} {
			u, err := tx.CreateUser(ctx, store.NewUser{Username: string(r), UnitID: e.unit.ID, PasswordHash: "x"})
			if err != nil {
				return err
			}
			if err := tx.Grant(ctx, u.ID, e.unit.ID, r); err != nil {
				return err
			}
		}
		specs := []struct {
			p     tongfa.Platform
			base  string
			creds map[string]string
		}{
			{tongfa.PlatformWeChat, "/wechat", map[string]string{"app_id": "wx77", "app_secret": "s", "callback_token": wxToken, "encoding_aes_key": wxAESKey}},
			{tongfa.PlatformApp, "/app", map[string]string{"hmac_secret": sim.AppSecret}},
			{tongfa.PlatformWebsite, "/website", map[string]string{"api_key": sim.WebsiteKey, "webhook_secret": hookKey}},
		}
		for _, sp := range specs {
			a := &tongfa.Account{UnitID: e.unit.ID, Platform: sp.p, Name: "示范" + sp.p.Label(), APIBase: e.simURL + sp.base}
			b, _ := json.Marshal(sp.creds)
			if err := tx.CreateAccount(ctx, a, func(id int64) ([]byte, error) { return e.box.Seal(b, connectors.AccountAAD(id)), nil }); err != nil {
				return err
			}
			e.accounts[sp.p] = a
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{"editor", "deputy", "auditor", "reviewer"} {
		e.users[r], _ = e.db.UserByUsername(ctx, r)
	}
	e.sim.SetCallbacks(sim.Callbacks{
		WeChat:  map[string]sim.WeChatCallback{"wx77": {URL: fmt.Sprintf("%s/callback/wechat/%d", e.hub.URL, e.accounts[tongfa.PlatformWeChat].ID), Token: wxToken, AESKey: wxAESKey}},
		Website: &sim.WebhookCallback{URL: fmt.Sprintf("%s/callback/website/%d", e.hub.URL, e.accounts[tongfa.PlatformWebsite].ID), Secret: hookKey},
	})
	return e
}

func (e *env) as(t testing.TB, name string) *access.Principal {
	t.Helper()
	units, _ := e.db.Units(context.Background())
	u, _ := e.db.User(context.Background(), e.users[name].ID)
	return &access.Principal{User: u, Tree: access.NewTree(units)}
}

func (e *env) messages(t testing.TB) []tongfa.Message {
	t.Helper()
	ms, err := e.db.Messages(context.Background(), store.MessageFilter{Units: []int64{e.unit.ID}, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func (e *env) raise(t testing.TB, in sim.Inbound) sim.Inbound {
	t.Helper()
	out, err := e.sim.Raise(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (e *env) replay(t testing.TB, r recorded) int {
	t.Helper()
	req, _ := http.NewRequest(r.method, r.url, bytes.NewReader(r.body))
	if !strings.HasPrefix(r.url, "http") {
		req, _ = http.NewRequest(r.method, e.hub.URL+r.url, bytes.NewReader(r.body))
	}
	for k, v := range r.header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestClassification(t *testing.T) {
	p := inbox.DefaultPolicy()
	for _, c := range []struct {
		name, kind, text, class, rule string
	}{
		{"error report by kind", "error_report", "网页上的电话号码打不通", "网站找错", "消息类型「网站找错」"},
		{"complaint", "comment", "我要投诉小区物业乱停车", "申诉求助", "关键词「投诉」"},
		{"complaint before praise", "message", "谢谢你们，但我还是要举报", "申诉求助", "关键词「举报」"},
		{"praise", "comment", "为一线防汛人员点赞", "表扬感谢", "关键词「点赞」"},
		{"advice", "comment", "建议在路口增设红绿灯", "谏言咨询", "关键词「建议」"},
		{"question mark", "message", "社保卡在哪里补办？", "谏言咨询", "规则 [?？]\\s*$"},
		{"nothing matched", "comment", "路过", "其他", "未命中任何规则，按默认分类"},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := p.Classify(c.kind, c.text)
			if v.Class != c.class || v.Rule != c.rule {
				t.Fatalf("Classify(%q) = %+v, want %s by %s", c.text, v, c.class, c.rule)
			}
		})
	}
	for _, bad := range []string{
		"default: {class: 其他}\n",
		"default: {class: 其他, days: 10}\nclasses: [{name: 甲, days: 5}]\n",
		"default: {class: 其他, days: 10}\nclasses: [{name: 甲, days: 5, patterns: ['(']}]\n",
		"default: {class: 其他, days: 10}\nclasses: [{name: 甲, days: 99, keywords: [a]}]\n",
		"default: {class: 其他, days: 10}\nunknown: 1\n",
	} {
		if _, err := inbox.ParsePolicy([]byte(bad)); err == nil {
			t.Errorf("policy %q accepted", bad)
		}
	}
}

// TestDeadlinesAcrossNationalDay: the deadline counts working days of the
// official calendar (National Day 2026: 10-01 to 10-07 off).
func TestDeadlinesAcrossNationalDay(t *testing.T) {
	e := newEnv(t)
	at := func(s string) time.Time {
		v, _ := time.ParseInLocation("2006-01-02 15:04", s, workday.Location())
		return v
	}
	acc := e.accounts[tongfa.PlatformWebsite]
	ms, err := e.svc.Ingest(context.Background(), []inbox.Incoming{
		{Account: acc, Kind: "comment", PlatformMsgID: "1", Body: "感谢你们的及时回复", At: at("2026-09-30 10:00")},
		{Account: acc, Kind: "error_report", PlatformMsgID: "2", Body: "首页链接失效", At: at("2026-09-30 18:00")},
	})
	if err != nil || len(ms) != 2 {
		t.Fatalf("ingest: %v %v", ms, err)
	}
	want := map[string]string{"1": "2026-10-13 10:00", "2": "2026-10-08 18:00"}
	for _, m := range ms {
		if got := m.Deadline.In(workday.Location()).Format("2006-01-02 15:04"); got != want[m.PlatformMsgID] {
			t.Errorf("message %s (%s) due %s, want %s", m.PlatformMsgID, m.Class, got, want[m.PlatformMsgID])
		}
	}
}

// TestWebhookIntake: the website pushes an error report and a comment,
// signed; a forged signature and a replay of a genuine push are refused,
// and nothing is stored twice.
func TestWebhookIntake(t *testing.T) {
	e := newEnv(t)
	in := e.raise(t, sim.Inbound{Platform: "website", Kind: "error_report", User: "visitor-1", Text: "政策文件页面附件无法下载"})
	if in.Pushed != http.StatusNoContent {
		t.Fatalf("push answered %d (%s)", in.Pushed, in.PushError)
	}
	ms := e.messages(t)
	if len(ms) != 1 || ms[0].Class != "网站找错" || ms[0].Kind != "error_report" || ms[0].PlatformMsgID != strconv.FormatInt(in.ID, 10) {
		t.Fatalf("stored %+v", ms)
	}
	genuine := e.pushes.last()
	if st := e.replay(t, genuine); st != http.StatusForbidden {
		t.Fatalf("replayed push answered %d", st)
	}
	// The same signature in upper-case hex is the same push (finding 13).
	upper := genuine
	upper.header = genuine.header.Clone()
	upper.header.Set("X-Tongfa-Signature", "sha256="+strings.ToUpper(strings.TrimPrefix(genuine.header.Get("X-Tongfa-Signature"), "sha256=")))
	if st := e.replay(t, upper); st != http.StatusForbidden {
		t.Fatalf("replay spelled in upper-case hex answered %d", st)
	}
	forged := genuine
	forged.body = bytes.Replace(genuine.body, []byte("无法下载"), []byte("已被篡改"), 1)
	if st := e.replay(t, forged); st != http.StatusForbidden {
		t.Fatalf("forged push answered %d", st)
	}
	unsigned := genuine
	unsigned.header = http.Header{"Content-Type": {"application/json"}}
	if st := e.replay(t, unsigned); st != http.StatusForbidden {
		t.Fatalf("unsigned push answered %d", st)
	}
	if n := len(e.messages(t)); n != 1 {
		t.Fatalf("%d messages after replays, want 1", n)
	}
}

// TestWeChatCallback: a message pushed in safe (AES) mode is checked and
// decrypted (connectors/wechat) and stored; a forged signature and a replayed push
// are refused.
func TestWeChatCallback(t *testing.T) {
	e := newEnv(t)
	in := e.raise(t, sim.Inbound{Platform: "wechat", Kind: "message", Account: "wx77", User: "openid-abc", Text: "请问新生儿医保怎么办理？"})
	if in.Pushed != http.StatusOK {
		t.Fatalf("push answered %d (%s)", in.Pushed, in.PushError)
	}
	ms := e.messages(t)
	if len(ms) != 1 || ms[0].Body != "请问新生儿医保怎么办理？" || ms[0].Author != "openid-abc" || ms[0].Class != "谏言咨询" {
		t.Fatalf("stored %+v", ms)
	}
	genuine := e.pushes.last()
	if st := e.replay(t, genuine); st != http.StatusForbidden {
		t.Fatalf("replayed push answered %d", st)
	}
	for _, param := range []string{"signature", "msg_signature"} {
		u, _ := url.Parse(genuine.url)
		q := u.Query()
		q.Set(param, strings.ToUpper(q.Get(param)))
		u.RawQuery = q.Encode()
		upper := genuine
		upper.url = u.String()
		if st := e.replay(t, upper); st != http.StatusForbidden {
			t.Fatalf("replay with %s in upper-case answered %d", param, st)
		}
	}
	for _, param := range []string{"signature", "msg_signature"} {
		u, _ := url.Parse(genuine.url)
		q := u.Query()
		q.Set(param, strings.Repeat("0", 40))
		u.RawQuery = q.Encode()
		forged := genuine
		forged.url = u.String()
		if st := e.replay(t, forged); st != http.StatusForbidden {
			t.Fatalf("forged %s answered %d", param, st)
		}
	}
	if n := len(e.messages(t)); n != 1 {
		t.Fatalf("%d messages, want 1", n)
	}
}

// TestDedupUnderConcurrentDelivery: the same message delivered eight
// times at once is stored once.
func TestDedupUnderConcurrentDelivery(t *testing.T) {
	e := newEnv(t)
	acc := e.accounts[tongfa.PlatformApp]
	var wg sync.WaitGroup
	var mu sync.Mutex
	fresh := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ms, err := e.svc.Ingest(context.Background(), []inbox.Incoming{
				{Account: acc, Kind: "comment", PlatformMsgID: "42", Body: "建议延长办事大厅周末开放时间", At: time.Now()},
				{Account: acc, Kind: "comment", PlatformMsgID: "43", Body: "谢谢", At: time.Now()},
			})
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			fresh += len(ms)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if n := len(e.messages(t)); n != 2 || fresh != 2 {
		t.Fatalf("%d stored, %d reported new; want 2 and 2", n, fresh)
	}
}

// TestPollingResumesFromItsCursor: the app's list is polled; a new poller
// (a restarted worker) continues from the stored cursor, so nothing is
// skipped or read twice.
func TestPollingResumesFromItsCursor(t *testing.T) {
	e := newEnv(t)
	for i := range 5 {
		e.raise(t, sim.Inbound{Platform: "app", Kind: "comment", User: fmt.Sprint("u", i), Text: fmt.Sprintf("第%d条留言：建议增加公交线路", i)})
	}
	poller := func() *inbox.Poller {
		reg := all.New(nil, 5*time.Second)
		return &inbox.Poller{Inbox: e.svc, Box: e.box, Weibo: reg.Weibo, App: reg.App, Website: reg.Website, Log: e.intake.Log}
	}
	ctx := context.Background()
	acc := e.accounts[tongfa.PlatformApp]
	if n, err := poller().PollAccount(ctx, acc); err != nil || n != 5 {
		t.Fatalf("first poll: %d %v", n, err)
	}
	for i := range 3 {
		e.raise(t, sim.Inbound{Platform: "app", Kind: "message", User: "later", Text: fmt.Sprintf("追问%d：什么时候开通？", i)})
	}
	if n, err := poller().PollAccount(ctx, acc); err != nil || n != 3 {
		t.Fatalf("poll after restart: %d %v, want the 3 new", n, err)
	}
	if n, _ := poller().PollAccount(ctx, acc); n != 0 {
		t.Fatalf("third poll found %d", n)
	}
	cur, _ := e.db.Cursor(ctx, acc.ID, "app:comments")
	if want := e.sim.Inbox()[len(e.sim.Inbox())-1].ID; cur != strconv.FormatInt(want, 10) {
		t.Fatalf("cursor %s, want %d", cur, want)
	}
	if n := len(e.messages(t)); n != 8 {
		t.Fatalf("%d messages, want 8", n)
	}
}

// TestExtensionAndOverride: a deputy extends a deadline once, with a
// reason; an editor overrides the class and the deadline follows.
func TestExtensionAndOverride(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	at, _ := time.ParseInLocation("2006-01-02 15:04", "2026-09-30 10:00", workday.Location())
	ms, _ := e.svc.Ingest(ctx, []inbox.Incoming{{Account: e.accounts[tongfa.PlatformApp], Kind: "comment", PlatformMsgID: "7", Body: "感谢社区工作人员", At: at}})
	id := ms[0].ID
	code := tongfa.ErrorCode
	if err := e.svc.Extend(ctx, e.as(t, "editor"), id, 5, "需要协调多个部门"); code(err) != tongfa.EForbidden {
		t.Fatalf("editor extending: %v", err)
	}
	if err := e.svc.Extend(ctx, e.as(t, "deputy"), id, 11, "太长"); code(err) != tongfa.EInvalid {
		t.Fatalf("11 days: %v", err)
	}
	if err := e.svc.Extend(ctx, e.as(t, "deputy"), id, 5, ""); code(err) != tongfa.EInvalid {
		t.Fatalf("no reason: %v", err)
	}
	if err := e.svc.Extend(ctx, e.as(t, "deputy"), id, 5, "需要协调多个部门"); err != nil {
		t.Fatal(err)
	}
	m, _ := e.db.Message(ctx, id)
	// 5 working days from 09-30 is 10-13; five more is 10-20.
	if got := m.Deadline.In(workday.Location()).Format("01-02 15:04"); got != "10-20 10:00" || m.ExtensionDays != 5 {
		t.Fatalf("extended deadline %s (%d days)", got, m.ExtensionDays)
	}
	if err := e.svc.Extend(ctx, e.as(t, "deputy"), id, 2, "再延"); code(err) != tongfa.EInvalidState {
		t.Fatalf("second extension: %v", err)
	}
	if err := e.svc.SetClass(ctx, e.as(t, "editor"), id, "申诉求助"); err != nil {
		t.Fatal(err)
	}
	m, _ = e.db.Message(ctx, id)
	// 20 + 5 working days from 09-30.
	want := workday.Default().AddWorkingDays(at, 25)
	if !m.Deadline.Equal(want) || m.Class != "申诉求助" || !strings.HasPrefix(m.ClassRule, "人工调整") {
		t.Fatalf("override: %+v, want deadline %s", m, want)
	}
	if err := e.svc.SetClass(ctx, e.as(t, "editor"), id, "不存在"); code(err) != tongfa.EInvalid {
		t.Fatalf("unknown class: %v", err)
	}
	// People who do not handle the unit's messages see them masked.
	e.svc.Ingest(ctx, []inbox.Incoming{{Account: e.accounts[tongfa.PlatformApp], Kind: "message", PlatformMsgID: "8", //nolint:errcheck
		Author: "user-9", Body: "我的电话是13912345678，请联系我", At: at}})
	list, _ := e.svc.List(ctx, e.as(t, "auditor"), store.MessageFilter{})
	for _, v := range list {
		if strings.Contains(v.Body, "13912345678") || v.Author != "" {
			t.Fatalf("auditor sees %q by %q", v.Body, v.Author)
		}
	}
	audit, _ := e.db.ListAudit(ctx, store.AuditFilter{Target: fmt.Sprintf("message:%d", id)})
	if len(audit) != 2 {
		t.Fatalf("%d audit rows, want 2 (extension, class)", len(audit))
	}
}

type robotLog struct {
	mu   sync.Mutex
	msgs []string
}

func (r *robotLog) Unit(_ context.Context, _ int64, m notify.Message) {
	r.mu.Lock()
	r.msgs = append(r.msgs, m.Title+m.Text)
	r.mu.Unlock()
}

// TestDeadlineAlerts: an open message past 75 % of its window is reported
// at risk, one past its deadline overdue — once each; a closed one and a
// fresh one are not.
func TestDeadlineAlerts(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	now, _ := time.ParseInLocation("2006-01-02 15:04", "2026-11-20 10:00", workday.Location()) // a Friday
	acc := e.accounts[tongfa.PlatformWebsite]
	ms, err := e.svc.Ingest(ctx, []inbox.Incoming{
		{Account: acc, Kind: "error_report", PlatformMsgID: "late", Body: "链接失效", At: now.Add(-72 * time.Hour)},
		{Account: acc, Kind: "comment", PlatformMsgID: "risk", Body: "感谢", At: now.Add(-6 * 24 * time.Hour)},
		{Account: acc, Kind: "comment", PlatformMsgID: "fresh", Body: "建议增加停车位", At: now.Add(-time.Hour)},
		{Account: acc, Kind: "error_report", PlatformMsgID: "closed", Body: "错别字", At: now.Add(-72 * time.Hour)},
	})
	if err != nil || len(ms) != 4 {
		t.Fatal(ms, err)
	}
	byKey := map[string]int64{}
	for _, m := range ms {
		byKey[m.PlatformMsgID] = m.ID
	}
	if err := e.svc.Close(ctx, e.as(t, "editor"), byKey["closed"], "已在网站修正"); err != nil {
		t.Fatal(err)
	}
	robots := &robotLog{}
	n, err := e.svc.Sweep(ctx, now, robots)
	if err != nil || n != 2 {
		t.Fatalf("sweep fired %d (%v), want 2; robots got %q", n, err, robots.msgs)
	}
	joined := strings.Join(robots.msgs, "\n")
	if !strings.Contains(joined, "【留言已超期】") || !strings.Contains(joined, "【留言即将超期】") || !strings.Contains(joined, "表扬感谢") {
		t.Fatalf("robot messages %q", robots.msgs)
	}
	if n, _ := e.svc.Sweep(ctx, now.Add(time.Minute), robots); n != 0 {
		t.Fatalf("second sweep fired %d", n)
	}
	var notes int
	e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE user_id = $1 AND kind LIKE 'reply.%'`, e.users["editor"].ID).Scan(&notes) //nolint:errcheck
	if notes != 2 {
		t.Fatalf("editor got %d notifications, want 2", notes)
	}
}

// TestWeChatArticleComments: comments on a published WeChat article are
// polled with comment/list, each article from its own stored position.
func TestWeChatArticleComments(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	reg := all.New(e.rdb, 5*time.Second)
	acc := e.accounts[tongfa.PlatformWeChat]
	pid := e.publishWeChat(t, reg)
	for i := range 3 {
		e.raise(t, sim.Inbound{Platform: "wechat", Kind: "comment", PostID: pid, User: fmt.Sprint("openid-", i), Text: fmt.Sprintf("第%d条评论：请问供暖费怎么缴纳？", i)})
	}
	poller := &inbox.Poller{Inbox: e.svc, Box: e.box, WeChat: reg.WeChat, Log: e.intake.Log}
	if n, err := poller.PollAccount(ctx, acc); err != nil || n != 3 {
		t.Fatalf("first poll: %d %v", n, err)
	}
	e.raise(t, sim.Inbound{Platform: "wechat", Kind: "comment", PostID: pid, User: "openid-9", Text: "感谢及时通知"})
	if n, err := poller.PollAccount(ctx, acc); err != nil || n != 1 {
		t.Fatalf("second poll: %d %v", n, err)
	}
	if n, _ := poller.PollAccount(ctx, acc); n != 0 {
		t.Fatalf("third poll: %d", n)
	}
	ms := e.messages(t)
	if len(ms) != 4 || ms[0].Platform != "wechat" || ms[0].PostID != pid {
		t.Fatalf("messages %+v", ms)
	}
}

// TestWeiboCommentsToMe: comments on the account's statuses are polled
// with comments/to_me from the stored since_id; a restarted poller reads
// only what is new.
func TestWeiboCommentsToMe(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	reg := all.New(e.rdb, 5*time.Second)
	acc, statusID := e.publishWeibo(t, reg)
	r := connectors.Receipt{PlatformPostID: statusID}
	for i := range 3 {
		e.raise(t, sim.Inbound{Platform: "weibo", Kind: "comment", PostID: r.PlatformPostID, User: fmt.Sprint("网友", i), Text: fmt.Sprintf("第%d条：请问明天学校停课吗？", i)})
	}
	poller := func() *inbox.Poller {
		return &inbox.Poller{Inbox: e.svc, Box: e.box, Weibo: reg.Weibo, Log: e.intake.Log}
	}
	if n, err := poller().PollAccount(ctx, acc); err != nil || n != 3 {
		t.Fatalf("first poll: %d %v", n, err)
	}
	e.raise(t, sim.Inbound{Platform: "weibo", Kind: "comment", PostID: r.PlatformPostID, User: "网友9", Text: "感谢提醒"})
	if n, err := poller().PollAccount(ctx, acc); err != nil || n != 1 {
		t.Fatalf("poll after restart: %d %v, want 1", n, err)
	}
	if n, _ := poller().PollAccount(ctx, acc); n != 0 {
		t.Fatalf("third poll: %d", n)
	}
	ms := e.messages(t)
	if len(ms) != 4 || ms[0].Platform != "weibo" || ms[0].PostID != r.PlatformPostID || ms[0].Class != "表扬感谢" {
		t.Fatalf("messages %+v", ms[0])
	}
}

// publishWeChat publishes an article of the WeChat account on the
// simulator and records its delivery, so its comments are polled; it
// returns the publish id (comment/list's msg_data_id).
func (e *env) publishWeChat(t testing.TB, reg *all.Registry) string {
	t.Helper()
	ctx := context.Background()
	acc := e.accounts[tongfa.PlatformWeChat]
	cacc, err := connectors.Connect(e.box, acc)
	if err != nil {
		t.Fatal(err)
	}
	steps := connectortest.NewSteps()
	post := &connectors.Post{DeliveryID: 1, Key: "tongfa-d1", Account: cacc,
		Payload: connectors.Payload{Title: "关于做好冬季供暖保障工作的通知", Digest: "供暖", HTML: "<p>确保群众温暖过冬。</p>", Link: "http://127.0.0.1/a/1"}}
	if _, err := reg.WeChat.Publish(ctx, post, steps); err != nil {
		t.Fatal(err)
	}
	pid, _ := steps.Get("publish_id")
	it, err := e.db.CreateItem(ctx, e.unit.ID, e.users["editor"].ID, tongfa.Content{Title: "通知", Body: "<p>x</p>", Category: "news",
		Kind: tongfa.KindOriginal, Importance: tongfa.ImportanceRoutine, Urgency: tongfa.UrgencyNormal}, store.SystemActor, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.db.Pool.Exec(ctx, `INSERT INTO deliveries (item_id, version_number, version_hash, account_id, platform, state, steps,
		created_at, updated_at, delivered_at) VALUES ($1, 1, $2, $3, 'wechat', 'delivered', jsonb_build_object('publish_id', $4::text), now(), now(), now())`,
		it.ID, it.Version.Hash, acc.ID, pid)
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// publishWeibo registers a Weibo account of the unit and shares a status
// on the simulator; it returns the account and the status id.
func (e *env) publishWeibo(t testing.TB, reg *all.Registry) (*tongfa.Account, string) {
	t.Helper()
	ctx := context.Background()
	creds := map[string]string{"access_token": "wbtok-inbox", "refresh_token": "refresh-wbtok-inbox", "app_key": "k", "app_secret": "s"}
	b, _ := json.Marshal(creds)
	acc := &tongfa.Account{UnitID: e.unit.ID, Platform: tongfa.PlatformWeibo, Name: "示范微博", APIBase: e.simURL + "/weibo"}
	err := e.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.CreateAccount(ctx, acc, func(id int64) ([]byte, error) { return e.box.Seal(b, connectors.AccountAAD(id)), nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	e.accounts[tongfa.PlatformWeibo] = acc
	cacc, err := connectors.Connect(e.box, acc)
	if err != nil {
		t.Fatal(err)
	}
	link := e.simURL + "/website/articles/1.html"
	r, err := reg.Weibo.Publish(ctx, &connectors.Post{DeliveryID: 1, Key: "tongfa-d1", Account: cacc,
		Payload: connectors.Payload{Title: "寒潮预警", Link: link, Text: "【寒潮预警】请市民注意防寒保暖。详情：" + link}}, connectortest.NewSteps())
	if err != nil {
		t.Fatal(err)
	}
	return acc, r.PlatformPostID
}
