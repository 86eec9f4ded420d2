package stats_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/all"
	"github.com/tongfa/tongfa/connectors/app"
	"github.com/tongfa/tongfa/connectors/connectortest"
	"github.com/tongfa/tongfa/connectors/douyin"
	"github.com/tongfa/tongfa/connectors/media"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/connectors/website"
	"github.com/tongfa/tongfa/connectors/wechat"
	"github.com/tongfa/tongfa/connectors/weibo"
	"github.com/tongfa/tongfa/redisconn/redistest"
	"github.com/tongfa/tongfa/secret"
	"github.com/tongfa/tongfa/stats"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
	"github.com/tongfa/tongfa/workday"
)

// redisDB holds the WeChat token cache of these tests. It is not flushed:
// the keys carry app ids drawn per test (docs/testing.md).
const redisDB = 11

// env is a unit with one account per platform on a simulator whose clock
// the store shares.
type env struct {
	db       *store.DB
	clk      *sim.Clock
	sim      *sim.Server
	simURL   string
	reg      *all.Registry
	col      *stats.Collector
	svc      *stats.Service
	unit     *tongfa.Unit
	author   *tongfa.User
	accounts map[tongfa.Platform]*tongfa.Account
	conns    map[tongfa.Platform]connectors.Account
}

func china(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, workday.Location())
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func newEnv(t *testing.T, at time.Time) *env {
	t.Helper()
	e := &env{db: storetest.New(t), clk: sim.NewClock(at)}
	e.db.Now = e.clk.Now
	e.sim = sim.NewWith(sim.Options{Seed: 7, Now: e.clk.Now})
	ts := httptest.NewServer(e.sim)
	t.Cleanup(ts.Close)
	e.simURL = ts.URL
	e.reg = registry(t, e.clk.Now, ts.Listener.Addr().String())
	key := make([]byte, 32)
	rand.Read(key) //nolint:errcheck
	box, _ := secret.NewSuite(key, os.Getenv("TONGFA_CRYPTO"))
	e.col = &stats.Collector{DB: e.db, Box: box, Readers: e.reg, Pace: map[tongfa.Platform]time.Duration{}}
	e.svc = &stats.Service{DB: e.db}
	e.seed(t, box)
	return e
}

// registry is every connector on the test's clock.
func registry(t *testing.T, now func() time.Time, simHost string) *all.Registry {
	opt, err := redis.ParseURL(redistest.URL(redisDB))
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { rdb.Close() })
	hc := connectors.NewHTTPClient(3 * time.Second)
	a, w := app.New(hc), website.New(hc)
	a.Now, w.Now = now, now
	return &all.Registry{WeChat: wechat.New(rdb, hc, media.New(media.Options{Allow: []string{simHost}})), Weibo: weibo.New(hc, nil),
		App: a, Website: w, Douyin: douyin.New(hc, nil, douyin.Bytes{"v": []byte("simulated video")}, nil, douyin.Options{Now: now})}
}

