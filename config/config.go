// Package config is Tongfa's one configuration: TONGFA_* environment
// variables, overridden by command-line flags, validated before use.
package config

import (
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/secret"
)

// Config is passed explicitly to everything that needs it; there are no
// globals.
type Config struct {
	DatabaseURL string // TONGFA_DATABASE_URL
	// DatabaseReplicaURL (TONGFA_DATABASE_REPLICA_URL) is a streaming
	// replica that report generation reads from; empty: the primary.
	DatabaseReplicaURL string
	RedisURL           string // TONGFA_REDIS_URL (redis://, rediss://, redis-sentinel://, redis-cluster://, rediss-cluster://)
	Listen             string // TONGFA_LISTEN
	PublicURL          string // TONGFA_PUBLIC_URL: how people reach the console
	// MetricsListen (TONGFA_METRICS_LISTEN) serves /metrics on an address
	// of its own (e.g. 127.0.0.1:9090), off the public listener.
	MetricsListen string
	// MetricsToken (TONGFA_METRICS_TOKEN) lets a scraper read /metrics on
	// the public listener with "Authorization: Bearer <token>"; system
	// administrators may read it too.
	MetricsToken        string
	SecretKey           string        // TONGFA_SECRET_KEY: 32 bytes, hex or base64
	AuditKey            string        // TONGFA_AUDIT_KEY: 32 bytes, hex or base64; derived from SecretKey when empty
	AuditCheckpointFile string        // TONGFA_AUDIT_CHECKPOINT_FILE: where signed audit checkpoints are appended
	LogLevel            string        // TONGFA_LOG_LEVEL: debug|info|warn|error
	LogFormat           string        // TONGFA_LOG_FORMAT: json|text
	MaxBody             int64         // TONGFA_MAX_BODY_BYTES
	NoMigrate           bool          // TONGFA_NO_MIGRATE
	SessionIdle         time.Duration // TONGFA_SESSION_IDLE
	SessionMax          time.Duration // TONGFA_SESSION_MAX
	Concurrency         int           // TONGFA_WORKER_CONCURRENCY
	DictDir             string        // TONGFA_DICT_DIR: extra dictionaries loaded at start
	Lease               time.Duration // TONGFA_DELIVERY_LEASE: how long a silent worker keeps a delivery
	PlatformTimeout     time.Duration // TONGFA_PLATFORM_TIMEOUT: one call to a platform API
	// MediaHosts (TONGFA_MEDIA_HOSTS, comma-separated host or host:port)
	// may serve the images content refers to from internal addresses,
	// which are refused for every other host (connectors/media).
	MediaHosts []string
	// LinkDomains (TONGFA_LINK_DOMAINS, comma-separated; default gov.cn)
	// are where a QR code in an item's picture may lead without a review
	// finding; an entry allows its subdomains.
	LinkDomains []string
	// ImageImportHosts (TONGFA_IMAGE_IMPORT_HOSTS, comma-separated; an
	// entry allows its subdomains) are where pictures pasted into a body
	// by URL are imported into the media library from; others are refused.
	ImageImportHosts []string
	// RobotHosts (TONGFA_ROBOT_HOSTS) may receive group-robot alerts besides
	// WeCom's and DingTalk's own webhook hosts (an intranet relay).
	RobotHosts []string
	// AuditRetentionDays (TONGFA_AUDIT_RETENTION_DAYS) is how long audit
	// rows are kept before the daily sweep prunes them: at least
	// MinAuditRetentionDays (R10: logs kept at least six months).
	AuditRetentionDays int
	BackupDir          string        // TONGFA_BACKUP_DIR: where pg_dump files or base backups land
	BackupWALDir       string        // TONGFA_BACKUP_WAL_DIR: the WAL archive (archive_command's target)
	BackupMaxAge       time.Duration // TONGFA_BACKUP_MAX_AGE: how old the newest backup may be
	// Crypto (TONGFA_CRYPTO) chooses the algorithms of credentials at rest
	// and of the audit chain: "std" (AES-256-GCM, HMAC-SHA256) or "sm"
	// (SM4-GCM, HMAC-SM3; GB/T 39786).
	Crypto string
	// OIDC: the unified identity login (统一身份认证) as an OpenID Connect
	// provider; off while OIDCIssuer is empty.
	OIDCIssuer       string // TONGFA_OIDC_ISSUER
	OIDCClientID     string // TONGFA_OIDC_CLIENT_ID
	OIDCClientSecret string // TONGFA_OIDC_CLIENT_SECRET (environment only)
	// DouyinClientKey and DouyinClientSecret are the hub's app on Douyin's
	// open platform, which account owners authorise (environment only).
	DouyinClientKey    string // TONGFA_DOUYIN_CLIENT_KEY
	DouyinClientSecret string // TONGFA_DOUYIN_CLIENT_SECRET
	OIDCUserClaim      string // TONGFA_OIDC_USER_CLAIM: the claim naming a Tongfa username
}

