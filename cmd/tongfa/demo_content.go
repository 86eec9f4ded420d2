package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/inbox"
	"github.com/tongfa/tongfa/items"
	"github.com/tongfa/tongfa/review"
	"github.com/tongfa/tongfa/store"
)

// demoAccounts are the office's four channels, all on the simulators.
var demoAccounts = []struct {
	platform tongfa.Platform
	name     string
	path     string
	creds    map[string]string
}{
	{tongfa.PlatformWebsite, "示范市人民政府门户网站", "/website", map[string]string{"api_key": sim.WebsiteKey}},
	{tongfa.PlatformWeChat, "示范市发布（微信公众号）", "/wechat", map[string]string{"app_id": demoAppID, "app_secret": "demo-secret"}},
	{tongfa.PlatformWeibo, "示范市发布（微博）", "/weibo", map[string]string{"access_token": "wbtok-demo",
		"refresh_token": "refresh-wbtok-demo", "app_key": "demo", "app_secret": "demo"}},
	{tongfa.PlatformApp, "掌上示范（移动客户端）", "/app", map[string]string{"hmac_secret": sim.AppSecret}},
}

// seedDemoChannels registers the accounts on the simulators (the
// simulator's address may change between runs) and, on the first run,
// some content in every state, including an urgent item counting down.
func seedDemoChannels(ctx context.Context, m *Main, simURL string) error {
	office, err := m.DB.UnitByName(ctx, demoOffice)
	if err != nil {
		return err
	}
	existing, err := m.DB.Accounts(ctx, []int64{office.ID})
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		return repointDemo(ctx, m.DB, office.ID, simURL)
	}
	var targets []int64
	for _, a := range demoAccounts {
		acc := &tongfa.Account{UnitID: office.ID, Platform: a.platform, Name: a.name, APIBase: simURL + a.path,
			Settings: map[string]string{"author": "示范市人民政府办公室"}}
		if a.platform == tongfa.PlatformWeibo {
			acc.Settings["status_page"] = simURL + weiboStatusPages
		}
		creds, _ := json.Marshal(a.creds)
		err := m.DB.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateAccount(ctx, acc, func(id int64) ([]byte, error) {
				return m.Hub.Box.Seal(creds, connectors.AccountAAD(id)), nil
			}); err != nil {
				return err
			}
			tx.Audit(cliActor, "account.create", fmt.Sprintf("account:%d", acc.ID), &office.ID, map[string]any{"platform": a.platform, "name": a.name})
			return nil
		})
		if err != nil {
			return err
		}
		targets = append(targets, acc.ID)
	}
	return seedDemoItems(ctx, m, office.ID, targets, simURL)
}

// weiboStatusPages is where the simulator shows statuses; the demo's
// Weibo account links there instead of to m.weibo.cn.
const weiboStatusPages = "/weibo/status/"

// repointDemoSQL moves the demo's accounts, and the links to what they
// published, to the simulators' address of this run ($2), from the one
// the accounts name ($3).
const repointDemoSQL = `
WITH moved AS (
	UPDATE deliveries SET url = $2 || substr(url, length($3) + 1)
	WHERE account_id IN (SELECT id FROM accounts WHERE unit_id = $1) AND $2 <> $3 AND starts_with(url, $3 || '/')
)
UPDATE accounts SET api_base = $2 || substring(api_base from '/[a-z]+$'),
	settings = CASE WHEN platform = 'weibo' THEN settings || jsonb_build_object('status_page', $2 || $4::text) ELSE settings END
WHERE unit_id = $1`

// repointDemo follows the simulators to this run's address, which the
// demo may be told to change (TONGFA_SIM_LISTEN), so that the accounts
// reach them and the item pages' links open.
func repointDemo(ctx context.Context, db *store.DB, unit int64, simURL string) error {
	var old string
	err := db.Pool.QueryRow(ctx, `SELECT coalesce(substring(min(api_base) from '^(.*)/[a-z]+$'), '') FROM accounts WHERE unit_id = $1`, unit).Scan(&old)
	if err == nil {
		_, err = db.Pool.Exec(ctx, repointDemoSQL, unit, simURL, old, weiboStatusPages)
	}
	return err
}

// demoItem is a piece of demo content and how far it goes.
type demoItem struct {
	title, body, importance, urgency string
	signers                          []string // who signs, in order; all of the chain means approved
}

var demoItems = []demoItem{
	{"示范市召开2026年第四季度安全生产工作会议", "<p>11月20日，示范市召开第四季度安全生产工作会议，部署岁末年初安全防范工作。</p>",
		"routine", "normal", []string{"reviewer"}},
	{"关于做好冬季供暖保障工作的通知", "<p>各县区、各有关单位：为确保群众温暖过冬，现就做好冬季供暖保障工作通知如下。</p>",
		"important", "normal", []string{"reviewer", "deputy"}},
	{"示范市12345热线11月办理情况通报", "<p>11月，市12345政务服务便民热线共受理群众诉求8652件，按时办结率99.1%。</p>",
		"routine", "normal", nil},
	{"关于寒潮天气道路临时交通管制的紧急通告", "<p>受强寒潮影响，部分路段将实施临时交通管制，请市民合理安排出行。</p>",
		"routine", "urgent", []string{"reviewer"}},
}

