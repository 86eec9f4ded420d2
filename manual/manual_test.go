package manual_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/connectors/all"
	"github.com/tongfa/tongfa/connectors/media"
	"github.com/tongfa/tongfa/connectors/render"
	"github.com/tongfa/tongfa/manual"
	"github.com/tongfa/tongfa/queue"
	"github.com/tongfa/tongfa/queue/queuetest"
	"github.com/tongfa/tongfa/reports"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
	"github.com/tongfa/tongfa/workday"
)

// office is a unit with a 视频号 account run by 王运营 (an editor), an
// editor of another unit, the worker that turns deliveries into tasks, and
// a "platform" serving published pages on loopback, which the service's
// page reader is explicitly allowed to reach.
type office struct {
	*queuetest.Env
	svc      *manual.Service
	worker   *queue.Worker
	clocks   *clocks.Service
	acc      *tongfa.Account
	operator *access.Principal
	stranger *access.Principal
	pages    map[string]string // path → HTML
	site     *httptest.Server
}

func setup(t *testing.T) *office {
	t.Helper()
	db := storetest.New(t)
	o := &office{Env: queuetest.New(t, db), pages: map[string]string{}}
	o.Accounts = map[tongfa.Platform]*tongfa.Account{} // only the manual channel is targeted
	o.acc = o.AddManual(t, tongfa.PlatformShipinhao, "示范市发布视频号", "王运营")
	o.operator = o.person(t, "wangyunying", "王运营", o.Unit.ID)
	other := queuetest.New(t, db)
	o.stranger = o.person(t, "stranger", "李外单位", other.Unit.ID)
	o.site = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, ok := o.pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, page)
	}))
	t.Cleanup(o.site.Close)
	u, _ := url.Parse(o.site.URL)
	cl := &clocks.Service{DB: db, Calendar: workday.Default}
	o.clocks = cl
	o.worker = &queue.Worker{DB: db, Box: o.Box, Platforms: all.New(nil, time.Second), Render: render.Renderer{},
		Owner: "test", Lease: 10 * time.Second, Deadline: cl.TaskDeadline}
	o.svc = &manual.Service{DB: db, Pages: media.New(media.Options{Allow: []string{u.Host}, Timeout: 2 * time.Second}),
		Files: files{all.Library{Blobs: db}}, ExtraHosts: []string{u.Host}}
	return o
}

type files struct{ all.Library }

func (f files) Open(ctx context.Context, ref string) (manual.File, error) {
	return f.Library.Open(ctx, ref)
}

// person is an editor of unit.
func (o *office) person(t *testing.T, username, name string, unit int64) *access.Principal {
	t.Helper()
	ctx := context.Background()
	var u *tongfa.User
	err := o.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if u, err = tx.CreateUser(ctx, store.NewUser{Username: username, DisplayName: name, UnitID: unit, PasswordHash: "x"}); err != nil {
			return err
		}
		return tx.Grant(ctx, u.ID, unit, tongfa.RoleEditor)
	})
	if err != nil {
		t.Fatal(err)
	}
	full, _ := o.DB.User(ctx, u.ID)
	units, _ := o.DB.Units(ctx)
	return &access.Principal{User: full, Tree: access.NewTree(units), IP: "127.0.0.1"}
}

// approve approves an item for the account and lets the worker turn its
// delivery into a task.
func (o *office) approve(t *testing.T, title string) (*tongfa.Item, int64) {
	t.Helper()
	it, ids := o.Approve(t, title, false)
	if len(ids) != 1 {
		t.Fatalf("%d deliveries planned", len(ids))
	}
	payload, _ := json.Marshal(map[string]int64{"delivery_id": ids[0]})
	if err := o.worker.HandleDeliver(context.Background(), asynq.NewTask(queue.TypeDeliver, payload)); err != nil {
		t.Fatal(err)
	}
	return it, ids[0]
}