// MinAuditRetentionDays is the floor of TONGFA_AUDIT_RETENTION_DAYS: the
// seeds ask for logs kept no less than six months (鹤壁 第三十八条).
const MinAuditRetentionDays = 180

// Cryptography suites (TONGFA_CRYPTO).
const (
	CryptoStd = "std"
	CryptoSM  = "sm"
)

// Default returns the documented defaults (DESIGN.md, "The stable surface").
func Default() Config {
	return Config{
		DatabaseURL:     "postgres://127.0.0.1:5432/tongfa",
		RedisURL:        "redis://127.0.0.1:6379/0",
		Listen:          "127.0.0.1:8080",
		LogLevel:        "info",
		LogFormat:       "json",
		MaxBody:         2 << 20,
		SessionIdle:     30 * time.Minute,
		SessionMax:      8 * time.Hour,
		Concurrency:     50,
		LinkDomains:     []string{"gov.cn"},
		Lease:           45 * time.Second,
		PlatformTimeout: 15 * time.Second,

		AuditRetentionDays: MinAuditRetentionDays,
		BackupMaxAge:       26 * time.Hour,
		Crypto:             CryptoStd,
		OIDCUserClaim:      "preferred_username",
	}
}

// Load reads the environment (through getenv) and then parses args with a
// flag set named name, so flags win over the environment.
// extra registers command-specific flags on the same flag set.
func Load(name string, getenv func(string) string, args []string, extra ...func(*flag.FlagSet)) (Config, []string, error) {
	c := Default()
	if err := c.fromEnv(getenv); err != nil {
		return c, nil, err
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	c.Flags(fs)
	for _, x := range extra {
		if x != nil {
			x(fs)
		}
	}
	if err := fs.Parse(args); err != nil {
		return c, nil, err
	}
	return c, fs.Args(), nil
}

// Flags registers every flag on fs with the current values as defaults.
// There is no flag for the secret key: command lines are visible to every
// local user.
func (c *Config) Flags(fs *flag.FlagSet) {
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "PostgreSQL 数据库`地址`（TONGFA_DATABASE_URL）")
	fs.StringVar(&c.DatabaseReplicaURL, "database-replica-url", c.DatabaseReplicaURL, "生成报表时读取的 PostgreSQL 只读副本`地址`，不设则读主库（TONGFA_DATABASE_REPLICA_URL）")
	fs.StringVar(&c.RedisURL, "redis-url", c.RedisURL, "Redis `地址`（TONGFA_REDIS_URL）")
	fs.StringVar(&c.Listen, "listen", c.Listen, "接口和控制台监听的`地址`，主机:端口（TONGFA_LISTEN）")
	fs.StringVar(&c.PublicURL, "public-url", c.PublicURL, "用户访问控制台的`网址`（TONGFA_PUBLIC_URL）")
	fs.StringVar(&c.MetricsListen, "metrics-listen", c.MetricsListen, "单独提供 /metrics 的监听`地址`，主机:端口（TONGFA_METRICS_LISTEN）")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "日志`级别`：debug、info、warn 或 error（TONGFA_LOG_LEVEL）")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "日志`格式`：json 或 text（TONGFA_LOG_FORMAT）")
	fs.Int64Var(&c.MaxBody, "max-body-bytes", c.MaxBody, "请求体的最大`字节数`（TONGFA_MAX_BODY_BYTES）")
	fs.BoolVar(&c.NoMigrate, "no-migrate", c.NoMigrate, "启动时不升级数据库结构（TONGFA_NO_MIGRATE）")
	fs.DurationVar(&c.SessionIdle, "session-idle", c.SessionIdle, "登录会话无操作多久后失效（TONGFA_SESSION_IDLE）")
	fs.DurationVar(&c.SessionMax, "session-max", c.SessionMax, "登录会话最长有效多久（TONGFA_SESSION_MAX）")
	fs.IntVar(&c.Concurrency, "concurrency", c.Concurrency, "投递任务的并发`数`（TONGFA_WORKER_CONCURRENCY）")
	fs.StringVar(&c.DictDir, "dict-dir", c.DictDir, "启动时加载的附加词库（.tsv）所在`目录`（TONGFA_DICT_DIR）")
	fs.DurationVar(&c.Lease, "delivery-lease", c.Lease, "投递进程失联多久后由其他进程接管（TONGFA_DELIVERY_LEASE）")
	fs.DurationVar(&c.PlatformTimeout, "platform-timeout", c.PlatformTimeout, "调用一次平台接口的超时时间（TONGFA_PLATFORM_TIMEOUT）")
	fs.StringVar(&c.AuditCheckpointFile, "audit-checkpoint-file", c.AuditCheckpointFile, "投递进程追加审计校验点的`文件`（TONGFA_AUDIT_CHECKPOINT_FILE）")
	fs.Var((*hostList)(&c.MediaHosts), "media-hosts", "允许从内网地址提供稿件图片的`主机`，逗号分隔，可带端口（TONGFA_MEDIA_HOSTS）")
	fs.IntVar(&c.AuditRetentionDays, "audit-retention-days", c.AuditRetentionDays, "审计日志保留的`天数`，不少于 180（TONGFA_AUDIT_RETENTION_DAYS）")
	fs.StringVar(&c.BackupDir, "backup-dir", c.BackupDir, "数据库备份所在的`目录`（TONGFA_BACKUP_DIR）")
	fs.StringVar(&c.BackupWALDir, "backup-wal-dir", c.BackupWALDir, "WAL 归档所在的`目录`（TONGFA_BACKUP_WAL_DIR）")
	fs.DurationVar(&c.BackupMaxAge, "backup-max-age", c.BackupMaxAge, "最新备份最多可以是多久以前的（TONGFA_BACKUP_MAX_AGE）")
	fs.StringVar(&c.Crypto, "crypto", c.Crypto, "密码算法`套件`：std（AES、SHA-256）或 sm（SM4、SM3）（TONGFA_CRYPTO）")
	fs.Var((*hostList)(&c.ImageImportHosts), "image-import-hosts", "正文中粘贴的网络图片可以从哪些`主机`导入媒体库（含子域名），逗号分隔（TONGFA_IMAGE_IMPORT_HOSTS）")
	fs.Var((*hostList)(&c.LinkDomains), "link-domains", "图片二维码可以指向的`域名`（含子域名），逗号分隔，默认 gov.cn（TONGFA_LINK_DOMAINS）")
	fs.Var((*hostList)(&c.RobotHosts), "robot-hosts", "除企业微信和钉钉外，允许接收群机器人提醒的`主机`，逗号分隔（TONGFA_ROBOT_HOSTS）")
}

