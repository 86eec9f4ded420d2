package web_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/auth"
	"github.com/tongfa/tongfa/config"
	"github.com/tongfa/tongfa/hub"
	"github.com/tongfa/tongfa/redisconn/redistest"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
	"github.com/tongfa/tongfa/web"
)

const redisDB = 1

const password = "Passw0rd-Test"

// harness is a running server on a fresh schema with a city office (unit
// 1) above two bureaus (units 2 and 3), and one user per role in bureau A.
type harness struct {
	t     testing.TB
	db    *store.DB
	hub   *hub.Hub
	ts    *httptest.Server
	city  *tongfa.Unit
	unitA *tongfa.Unit
	unitB *tongfa.Unit
	// unitA1 is below bureau A; city2 is another city on the same
	// installation, with its bureau unitC.
	unitA1 *tongfa.Unit
	city2  *tongfa.Unit
	unitC  *tongfa.Unit
	users  map[string]*tongfa.User
	tokens map[string]string
}

func setup(t testing.TB) *harness {
	t.Helper()
	return setupOn(t, redisDB)
}

// setupOn is setup on Redis database rdbIndex.
func setupOn(t testing.TB, rdbIndex int) *harness {
	t.Helper()
	db := storetest.New(t)
	rdb := redistest.New(t, rdbIndex)
	cfg := config.Default()
	cfg.MaxBody = 64 << 10
	cfg.SecretKey = strings.Repeat("5a", 32)
	opt, err := asynq.ParseRedisURI(redistest.URL(rdbIndex))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Crypto = cmp.Or(os.Getenv("TONGFA_CRYPTO"), cfg.Crypto)
	hb := hub.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), hub.Conns{DB: db, Redis: rdb, RedisOpt: opt}, sensitive.NewDefault())
	t.Cleanup(func() { hb.Close() })
	h := &harness{t: t, db: db, hub: hb, users: map[string]*tongfa.User{}, tokens: map[string]string{}}
	h.seed()
	h.ts = httptest.NewServer(checkScripts(t, hb.Handler()))
	t.Cleanup(h.ts.Close)
	return h
}

func (h *harness) seed() {
	ctx := context.Background()
	hash, _ := auth.HashPassword(password, auth.TestParams)
	err := h.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		h.city, _ = tx.CreateUnit(ctx, "示范市人民政府办公室", nil)
		h.unitA, _ = tx.CreateUnit(ctx, "示范市甲局", &h.city.ID)
		h.unitB, _ = tx.CreateUnit(ctx, "示范市乙局", &h.city.ID)
		h.unitA1, _ = tx.CreateUnit(ctx, "示范市甲局下属中心", &h.unitA.ID)
		h.city2, _ = tx.CreateUnit(ctx, "邻市人民政府办公室", nil)
		h.unitC, err = tx.CreateUnit(ctx, "邻市丙局", &h.city2.ID)
		if err != nil {
			return err
		}
		add := func(name string, unit int64, roles ...tongfa.Role) {
			u, e := tx.CreateUser(ctx, store.NewUser{Username: name, UnitID: unit, PasswordHash: hash})
			if e != nil {
				err = e
				return
			}
			for _, r := range roles {
				tx.Grant(ctx, u.ID, unit, r)
			}
			h.users[name] = u
		}
		for _, r := range tongfa.Roles {
			add(string(r), h.unitA.ID, r)
		}
		add("editorB", h.unitB.ID, tongfa.RoleEditor)
		add("reviewer2", h.unitA.ID, tongfa.RoleReviewer)
		add("deputy2", h.unitA.ID, tongfa.RoleDeputy)
		add("deputyB", h.unitB.ID, tongfa.RoleDeputy)
		add("multi", h.unitA.ID, tongfa.RoleReviewer, tongfa.RoleDeputy)
		add("writer", h.unitA.ID, tongfa.RoleEditor, tongfa.RoleReviewer)
		add("cityadmin", h.city.ID, tongfa.RoleAdmin)
		add("cityauditor", h.city.ID, tongfa.RoleAuditor)
		add("sysadmin", h.city.ID, tongfa.RoleSysAdmin)
		add("editorA1", h.unitA1.ID, tongfa.RoleEditor)
		add("reviewerB", h.unitB.ID, tongfa.RoleReviewer)
		add("cityreviewer", h.city.ID, tongfa.RoleReviewer)
		add("editorC", h.unitC.ID, tongfa.RoleEditor)
		add("reviewerC", h.unitC.ID, tongfa.RoleReviewer)
		add("deputyC", h.unitC.ID, tongfa.RoleDeputy)
		add("adminC", h.city2.ID, tongfa.RoleAdmin)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	for name, u := range h.users {
		tok, th := auth.NewToken()
		h.db.InTx(ctx, func(tx *store.Tx) error {
			return tx.CreateToken(ctx, &store.Token{UserID: u.ID, Name: "test", ExpiresAt: time.Now().AddDate(1, 0, 0)}, th)
		})
		h.tokens[name] = tok
	}
}

