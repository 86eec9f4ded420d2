// Package hub is Tongfa's composition root: it builds every service of one
// installation once, from configuration, and passes each its
// collaborators. Read New to see the whole hub; cmd/tongfa only parses
// commands and starts what this package builds.
package hub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/audit"
	"github.com/tongfa/tongfa/clocks"
	"github.com/tongfa/tongfa/config"
	"github.com/tongfa/tongfa/connectors/douyin"
	connmedia "github.com/tongfa/tongfa/connectors/media"
	"github.com/tongfa/tongfa/connectors/render"
	"github.com/tongfa/tongfa/deliveries"
	"github.com/tongfa/tongfa/editions"
	"github.com/tongfa/tongfa/identity"
	"github.com/tongfa/tongfa/inbox"
	"github.com/tongfa/tongfa/items"
	"github.com/tongfa/tongfa/manual"
	"github.com/tongfa/tongfa/media"
	"github.com/tongfa/tongfa/notify"
	"github.com/tongfa/tongfa/queue"
	"github.com/tongfa/tongfa/redisconn"
	"github.com/tongfa/tongfa/registry"
	"github.com/tongfa/tongfa/reports"
	"github.com/tongfa/tongfa/repost"
	"github.com/tongfa/tongfa/review"
	"github.com/tongfa/tongfa/sanitize"
	"github.com/tongfa/tongfa/secret"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/session"
	"github.com/tongfa/tongfa/stats"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/validate"
	"github.com/tongfa/tongfa/web"
)

// Hub is every service of one installation.
type Hub struct {
	Config config.Config
	Log    *slog.Logger

	// Infrastructure.
	DB       *store.DB
	Redis    redis.UniversalClient
	RedisOpt asynq.RedisConnOpt // nil in tests that need no queue dashboard
	Tasks    *asynq.Client
	Box      *secret.Box // nil without TONGFA_SECRET_KEY
	Checker  *sensitive.Checker
	Validate *validate.Validator
	Calendar *clocks.Calendars
	Sessions *session.Store
	Notify   *notify.Notifier
	Queue    *queue.Enqueuer

	// Services: each owns its rules.
	Identity     *identity.Service
	Audit        *audit.Service
	Deliveries   *deliveries.Service
	Reports      *reports.Service
	Items        *items.Service
	Editions     *editions.Service
	Review       *review.Service
	Clocks       *clocks.Service
	Registry     *registry.Service
	Dictionaries *registry.Dictionaries
	Leaders      *registry.LeaderTables
	Words        *registry.UnitWords
	Contacts     *registry.UnitContacts
	Patrol       *registry.Patrol
	Inbox        *inbox.Service
	Intake       *inbox.Intake
	Stats        *stats.Service
	Reposts      *repost.Service
	// Media is the library of pictures and attachments items use.
	Media  *media.Service
	Manual *manual.Service

	lazyPlatforms
	// Metrics are the process's Prometheus collectors.
	Metrics *web.Metrics

	closers []func() error
}

// Conns are the connections a hub runs on.
type Conns struct {
	DB *store.DB
	// Replica (optional) is a pool on a streaming replica that reports
	// read from (TONGFA_DATABASE_REPLICA_URL).
	Replica  *store.DB
	Redis    redis.UniversalClient
	RedisOpt asynq.RedisConnOpt
}