// hostList is a comma-separated list flag.
type hostList []string

func (h *hostList) String() string {
	if h == nil {
		return ""
	}
	return strings.Join(*h, ",")
}

func (h *hostList) Set(v string) error {
	*h = nil
	for _, e := range strings.Split(v, ",") {
		if e = strings.TrimSpace(e); e != "" {
			*h = append(*h, e)
		}
	}
	return nil
}

func (c *Config) fromEnv(getenv func(string) string) error {
	str := func(key string, dst *string) {
		if v := getenv(key); v != "" {
			*dst = v
		}
	}
	str("TONGFA_DATABASE_URL", &c.DatabaseURL)
	str("TONGFA_DATABASE_REPLICA_URL", &c.DatabaseReplicaURL)
	str("TONGFA_REDIS_URL", &c.RedisURL)
	str("TONGFA_LISTEN", &c.Listen)
	str("TONGFA_PUBLIC_URL", &c.PublicURL)
	str("TONGFA_METRICS_LISTEN", &c.MetricsListen)
	str("TONGFA_METRICS_TOKEN", &c.MetricsToken)
	str("TONGFA_SECRET_KEY", &c.SecretKey)
	str("TONGFA_AUDIT_KEY", &c.AuditKey)
	str("TONGFA_AUDIT_CHECKPOINT_FILE", &c.AuditCheckpointFile)
	str("TONGFA_LOG_LEVEL", &c.LogLevel)
	str("TONGFA_LOG_FORMAT", &c.LogFormat)
	str("TONGFA_DICT_DIR", &c.DictDir)
	str("TONGFA_BACKUP_DIR", &c.BackupDir)
	str("TONGFA_BACKUP_WAL_DIR", &c.BackupWALDir)
	str("TONGFA_CRYPTO", &c.Crypto)
	str("TONGFA_OIDC_ISSUER", &c.OIDCIssuer)
	str("TONGFA_OIDC_CLIENT_ID", &c.OIDCClientID)
	str("TONGFA_OIDC_CLIENT_SECRET", &c.OIDCClientSecret)
	str("TONGFA_DOUYIN_CLIENT_KEY", &c.DouyinClientKey)
	str("TONGFA_DOUYIN_CLIENT_SECRET", &c.DouyinClientSecret)
	str("TONGFA_OIDC_USER_CLAIM", &c.OIDCUserClaim)
	if v := getenv("TONGFA_MEDIA_HOSTS"); v != "" {
		(*hostList)(&c.MediaHosts).Set(v) //nolint:errcheck // never fails
	}
	if v := getenv("TONGFA_IMAGE_IMPORT_HOSTS"); v != "" {
		(*hostList)(&c.ImageImportHosts).Set(v) //nolint:errcheck // never fails
	}
	if v := getenv("TONGFA_LINK_DOMAINS"); v != "" {
		(*hostList)(&c.LinkDomains).Set(v) //nolint:errcheck // never fails
	}
	if v := getenv("TONGFA_ROBOT_HOSTS"); v != "" {
		(*hostList)(&c.RobotHosts).Set(v) //nolint:errcheck // never fails
	}
	var errs []error
	// A bad value is named with what it should be; Go's parse error is
	// English and says no more.
	parse := func(key, want string, set func(string) error) {
		if v := getenv(key); v != "" {
			if err := set(v); err != nil {
				errs = append(errs, fmt.Errorf("环境变量 %s 的值「%s」无效，应为%s", key, v, want))
			}
		}
	}
	const integer, duration = "整数", "时长（如 30s、15m、8h）"
	parse("TONGFA_MAX_BODY_BYTES", integer, func(v string) (err error) { c.MaxBody, err = strconv.ParseInt(v, 10, 64); return })
	parse("TONGFA_NO_MIGRATE", "true 或 false", func(v string) (err error) { c.NoMigrate, err = strconv.ParseBool(v); return })
	parse("TONGFA_SESSION_IDLE", duration, func(v string) (err error) { c.SessionIdle, err = time.ParseDuration(v); return })
	parse("TONGFA_SESSION_MAX", duration, func(v string) (err error) { c.SessionMax, err = time.ParseDuration(v); return })
	parse("TONGFA_WORKER_CONCURRENCY", integer, func(v string) (err error) { c.Concurrency, err = strconv.Atoi(v); return })
	parse("TONGFA_DELIVERY_LEASE", duration, func(v string) (err error) { c.Lease, err = time.ParseDuration(v); return })
	parse("TONGFA_PLATFORM_TIMEOUT", duration, func(v string) (err error) { c.PlatformTimeout, err = time.ParseDuration(v); return })
	parse("TONGFA_AUDIT_RETENTION_DAYS", integer, func(v string) (err error) { c.AuditRetentionDays, err = strconv.Atoi(v); return })
	parse("TONGFA_BACKUP_MAX_AGE", duration, func(v string) (err error) { c.BackupMaxAge, err = time.ParseDuration(v); return })
	return errors.Join(errs...)
}