// seed makes the unit, an editor and one account per platform, a manual
// channel (视频号) among them.
func (e *env) seed(t *testing.T, box *secret.Box) {
	t.Helper()
	ctx := context.Background()
	tag := hex.EncodeToString([]byte(fmt.Sprint(time.Now().UnixNano())))[:16]
	creds := map[tongfa.Platform]map[string]string{
		tongfa.PlatformWeChat:  {"app_id": "wxstats" + tag, "app_secret": "s"},
		tongfa.PlatformWeibo:   {"access_token": "wbstats-" + tag},
		tongfa.PlatformApp:     {"hmac_secret": sim.AppSecret},
		tongfa.PlatformWebsite: {"api_key": sim.WebsiteKey},
		tongfa.PlatformDouyin:  {"access_token": "act.ou" + tag, "refresh_token": "rft.ou" + tag, "open_id": "ou" + tag, "client_key": "k"},
		tongfa.PlatformOther:   {},
	}
	base := map[tongfa.Platform]string{tongfa.PlatformWeChat: "/wechat", tongfa.PlatformWeibo: "/weibo", tongfa.PlatformApp: "/app",
		tongfa.PlatformWebsite: "/website", tongfa.PlatformDouyin: "/douyin"}
	e.accounts, e.conns = map[tongfa.Platform]*tongfa.Account{}, map[tongfa.Platform]connectors.Account{}
	err := e.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if e.unit, err = tx.CreateUnit(ctx, "示范市融媒体中心", nil); err != nil {
			return err
		}
		if e.author, err = tx.CreateUser(ctx, store.NewUser{Username: "editor", UnitID: e.unit.ID, PasswordHash: "x"}); err != nil {
			return err
		}
		for p, c := range creds {
			a := &tongfa.Account{UnitID: e.unit.ID, Platform: p, Name: "示范市" + p.Label(), Settings: map[string]string{}}
			if base[p] != "" {
				a.APIBase = e.simURL + base[p]
			}
			raw, _ := json.Marshal(c)
			if err := tx.CreateAccount(ctx, a, func(id int64) ([]byte, error) { return box.Seal(raw, connectors.AccountAAD(id)), nil }); err != nil {
				return err
			}
			e.accounts[p] = a
			e.conns[p] = connectors.Account{ID: a.ID, Platform: p, Name: a.Name, APIBase: a.APIBase, Credentials: c, Settings: a.Settings}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// publish posts an item on every platform with an API, as the delivery
// worker would, and records the deliveries: WeChat by a mass send whose
// ids the delivery keeps, the others by publishing.
func (e *env) publish(t *testing.T, title string) int64 {
	t.Helper()
	ctx := context.Background()
	c := tongfa.Content{Title: title, Body: "<p>正文</p>", Category: "news", Kind: tongfa.KindOriginal,
		Importance: tongfa.ImportanceRoutine, Urgency: tongfa.UrgencyNormal}
	it, err := e.db.CreateItem(ctx, e.unit.ID, e.author.ID, c, store.SystemActor, nil)
	if err != nil {
		t.Fatal(err)
	}
	link := e.simURL + "/website/articles/" + title
	for p, acc := range e.conns {
		if p == tongfa.PlatformOther {
			continue
		}
		payload := connectors.Payload{Title: title, Digest: "摘要", HTML: "<p>正文</p>", Link: link, Text: "【" + title + "】" + link, Video: "v"}
		steps := map[string]string{}
		var r connectors.Receipt
		if p == tongfa.PlatformWeChat {
			ed := &wechat.Edition{ID: fmt.Sprint(it.ID), Articles: []connectors.Payload{payload}}
			m, err := e.reg.WeChat.SendEdition(ctx, acc, ed, connectortest.NewSteps())
			if err != nil {
				t.Fatalf("wechat: %v", err)
			}
			r, steps = connectors.Receipt{PlatformPostID: m.MsgID, DeliveredAt: e.clk.Now()}, map[string]string{"msg_data_id": m.MsgDataID, "article_idx": "1"}
		} else {
			pub, _ := e.reg.Publisher(acc)
			if r, err = pub.Publish(ctx, &connectors.Post{Key: fmt.Sprintf("tongfa-i%d-%s", it.ID, p), Account: acc, Payload: payload},
				connectortest.NewSteps()); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
		}
		raw, _ := json.Marshal(steps)
		if _, err := e.db.Pool.Exec(ctx, `INSERT INTO deliveries (item_id, version_number, version_hash, account_id, platform, state,
				steps, platform_post_id, url, created_at, updated_at, delivered_at)
			SELECT $1, 1, hash, $2, $3, 'delivered', $4, $5, $6, $7, $7, $7 FROM item_versions WHERE item_id = $1 AND number = 1`,
			it.ID, acc.ID, string(p), raw, r.PlatformPostID, r.URL, e.clk.Now()); err != nil {
			t.Fatal(err)
		}
	}
	return it.ID
}

// sweep runs the statistics task as the worker would, without a queue.
func (e *env) sweep(t *testing.T) error {
	t.Helper()
	return e.col.Sweep(context.Background())
}

// stored is one post's stored days of an account, by day.
func (e *env) stored(t *testing.T, p tongfa.Platform) map[time.Time]store.StatsItemRow {
	t.Helper()
	var id int64
	if err := e.db.Pool.QueryRow(context.Background(), `SELECT item_id FROM deliveries WHERE account_id = $1 ORDER BY id LIMIT 1`,
		e.accounts[p].ID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	rows, err := e.db.StatsOfItem(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	out := map[time.Time]store.StatsItemRow{}
	for _, r := range rows {
		if r.AccountID == e.accounts[p].ID && r.Day != nil {
			out[*r.Day] = r
		}
	}
	return out
}