// client is a logged-in browser (cookie jar + CSRF token) or a script
// (bearer token).
type client struct {
	h      *harness
	http   *http.Client
	csrf   string
	bearer string
}

func (h *harness) browser() *client {
	jar, _ := cookiejar.New(nil)
	return &client{h: h, http: &http.Client{Jar: jar}}
}

func (h *harness) login(name string) *client {
	h.t.Helper()
	c := h.browser()
	var out struct {
		CSRFToken string `json:"csrf_token"`
	}
	if st := c.do("POST", "/api/v1/session", map[string]string{"username": name, "password": password}, &out); st != 200 {
		h.t.Fatalf("login %s: status %d", name, st)
	}
	c.csrf = out.CSRFToken
	return c
}

func (h *harness) script(name string) *client {
	return &client{h: h, http: http.DefaultClient, bearer: h.tokens[name]}
}

// do sends body as JSON (raw if it is []byte) and decodes the answer into
// out; it returns the status.
func (c *client) do(method, path string, body any, out any) int {
	c.h.t.Helper()
	var b []byte
	switch v := body.(type) {
	case nil:
	case []byte:
		b = v
	default:
		b, _ = json.Marshal(v)
	}
	ctype := ""
	if body != nil {
		ctype = "application/json"
	}
	status, raw, _ := c.raw(method, path, ctype, b)
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			c.h.t.Fatalf("%s %s: decode %q: %v", method, path, raw, err)
		}
	}
	return status
}

// raw sends body with the content type given ("": none, and no body when
// body is nil) and returns the status, the answer and its headers.
func (c *client) raw(method, path, contentType string, body []byte) (int, []byte, http.Header) {
	c.h.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, _ := http.NewRequest(method, c.h.ts.URL+path, rd)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.csrf != "" {
		req.Header.Set(web.CSRFHeader, c.csrf)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.h.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, resp.Header
}

type apiError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

func itemBody(title string) map[string]any {
	return map[string]any{"title": title, "body": "<p>市政府召开常务会议，研究部署近期重点工作。</p>", "summary": "常务会议",
		"category": "news", "kind": "original", "importance": "routine", "urgency": "normal"}
}

// archived is itemBody marked archive-only (仅存档): it may go through
// sign-off without a channel.
func archived(title string) map[string]any {
	b := itemBody(title)
	b["archive_only"] = true
	return b
}

type created struct {
	ID      int64 `json:"id"`
	Version struct {
		Number int    `json:"number"`
		Hash   string `json:"hash"`
	} `json:"version"`
}

func (h *harness) createItem(as string, body map[string]any) created {
	h.t.Helper()
	var out created
	if st := h.script(as).do("POST", "/api/v1/items", body, &out); st != 201 {
		h.t.Fatalf("create item as %s: %d", as, st)
	}
	return out
}

// weiboLinkPattern gives the tests' Weibo accounts the public link a
// status must carry, so an item may go to Weibo without the website.
const weiboLinkPattern = "https://www.example.gov.cn/art/{id}.html"

// account registers an open account of unit directly in the store and
// returns its id (a Weibo account with weiboLinkPattern).
func (h *harness) account(unit int64, platform tongfa.Platform, name string) int64 {
	h.t.Helper()
	a := &tongfa.Account{UnitID: unit, Platform: platform, Name: name, Status: tongfa.AccountActive, Responsible: "值班员"}
	if platform == tongfa.PlatformWeibo {
		a.Settings = map[string]string{"link_pattern": weiboLinkPattern}
	}
	ctx := context.Background()
	err := h.db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateAccount(ctx, a, nil) })
	if err != nil {
		h.t.Fatal(err)
	}
	return a.ID
}