// redisSchemes are the TONGFA_REDIS_URL forms redisconn.Parse reads.
var redisSchemes = []string{"redis", "rediss", "redis-sentinel", "redis-cluster", "rediss-cluster"}

// Validate checks every field and reports all problems at once.
func (c Config) Validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	u, err := url.Parse(c.DatabaseURL)
	check(err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql"), "数据库地址 TONGFA_DATABASE_URL 须以 postgres:// 开头，现为「%s」", redactURL(c.DatabaseURL))
	if c.DatabaseReplicaURL != "" {
		r, err := url.Parse(c.DatabaseReplicaURL)
		check(err == nil && (r.Scheme == "postgres" || r.Scheme == "postgresql"), "只读副本地址 TONGFA_DATABASE_REPLICA_URL 须以 postgres:// 开头，现为「%s」", redactURL(c.DatabaseReplicaURL))
	}
	scheme, _, _ := strings.Cut(c.RedisURL, "://")
	check(slices.Contains(redisSchemes, scheme),
		"Redis 地址 TONGFA_REDIS_URL 须以 redis://、rediss://、redis-sentinel://、redis-cluster:// 或 rediss-cluster:// 开头，现为「%s」", redactURL(c.RedisURL))
	_, _, err = net.SplitHostPort(c.Listen)
	check(err == nil, "监听地址 TONGFA_LISTEN 须写作 主机:端口，现为「%s」", c.Listen)
	if c.PublicURL != "" {
		p, err := url.Parse(c.PublicURL)
		check(err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != "", "控制台网址 TONGFA_PUBLIC_URL 须写作 http(s)://主机，现为「%s」", c.PublicURL)
	}
	if c.SecretKey != "" {
		_, err := c.Key()
		check(err == nil, "密钥 TONGFA_SECRET_KEY %v", err)
	}
	if c.AuditKey != "" {
		_, err := decodeKey(c.AuditKey)
		check(err == nil, "审计密钥 TONGFA_AUDIT_KEY %v", err)
	}
	var lvl slog.Level
	check(lvl.UnmarshalText([]byte(c.LogLevel)) == nil, "日志级别 TONGFA_LOG_LEVEL 须为 debug、info、warn 或 error，现为「%s」", c.LogLevel)
	check(c.LogFormat == "json" || c.LogFormat == "text", "日志格式 TONGFA_LOG_FORMAT 须为 json 或 text，现为「%s」", c.LogFormat)
	check(c.MaxBody >= 1024, "请求体上限 TONGFA_MAX_BODY_BYTES 至少为 1024 字节，现为 %d", c.MaxBody)
	check(c.SessionIdle > 0 && c.SessionMax >= c.SessionIdle, "会话空闲时限 TONGFA_SESSION_IDLE（%s）须大于零且不超过会话最长时限 TONGFA_SESSION_MAX（%s）", c.SessionIdle, c.SessionMax)
	check(c.Concurrency > 0, "投递并发数 TONGFA_WORKER_CONCURRENCY 须大于零")
	check(c.PlatformTimeout > 0 && c.Lease > 2*c.PlatformTimeout, "投递租期 TONGFA_DELIVERY_LEASE（%s）须超过平台超时 TONGFA_PLATFORM_TIMEOUT（%s）的两倍", c.Lease, c.PlatformTimeout)
	check(c.AuditRetentionDays >= MinAuditRetentionDays, "审计日志保留天数 TONGFA_AUDIT_RETENTION_DAYS 不得少于 %d 天（日志留存不少于 6 个月），现为 %d", MinAuditRetentionDays, c.AuditRetentionDays)
	check(c.BackupMaxAge > 0, "备份时限 TONGFA_BACKUP_MAX_AGE 须大于零")
	check(c.Crypto == CryptoStd || c.Crypto == CryptoSM, "密码算法套件 TONGFA_CRYPTO 须为 std 或 sm，现为「%s」", c.Crypto)
	if c.OIDCIssuer != "" {
		i, err := url.Parse(c.OIDCIssuer)
		check(err == nil && (i.Scheme == "https" || i.Scheme == "http") && i.Host != "" && c.OIDCClientID != "",
			"统一身份认证 TONGFA_OIDC_ISSUER 须为 http(s) 网址，并同时设置 TONGFA_OIDC_CLIENT_ID")
	}
	for _, h := range append(slices.Clone(c.MediaHosts), c.RobotHosts...) {
		check(validHost(h), "主机列表 TONGFA_MEDIA_HOSTS 或 TONGFA_ROBOT_HOSTS 中的「%s」须为主机名或 主机:端口（不含协议、路径和通配符，中文域名写作 xn-- 形式）", h)
	}
	return errors.Join(errs...)
}