// TestShipinhaoTask: approval creates the task for the account's
// operators, with the text and a deadline; a page without the title is
// refused with the reason; the right page marks the delivery delivered by
// the operator; the quarterly report counts the post.
func TestShipinhaoTask(t *testing.T) {
	ctx := context.Background()
	o := setup(t)
	o.Cover = "https://hub.example.gov.cn/media/" + o.addCover(t).String()
	it, id := o.approve(t, "关于做好元旦春节期间安全生产工作的通知")
	d, _ := o.DB.Delivery(ctx, id)
	if d.State != tongfa.DeliveryManual {
		t.Fatalf("delivery %s %q", d.State, d.Error)
	}
	list, err := o.svc.List(ctx, o.operator, 50)
	if err != nil || len(list) != 1 {
		t.Fatalf("tasks %+v %v", list, err)
	}
	task := list[0]
	if task.ID != id || !task.Mine || !task.CanConfirm || task.PlatformLabel != "视频号" || task.Overdue ||
		!strings.HasPrefix(task.Text, "关于做好元旦春节期间安全生产工作的通知") || len(task.Media) != 1 ||
		task.Deadline.Before(time.Now()) || task.Deadline.After(time.Now().Add(5*24*time.Hour)) {
		t.Fatalf("task %+v", task)
	}
	if l, _ := o.svc.List(ctx, o.stranger, 50); len(l) != 0 {
		t.Fatalf("another unit's editor sees %+v", l)
	}
	if _, err := o.svc.Get(ctx, o.stranger, id); tongfa.ErrorCode(err) != tongfa.ENotFound {
		t.Fatalf("another unit's editor: %v", err)
	}
	if _, err := o.svc.Confirm(ctx, o.stranger, id, manual.ConfirmInput{URL: o.site.URL + "/p/1"}); tongfa.ErrorCode(err) != tongfa.ENotFound {
		t.Fatalf("another unit's editor confirms: %v", err)
	}

	o.pages["/p/wrong"] = `<html><head><title>视频号</title></head><body><p>另一条视频</p></body></html>`
	o.pages["/p/1"] = `<html><head><meta property="og:title" content="关于做好元旦春节期间安全生产工作的通知"></head><body>…</body></html>`
	for link, want := range map[string]string{
		o.site.URL + "/p/wrong":                           "没有找到稿件标题「关于做好元旦春节期间安全生产工作的通知」",
		o.site.URL + "/p/missing":                         "HTTP 404",
		"ftp://example.com/p/1":                           "http:// 或 https://",
		"http://10.1.2.3/p/1":                             "不在视频号的网站上",
		"https://www.toutiao.com/a/7311":                  "应为 channels.weixin.qq.com、mp.weixin.qq.com 的链接",
		"https://channels.weixin.qq.com.evil.example/p/1": "不在视频号的网站上",
	} {
		_, err := o.svc.Confirm(ctx, o.operator, id, manual.ConfirmInput{URL: link})
		if tongfa.ErrorCode(err) != tongfa.EInvalid || !strings.Contains(tongfa.ErrorMessage(err), want) {
			t.Fatalf("%s: %v, want %q", link, err, want)
		}
	}
	done, err := o.svc.Confirm(ctx, o.operator, id, manual.ConfirmInput{URL: o.site.URL + "/p/1"})
	if err != nil || done.State != "delivered" || done.ConfirmedBy != "王运营" || done.URL != o.site.URL+"/p/1" {
		t.Fatalf("%+v %v", done, err)
	}
	if got, _ := o.DB.Item(ctx, it.ID); got.State != tongfa.StatePublished {
		t.Fatalf("item %s", got.State)
	}
	if _, err := o.svc.Confirm(ctx, o.operator, id, manual.ConfirmInput{URL: o.site.URL + "/p/1"}); tongfa.ErrorCode(err) != tongfa.EInvalidState {
		t.Fatalf("confirmed twice: %v", err)
	}
	if l, _ := o.svc.List(ctx, o.operator, 50); len(l) != 0 {
		t.Fatalf("done task still listed: %+v", l)
	}

	period, err := reports.ParsePeriod("quarter", "", "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	r, err := (&reports.Service{DB: o.DB, Clocks: o.clocks}).Make(ctx, reports.Request{Period: period}, []int64{o.Unit.ID})
	if err != nil {
		t.Fatal(err)
	}
	var row *reports.AccountRow
	for i := range r.Accounts {
		if r.Accounts[i].AccountID == o.acc.ID {
			row = &r.Accounts[i]
		}
	}
	if row == nil || row.Posts != 1 || row.Required != 1 {
		t.Fatalf("report row %+v", row)
	}
	// The channel tables give 视频号 its own row; 其他新媒体 holds only
	// accounts registered as "other".
	channels := map[string]reports.ChannelRow{}
	for _, c := range r.Channels {
		channels[c.Label] = c
	}
	if c := channels["视频号"]; c.Key != "shipinhao" || c.Accounts != 1 || c.Posts != 1 {
		t.Fatalf("视频号 row %+v in %+v", c, r.Channels)
	}
	if c := channels["其他新媒体"]; c.Accounts != 0 || c.Posts != 0 {
		t.Fatalf("其他新媒体 row %+v", c)
	}
	if _, ok := channels["抖音"]; !ok || len(r.Channels) != len(tongfa.Platforms)+1 {
		t.Fatalf("channel rows %+v", r.Channels)
	}
}

// TestOverdueTaskAlerts: a task left undone past its deadline fails like
// a delivery (listed among the failed ones, overdue on the task list), an
// alert fires once and the unit's editors are told; the operator may
// still report the URL.
func TestOverdueTaskAlerts(t *testing.T) {
	ctx := context.Background()
	o := setup(t)
	_, id := o.approve(t, "关于开展冬季森林防火检查的通知")
	later := time.Now().Add(10 * 24 * time.Hour)
	if n, err := o.svc.Sweep(ctx, time.Now()); err != nil || n != 0 {
		t.Fatalf("before the deadline: %d %v", n, err)
	}
	if n, err := o.svc.Sweep(ctx, later); err != nil || n != 1 {
		t.Fatalf("after the deadline: %d %v", n, err)
	}
	if n, _ := o.svc.Sweep(ctx, later); n != 0 {
		t.Fatalf("swept twice: %d", n)
	}
	failed, err := o.DB.FailedDeliveries(ctx, []int64{o.Unit.ID}, 10)
	if err != nil || len(failed) != 1 || failed[0].ID != id || !strings.Contains(failed[0].Error, "超过发布期限") {
		t.Fatalf("failed %+v %v", failed, err)
	}
	alerts, _ := o.DB.Alerts(ctx, []int64{o.Unit.ID}, 10)
	if len(alerts) != 1 || alerts[0].Kind != "manual_task" || !strings.Contains(alerts[0].Message, "【人工发布逾期】") {
		t.Fatalf("alerts %+v", alerts)
	}
	ns, _ := o.DB.Notifications(ctx, o.operator.User.ID, 10)
	if len(ns) != 1 || !strings.Contains(ns[0].Message, "视频号账号「示范市发布视频号」") {
		t.Fatalf("notifications %+v", ns)
	}
	list, _ := o.svc.List(ctx, o.operator, 10)
	if len(list) != 1 || !list[0].Overdue || list[0].StateLabel != "已逾期" {
		t.Fatalf("tasks %+v", list)
	}
	o.pages["/late"] = `<h1>关于开展冬季森林防火检查的通知</h1>`
	if done, err := o.svc.Confirm(ctx, o.operator, id, manual.ConfirmInput{URL: o.site.URL + "/late"}); err != nil || done.State != "delivered" {
		t.Fatalf("late confirmation: %+v %v", done, err)
	}
}

// TestDownload: the package holds the text to paste and the cover from
// the media library.
func TestDownload(t *testing.T) {
	ctx := context.Background()
	o := setup(t)
	o.Cover = "https://hub.example.gov.cn/media/" + o.addCover(t).String()
	_, id := o.approve(t, "关于发布寒潮蓝色预警的通知")
	var buf bytes.Buffer
	var name string
	err := o.svc.Download(ctx, o.operator, id, func(n string) io.Writer { name = n; return &buf })
	if err != nil || name != fmt.Sprintf("发布任务%d.zip", id) {
		t.Fatalf("%q %v", name, err)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil || len(z.File) != 2 || z.File[0].Name != "正文.txt" || z.File[1].Name != "01.png" {
		t.Fatalf("zip %v", err)
	}
	if err := o.svc.Download(ctx, o.stranger, id, func(string) io.Writer { return io.Discard }); tongfa.ErrorCode(err) != tongfa.ENotFound {
		t.Fatalf("another unit: %v", err)
	}
}

func (o *office) addCover(t *testing.T) tongfa.MediaHash {
	t.Helper()
	ctx := context.Background()
	b := queuetest.CoverPNG
	blob, err := o.DB.PutBlob(ctx, tongfa.Blob{Hash: tongfa.SumMedia(b), Type: tongfa.MediaPNG, Size: int64(len(b))}, bytes.NewReader(b))
	if err == nil {
		err = o.DB.AddObject(ctx, &tongfa.MediaObject{Blob: blob, UnitID: o.Unit.ID, UploadedBy: o.Author.ID, Name: "封面.png"})
	}
	if err != nil {
		t.Fatal(err)
	}
	return blob.Hash
}

// TestPastedURLDomains: a pasted link must be on the platform's site (or
// a subdomain of it); "other" takes any host, and the test's extra hosts
// are accepted everywhere.
func TestPastedURLDomains(t *testing.T) {
	cases := []struct {
		platform tongfa.Platform
		link     string
		ok       bool
	}{
		{tongfa.PlatformToutiao, "https://www.toutiao.com/article/7311/", true},
		{tongfa.PlatformToutiao, "https://m.toutiao.com/is/abc/", true},
		{tongfa.PlatformToutiao, "https://www.douyin.com/video/1", false},
		{tongfa.PlatformToutiao, "https://nottoutiao.com/a/1", false},
		{tongfa.PlatformXiaohongshu, "https://www.xiaohongshu.com/explore/65a1", true},
		{tongfa.PlatformXiaohongshu, "http://xhslink.com/a/Bc1", true},
		{tongfa.PlatformXiaohongshu, "https://xiaohongshu.com.cn/explore/1", false},
		{tongfa.PlatformKuaishou, "https://www.kuaishou.com/short-video/3x", true},
		{tongfa.PlatformKuaishou, "https://v.kuaishou.com/abc", true},
		{tongfa.PlatformShipinhao, "https://channels.weixin.qq.com/web/pages/feed?id=1", true},
		{tongfa.PlatformShipinhao, "https://mp.weixin.qq.com/s/abc", true},
		{tongfa.PlatformShipinhao, "https://weixin.qq.com/s/abc", false},
		{tongfa.PlatformRenminhao, "https://rmh.people.com.cn/a/1", true},
		{tongfa.PlatformRenminhao, "https://people.cn/a/1", false},
		{tongfa.PlatformXuexi, "https://www.xuexi.cn/lgpage/detail/index.html?id=1", true},
		{tongfa.PlatformXuexi, "https://xuexi.com/1", false},
		{tongfa.PlatformDouyin, "https://www.douyin.com/video/7311", true},
		{tongfa.PlatformDouyin, "https://www.iesdouyin.com/share/video/1", false},
		{tongfa.PlatformToutiao, "https://1.2.3.4/a/1", false},
		{tongfa.PlatformOther, "https://www.example.gov.cn/a/1", true},
		{tongfa.PlatformOther, "http://203.0.113.9/a/1", true},    // the fetch still refuses private addresses
		{tongfa.PlatformXuexi, "http://127.0.0.1:8123/p/1", true}, // an extra host
		{tongfa.PlatformXuexi, "http://127.0.0.1:8124/p/1", false},
	}
	for _, c := range cases {
		u, err := url.Parse(c.link)
		if err != nil {
			t.Fatal(err)
		}
		ok, why := manual.OnDomain(c.platform, u, []string{"127.0.0.1:8123"})
		if ok != c.ok || ok != (why == "") {
			t.Errorf("%s %s: %v %q, want %v", c.platform, c.link, ok, why, c.ok)
		}
		if !ok && !strings.Contains(why, c.platform.Label()) {
			t.Errorf("%s %s: the reason %q does not name the platform", c.platform, c.link, why)
		}
	}
}