// New builds every service over conns. It does no I/O: Load reads what
// the services keep in memory (dictionaries, the calendar).
func New(cfg config.Config, log *slog.Logger, conns Conns, checker *sensitive.Checker) *Hub {
	db, rdb := conns.DB, conns.Redis
	h := &Hub{Config: cfg, Log: log, DB: db, Redis: rdb, RedisOpt: conns.RedisOpt, Checker: checker, Validate: validate.New(),
		Metrics: web.NewMetrics()}
	h.Box = secretBox(cfg)
	if mac, err := cfg.AuditMAC(); err == nil {
		db.AuditMAC = mac
	}
	db.ContentHash = tongfa.ContentHashFor(cfg.Crypto)
	h.Tasks = asynq.NewClientFromRedisClient(rdb)
	h.Calendar = &clocks.Calendars{DB: db}
	h.Sessions = session.New(rdb, cfg.SessionIdle, cfg.SessionMax)
	h.Notify = &notify.Notifier{DB: db, Robots: notify.NewSender(), Box: h.Box, Log: log}
	h.Queue = &queue.Enqueuer{Client: h.Tasks, DB: db, Inspector: asynq.NewInspectorFromRedisClient(rdb)}

	h.Clocks = &clocks.Service{DB: db, Calendar: h.Calendar.Current, Notify: h.Notify, Log: log, Tasks: h.Tasks}
	// Every check of an item, an answer or a text uses its unit's leaders
	// and its unit's own words beside the installation's dictionaries.
	h.Leaders = &registry.LeaderTables{DB: db, Log: log}
	h.Words = &registry.UnitWords{DB: db, Log: log}
	h.Contacts = &registry.UnitContacts{DB: db, Log: log}
	rules := registry.UnitRules{Leaders: h.Leaders, Words: h.Words, Contacts: h.Contacts}
	h.Media = media.New(db, checker, media.Limits{}, 2)
	itemChecker := items.Checker{C: checker, Rules: rules, Now: db.Now, Files: h.Media, Allowed: cfg.LinkDomains}
	quotas := &editions.Quotas{DB: db}
	h.Review = &review.Service{DB: db, Check: itemChecker, Relay: h.Queue, Notify: h.Notify, Log: log,
		Calendar: h.Calendar.Current, Quota: quotas}
	h.Items = &items.Service{DB: db, HTML: sanitize.New(), Validate: h.Validate, Checker: itemChecker,
		Revised: h.Review.Revised, Saved: h.Clocks.ItemSaved, Readers: h.Review,
		Deadlines: h.Clocks, Scheduler: h.Queue, Log: log}
	h.Media.Items = h.Items // an unpublished file is readable by whoever may read an item using it
	h.Items.Import = &media.Importer{Library: h.Media, Hosts: cfg.ImageImportHosts,
		Fetch: connmedia.New(connmedia.Options{Allow: cfg.MediaHosts, Timeout: cfg.PlatformTimeout}).Image}
	h.Dictionaries = &registry.Dictionaries{DB: db, Checker: checker, Base: []*sensitive.Dictionary{sensitive.DefaultDictionary()}, Log: log}
	h.Patrol = &registry.Patrol{DB: db, Checker: checker, Leaders: h.Leaders, Words: h.Words, Contacts: h.Contacts, Notify: h.Notify, Log: log, Batch: 500, Tasks: h.Tasks}
	h.Registry = &registry.Service{DB: db, Box: h.Box, Validate: h.Validate, Calendar: h.Calendar.Current, Sessions: h.Sessions,
		Dictionaries: h.Dictionaries, Patrol: h.Patrol, Leaders: h.Leaders, Words: h.Words, Contacts: h.Contacts, Log: log, RobotHosts: cfg.RobotHosts, Quota: quotas}
	if cfg.DouyinClientKey != "" {
		h.Registry.Douyin = &registry.DouyinApp{ClientKey: cfg.DouyinClientKey, ClientSecret: cfg.DouyinClientSecret,
			RedirectURL: cfg.BaseURL() + "/accounts/douyin/callback", Redis: rdb,
			Client: douyin.New(&http.Client{Timeout: cfg.PlatformTimeout}, rdb, nil, nil, douyin.Options{})}
	}
	h.Identity = identity.New(db, h.Sessions, rdb, log)
	h.Identity.Box, h.Identity.TOTPRequired = h.Box, h.Review.RequiresTOTP
	if cfg.OIDCIssuer != "" {
		h.Identity.OIDC = &identity.OIDCOnDemand{Config: identity.OIDCConfig{Issuer: cfg.OIDCIssuer, ClientID: cfg.OIDCClientID,
			ClientSecret: cfg.OIDCClientSecret, UserClaim: cfg.OIDCUserClaim, RedirectURL: cfg.BaseURL() + "/login/oidc/callback"}}
	}
	h.Audit = &audit.Service{DB: db}
	h.Stats = &stats.Service{DB: db, Items: h.Items}
	h.Reposts = &repost.Service{DB: db, Items: h.Items, Notify: h.Notify, Log: log}
	// Deadlines judged as the dashboard judges them; the indices from the stored statistics.
	h.Reports = &reports.Service{DB: db, Clocks: h.Clocks, Indices: h.Stats, Replica: conns.Replica}
	h.Editions = &editions.Service{DB: db, Validate: h.Validate, Quotas: quotas, Sender: h.Queue, Log: log,
		Previewer: &queue.Previewer{Box: h.Box, Render: render.Renderer{}, Platforms: func() queue.Platforms { return h.Platforms() }}}
	h.Deliveries = &deliveries.Service{DB: db, Items: h.Items, Queue: h.Queue, Identity: h.Identity, Log: log}
	h.Inbox = &inbox.Service{DB: db, Calendar: h.Calendar.Current, Checker: checker, Rules: rules, Log: log, Notify: h.Notify,
		AnswerPolicy: h.Review.AnswerPolicy, Tasks: h.Tasks}
	h.Intake = &inbox.Intake{Inbox: h.Inbox, Box: h.Box, Redis: rdb, Log: log}
	h.Manual = newManual(cfg, db, log)
	return h
}