// validHost accepts a host name or an IP address, with or without a port:
// what the media rules compare with the host a URL names.
func validHost(e string) bool {
	h, p, err := net.SplitHostPort(e)
	if err != nil {
		h, p = strings.TrimSuffix(strings.TrimPrefix(e, "["), "]"), ""
	}
	if n, err := strconv.Atoi(p); p != "" && (err != nil || n < 1 || n > 65535) {
		return false
	}
	if _, err := netip.ParseAddr(h); err == nil {
		return true
	}
	for _, r := range h {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_') {
			return false
		}
	}
	return h != "" && h != "."
}

// RequireSecretKey is for commands that store or read platform credentials.
func (c Config) RequireSecretKey() error {
	if c.SecretKey == "" {
		return errors.New("未设置密钥 TONGFA_SECRET_KEY，可用 openssl rand -hex 32 生成一个")
	}
	_, err := c.Key()
	return err
}

// Key decodes the secret key (32 bytes as 64 hex digits or base64).
func (c Config) Key() ([]byte, error) { return decodeKey(c.SecretKey) }

// AuditRetention is AuditRetentionDays as a duration, never below the floor.
func (c Config) AuditRetention() time.Duration {
	return time.Duration(max(c.AuditRetentionDays, MinAuditRetentionDays)) * 24 * time.Hour
}