func seedDemoItems(ctx context.Context, m *Main, unit int64, targets []int64, simURL string) error {
	units, err := m.DB.Units(ctx)
	if err != nil {
		return err
	}
	tree := access.NewTree(units)
	as := func(name string) (*access.Principal, error) {
		u, err := m.DB.UserByUsername(ctx, name)
		return &access.Principal{User: u, Tree: tree, IP: "demo"}, err
	}
	editor, err := as("editor")
	if err != nil {
		return err
	}
	for _, d := range demoItems {
		in := &items.Input{Title: d.title, Body: d.body, Category: tongfa.CategoryNews, Kind: tongfa.KindOriginal,
			Importance: d.importance, Urgency: d.urgency, Targets: targets}
		if d.urgency == "urgent" {
			at := time.Now().Add(-20 * time.Minute)
			in.EventTime = &at
		}
		it, err := m.Hub.Items.Create(ctx, editor, in)
		if err != nil {
			return failure(err, "演示稿件「%s」未能创建：%s", d.title, tongfa.ErrorMessage(err))
		}
		if d.signers == nil {
			continue
		}
		if _, err := m.Hub.Review.Submit(ctx, editor, it.ID); err != nil {
			return failure(err, "演示稿件「%s」未能送审：%s", d.title, tongfa.ErrorMessage(err))
		}
		for _, who := range d.signers {
			p, err := as(who)
			if err != nil {
				return err
			}
			pass := func(context.Context, *access.Principal, string) error { return nil } // the demo signs for its own users
			if _, err := m.Hub.Review.Sign(ctx, p, it.ID, review.SignInput{VersionHash: it.Version.Hash, Decision: "approve", Comment: "同意发布"}, pass); err != nil {
				return failure(err, "演示稿件「%s」未能由 %s 审签：%s", d.title, who, tongfa.ErrorMessage(err))
			}
		}
	}
	m.Logger.Info("demo content seeded", slog.Int("items", len(demoItems)))
	return seedDemoMessages(ctx, m, targets, simURL, as)
}

// demoMessages are what the public wrote back, one per platform, some
// close to or past their reply deadline.
var demoMessages = []struct {
	platform tongfa.Platform
	kind     string
	author   string
	body     string
	ago      time.Duration
}{
	{tongfa.PlatformWebsite, "error_report", "网站访客", "“办事指南”栏目中社保卡补办的咨询电话号码有误，打过去是空号。", 50 * time.Hour},
	{tongfa.PlatformApp, "comment", "市民李先生", "我要投诉：小区旁工地夜间施工噪音严重，影响休息，希望有关部门处理。", 3 * time.Hour},
	{tongfa.PlatformWeibo, "comment", "示范市民", "为寒潮中坚守岗位的交警点赞，辛苦了！", 40 * time.Minute},
	{tongfa.PlatformWeChat, "message", "oDemoOpenID0001", "请问新生儿医保在哪里办理？需要带哪些材料？", 26 * time.Hour},
}

// seedDemoMessages raises the demo messages on the simulators (so that
// they can be answered) and takes them in; the complaint gets a draft
// answer waiting for the reviewer. Weibo comments need a status, which the
// demo items have not reached yet, so the Weibo one exists only in Tongfa.
func seedDemoMessages(ctx context.Context, m *Main, accounts []int64, simURL string, as func(string) (*access.Principal, error)) error {
	byPlatform := map[tongfa.Platform]*tongfa.Account{}
	for _, id := range accounts {
		a, err := m.DB.Account(ctx, id)
		if err != nil {
			return err
		}
		byPlatform[a.Platform] = a
	}
	var ins []inbox.Incoming
	for i, d := range demoMessages {
		a := byPlatform[d.platform]
		if a == nil {
			continue
		}
		id := fmt.Sprintf("demo-%d", i+1)
		if d.platform != tongfa.PlatformWeibo {
			raised, err := raiseOnSim(ctx, simURL, sim.Inbound{Platform: string(d.platform), Kind: d.kind, Account: demoAppID, User: d.author, Text: d.body})
			if err != nil {
				return failure(err, "无法在平台模拟器上创建演示留言")
			}
			id = strconv.FormatInt(raised.ID, 10)
		}
		ins = append(ins, inbox.Incoming{Account: a, Kind: d.kind, PlatformMsgID: id, Author: d.author, Body: d.body, At: time.Now().Add(-d.ago)})
	}
	ms, err := m.Hub.Inbox.Ingest(ctx, ins)
	if err != nil {
		return err
	}
	editor, err := as("editor")
	if err != nil {
		return err
	}
	for _, msg := range ms {
		if msg.Class == "申诉求助" {
			_, err := m.Hub.Inbox.Answer(ctx, editor, msg.ID, inbox.AnswerInput{
				Text: "您好，您反映的夜间施工噪音问题已转市城市管理局核查处理，办理结果将在法定时限内答复您。"})
			return err
		}
	}
	return nil
}

// demoAppID is the demo WeChat account's app id.
const demoAppID = "wxdemo0001"

// raiseOnSim creates an inbound item on the simulators over HTTP.
func raiseOnSim(ctx context.Context, simURL string, in sim.Inbound) (sim.Inbound, error) {
	b, _ := json.Marshal(in)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, simURL+"/_sim/inbound", bytes.NewReader(b))
	if err != nil {
		return in, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return in, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return in, fmt.Errorf("simulator answered %s", resp.Status)
	}
	var out sim.Inbound
	return out, json.NewDecoder(resp.Body).Decode(&out)
}