func secretBox(cfg config.Config) *secret.Box {
	box, err := cfg.Box()
	if err != nil {
		return nil
	}
	return box
}

// Open connects to PostgreSQL (migrating unless told not to) and Redis,
// builds the hub and loads it.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*Hub, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if !cfg.NoMigrate {
		applied, err := db.Migrate(ctx)
		if err != nil {
			db.Close()
			return nil, err
		}
		if len(applied) > 0 {
			log.Info("migrated", slog.Any("applied", applied))
		}
	}
	rdb, opt, err := redisconn.Open(cfg.RedisURL)
	if err == nil {
		err = rdb.Ping(ctx).Err()
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("redis: %w", err)
	}
	base, err := BaseDictionaries(cfg.DictDir)
	var checker *sensitive.Checker
	if err == nil {
		checker, err = sensitive.New(sensitive.DefaultNormalization, base...)
	}
	if err != nil {
		db.Close()
		rdb.Close()
		return nil, err
	}
	replica, err := OpenReplica(ctx, cfg.DatabaseReplicaURL, db)
	if err != nil {
		db.Close()
		rdb.Close()
		return nil, err
	}
	h := New(cfg, log, Conns{DB: db, Replica: replica, Redis: rdb, RedisOpt: opt}, checker)
	h.Dictionaries.Base = base
	h.closers = append(h.closers, rdb.Close, func() error { db.Close(); return nil })
	if replica != nil {
		h.closers = append(h.closers, func() error { replica.Close(); return nil })
	}
	if err := h.Load(ctx); err != nil {
		h.Close()
		return nil, err
	}
	return h, nil
}

// OpenReplica connects to the streaming replica at url (nil when url is
// empty). It keeps primary's clock, so a report's "now" is the
// installation's wherever its rows come from.
func OpenReplica(ctx context.Context, url string, primary *store.DB) (*store.DB, error) {
	if url == "" {
		return nil, nil
	}
	replica, err := store.Open(ctx, url)
	if err != nil {
		return nil, &tongfa.Error{Code: tongfa.ErrorCode(err), Err: err,
			Message: "无法连接数据库只读副本，请检查 TONGFA_DATABASE_REPLICA_URL，并确认该 PostgreSQL 正在运行"}
	}
	replica.Now = func() time.Time { return primary.Now() }
	return replica, nil
}

// Load reads what the services keep in memory: the stored dictionaries,
// the leaders tables, the units' own words and the working-day calendar.
func (h *Hub) Load(ctx context.Context) error {
	if _, err := h.Dictionaries.Reload(ctx); err != nil {
		return fmt.Errorf("dictionaries: %w", err)
	}
	if _, err := h.Leaders.Reload(ctx); err != nil {
		return fmt.Errorf("leaders tables: %w", err)
	}
	if _, err := h.Words.Reload(ctx); err != nil {
		return fmt.Errorf("unit words: %w", err)
	}
	if _, err := h.Contacts.Reload(ctx); err != nil {
		return fmt.Errorf("unit contacts: %w", err)
	}
	return h.Calendar.Load(ctx)
}

// Background runs the hub's in-process loops until ctx ends: sealing the
// audit chain and following dictionary, leaders-table and unit-words
// changes made by other processes.
func (h *Hub) Background(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { h.DB.RunAuditSealer(ctx, 200*time.Millisecond, h.Log) })
	wg.Go(func() { h.Leaders.Watch(ctx, 10*time.Second) })
	wg.Go(func() { h.Words.Watch(ctx, 10*time.Second) })
	wg.Go(func() { h.Contacts.Watch(ctx, 10*time.Second) })
	h.Dictionaries.Watch(ctx, 10*time.Second)
	wg.Wait()
}

// Now is the hub's clock (the database's, which tests can move).
func (h *Hub) Now() time.Time { return h.DB.Now() }

// Close releases the connections Open made.
func (h *Hub) Close() error {
	var errs []error
	for i := len(h.closers) - 1; i >= 0; i-- {
		errs = append(errs, h.closers[i]())
	}
	return errors.Join(errs...)
}

// BaseDictionaries are the shipped dictionaries and every .tsv file in dir
// (TONGFA_DICT_DIR), if set; administrators add more through the console.
func BaseDictionaries(dir string) ([]*sensitive.Dictionary, error) {
	ds := []*sensitive.Dictionary{sensitive.DefaultDictionary()}
	if dir == "" {
		return ds, nil
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.tsv"))
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		d, err := sensitive.ReadDictionaryFile(f)
		if err != nil {
			return nil, err
		}
		ds = append(ds, d)
	}
	return ds, nil
}