// AuditMAC returns the audit chain's MAC under AuditMACKey in the
// configured suite (HMAC-SM3 for "sm", HMAC-SHA256 otherwise), accepting
// the other suite's values too.
func (c Config) AuditMAC() (*tongfa.AuditMAC, error) {
	key, err := c.AuditMACKey()
	if err != nil {
		return nil, err
	}
	return tongfa.NewAuditMACSuite(c.Crypto, key), nil
}

// Box returns the box sealing credentials under the secret key in the
// configured suite.
func (c Config) Box() (*secret.Box, error) {
	key, err := c.Key()
	if err != nil {
		return nil, err
	}
	return secret.NewSuite(key, c.Crypto)
}

// AuditMACKey returns the key of the audit chain: TONGFA_AUDIT_KEY when
// set, otherwise a key derived from TONGFA_SECRET_KEY with HKDF-SHA256 and
// a purpose label, so the credential key itself never doubles as a MAC key
// and neither can be computed from the other.
func (c Config) AuditMACKey() ([]byte, error) {
	if c.AuditKey != "" {
		return decodeKey(c.AuditKey)
	}
	if c.SecretKey == "" {
		return nil, tongfa.ErrNoAuditKey
	}
	secret, err := c.Key()
	if err != nil {
		return nil, err
	}
	return hkdf.Key(sha256.New, secret, nil, "tongfa audit chain v2", 32)
}

func decodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil && len(b) == 32 {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == 32 {
		return b, nil
	}
	return nil, errors.New("须为 32 字节，写作 64 位十六进制数或 base64")
}

// BaseURL is PublicURL, or one derived from the listen address.
func (c Config) BaseURL() string {
	if c.PublicURL != "" {
		return strings.TrimRight(c.PublicURL, "/")
	}
	return "http://" + c.Listen
}

// Redacted lists the effective configuration with secrets hidden, in a
// stable order, for `tongfa config`.
func (c Config) Redacted() [][2]string {
	redact := func(s string) string {
		if s == "" {
			return "（未设置）"
		}
		return "（已设置，不显示）"
	}
	return [][2]string{
		{"TONGFA_DATABASE_URL", redactURL(c.DatabaseURL)},
		{"TONGFA_DATABASE_REPLICA_URL", redactOptionalURL(c.DatabaseReplicaURL)},
		{"TONGFA_REDIS_URL", redactURL(c.RedisURL)},
		{"TONGFA_LISTEN", c.Listen},
		{"TONGFA_PUBLIC_URL", c.BaseURL()},
		{"TONGFA_SECRET_KEY", redact(c.SecretKey)},
		{"TONGFA_AUDIT_KEY", redact(c.AuditKey)},
		{"TONGFA_AUDIT_CHECKPOINT_FILE", c.AuditCheckpointFile},
		{"TONGFA_LOG_LEVEL", c.LogLevel},
		{"TONGFA_LOG_FORMAT", c.LogFormat},
		{"TONGFA_MAX_BODY_BYTES", strconv.FormatInt(c.MaxBody, 10)},
		{"TONGFA_NO_MIGRATE", strconv.FormatBool(c.NoMigrate)},
		{"TONGFA_SESSION_IDLE", c.SessionIdle.String()},
		{"TONGFA_SESSION_MAX", c.SessionMax.String()},
		{"TONGFA_WORKER_CONCURRENCY", strconv.Itoa(c.Concurrency)},
		{"TONGFA_DICT_DIR", c.DictDir},
		{"TONGFA_DELIVERY_LEASE", c.Lease.String()},
		{"TONGFA_PLATFORM_TIMEOUT", c.PlatformTimeout.String()},
		{"TONGFA_METRICS_LISTEN", c.MetricsListen},
		{"TONGFA_METRICS_TOKEN", redact(c.MetricsToken)},
		{"TONGFA_MEDIA_HOSTS", strings.Join(c.MediaHosts, ",")},
		{"TONGFA_LINK_DOMAINS", strings.Join(c.LinkDomains, ",")},
		{"TONGFA_IMAGE_IMPORT_HOSTS", strings.Join(c.ImageImportHosts, ",")},
		{"TONGFA_ROBOT_HOSTS", strings.Join(c.RobotHosts, ",")},
		{"TONGFA_AUDIT_RETENTION_DAYS", strconv.Itoa(c.AuditRetentionDays)},
		{"TONGFA_BACKUP_DIR", c.BackupDir},
		{"TONGFA_BACKUP_WAL_DIR", c.BackupWALDir},
		{"TONGFA_BACKUP_MAX_AGE", c.BackupMaxAge.String()},
		{"TONGFA_CRYPTO", c.Crypto},
		{"TONGFA_OIDC_ISSUER", c.OIDCIssuer},
		{"TONGFA_OIDC_CLIENT_ID", c.OIDCClientID},
		{"TONGFA_OIDC_CLIENT_SECRET", redact(c.OIDCClientSecret)},
		{"TONGFA_DOUYIN_CLIENT_KEY", c.DouyinClientKey},
		{"TONGFA_DOUYIN_CLIENT_SECRET", redact(c.DouyinClientSecret)},
		{"TONGFA_OIDC_USER_CLAIM", c.OIDCUserClaim},
	}
}

// redactOptionalURL is redactURL, or says the URL is not set.
func redactOptionalURL(s string) string {
	if s == "" {
		return "（未设置）"
	}
	return redactURL(s)
}

// redactURL hides a password in a URL.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err == nil && u.Opaque == "" { // "user:pass@host" parses as opaque
		return u.Redacted()
	}
	// A cluster's host list ("h1:7000,h2") is not always a URL host to Go.
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return "（无法解析）"
	}
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return s // no user information
	}
	if user, _, hasPassword := strings.Cut(authority[:at], ":"); hasPassword {
		return scheme + "://" + user + ":xxxxx" + rest[at:]
	}
	return s
}

// Logger builds the slog logger the configuration asks for.
func (c Config) Logger() *slog.Logger {
	var lvl slog.Level
	lvl.UnmarshalText([]byte(c.LogLevel)) //nolint:errcheck // validated
	opts := &slog.HandlerOptions{Level: lvl}
	if c.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, opts))
}
