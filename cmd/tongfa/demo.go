package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/auth"
	"github.com/tongfa/tongfa/config"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/store"
)

func init() {
	register(command{name: "demo", args: "[--sim-listen 地址] [--sim-state 文件] [--reset-passwords]",
		summary: "创建演示单位，并与平台模拟器一起运行全部服务。", run: runDemo,
		help: "接口和控制台监听 TONGFA_LISTEN（默认 127.0.0.1:8080），平台模拟器监听 TONGFA_SIM_LISTEN（默认 127.0.0.1:8090）。\n" +
			"第一次运行时生成并打印演示用户的密码；之后再运行不改动已有数据，加 --reset-passwords 可重新生成密码。"})
}

// Demo office names. The supervising office administers; its general
// office (办公室) runs the channels.
const (
	demoCity   = "示范市人民政府"
	demoOffice = "示范市人民政府办公室"
)

type demoUser struct {
	username, display string
	unit              string
	roles             []tongfa.Role
}

var demoUsers = []demoUser{
	{"editor", "王编辑", demoOffice, []tongfa.Role{tongfa.RoleEditor}},
	{"editor2", "李编辑", demoOffice, []tongfa.Role{tongfa.RoleEditor}},
	{"reviewer", "赵审核", demoOffice, []tongfa.Role{tongfa.RoleReviewer}},
	{"deputy", "钱副主任", demoOffice, []tongfa.Role{tongfa.RoleDeputy}},
	{"principal", "孙主任", demoOffice, []tongfa.Role{tongfa.RolePrincipal}},
	{"admin", "周管理员", demoCity, []tongfa.Role{tongfa.RoleAdmin, tongfa.RoleAuditor}},
}

// demoFlags are the demo's own arguments.
type demoFlags struct {
	simListen, simState string
	resetPasswords      bool
}

func (f *demoFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.simListen, "sim-listen", simListen(), "平台模拟器监听的`地址`，主机:端口（TONGFA_SIM_LISTEN）")
	fs.StringVar(&f.simState, "sim-state", "", "保存模拟器已发布内容的`文件`，再次运行时恢复（make demo 用 bin/demo-sim.json）")
	fs.BoolVar(&f.resetPasswords, "reset-passwords", false, "演示单位已经存在时，为演示用户重新生成并打印密码")
}

func runDemo(ctx context.Context, st Stdio, args []string) (err error) {
	var f demoFlags
	cfg, _, err := loadConfig("demo", args, f.define)
	if err != nil {
		return err
	}
	if err := validConfig(cfg); err != nil {
		return err
	}
	if err := cfg.RequireSecretKey(); err != nil {
		return usageErrorf("%v（make demo 会生成 bin/demo.key）", err)
	}
	simURL, stopSim, err := startDemoSim(ctx, f)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, stopSim()) }()
	m := NewMain(withSimulatorImages(cfg, strings.TrimPrefix(simURL, "http://")), cfg.Logger())
	m.Serve, m.Work = true, true
	logRedis(m.Logger)
	if err := m.Open(ctx); err != nil {
		return err
	}
	err = seedDemo(ctx, m, st, f.resetPasswords)
	if err == nil {
		err = seedDemoChannels(ctx, m, simURL)
	}
	if err == nil {
		err = m.Run(ctx)
	}
	if err != nil {
		m.Close()
		return err
	}
	fmt.Fprintf(st.Out, "\n演示已启动：请打开 %s/ 登录（按 Ctrl-C 停止）。\n平台模拟器上已发布的内容：%s/_sim/posts\n", demoURL(m), simURL)
	return waitMain(ctx, m)
}

// startDemoSim serves the simulators, restoring and keeping their posts
// in f.simState; stop ends them and reports whether the last save worked.
func startDemoSim(ctx context.Context, f demoFlags) (url string, stop func() error, err error) {
	s := sim.New(1)
	kept, err := keepSimState(f.simState, s)
	if err != nil {
		return "", nil, err
	}
	ln, err := listenSim(f.simListen)
	if err != nil {
		return "", nil, err
	}
	simCtx, cancel := context.WithCancel(ctx)
	go serveSim(simCtx, ln, s) //nolint:errcheck // stops with the demo
	saved := kept.run(simCtx)
	return "http://" + reachable(ln.Addr().(*net.TCPAddr)), func() error { cancel(); return saved() }, nil
}

// reachable is an address a browser on this machine can open: a wildcard
// listen address becomes the loopback one.
func reachable(a *net.TCPAddr) string {
	if a.IP.IsUnspecified() {
		return net.JoinHostPort("127.0.0.1", strconv.Itoa(a.Port))
	}
	return a.String()
}

// demoURL is where to open the console: the public URL when configured,
// else the address the hub really listens on.
func demoURL(m *Main) string {
	if m.Config.PublicURL != "" {
		return m.Config.BaseURL()
	}
	return m.URL()
}

// withSimulatorImages allows the simulators' address as an image host, as
// an office allows its own image server: the demo's images are served by
// them from this machine, which the media rules refuse otherwise
// (connectors/media).
func withSimulatorImages(cfg config.Config, simAddr string) config.Config {
	cfg.MediaHosts = append(slices.Clip(cfg.MediaHosts), simAddr)
	return cfg
}

// seedDemo creates the demo office once and prints the generated
// passwords. Later runs leave everything as it is, unless reset asks for
// new passwords.
func seedDemo(ctx context.Context, m *Main, st Stdio, reset bool) error {
	_, err := m.DB.UnitByName(ctx, demoCity)
	switch {
	case err == nil && reset:
		return resetDemoPasswords(ctx, m, st)
	case err == nil:
		fmt.Fprintln(st.Out, "演示单位已经存在，密码在第一次运行时显示过；忘记了可以运行 make demo RESET_PASSWORDS=1 重新生成。")
		return nil
	case !errors.Is(err, tongfa.ErrNotFound):
		return err
	}
	passwords := map[string]string{}
	err = m.DB.InTx(ctx, func(tx *store.Tx) error {
		city, err := tx.CreateUnit(ctx, demoCity, nil)
		if err != nil {
			return err
		}
		office, err := tx.CreateUnit(ctx, demoOffice, &city.ID)
		if err != nil {
			return err
		}
		units := map[string]int64{demoCity: city.ID, demoOffice: office.ID}
		for _, du := range demoUsers {
			if passwords[du.username], err = createDemoUser(ctx, tx, du, units[du.unit]); err != nil {
				return err
			}
		}
		tx.Audit(cliActor, "demo.seed", "unit:"+fmt.Sprint(city.ID), &city.ID, map[string]int{"users": len(demoUsers)})
		return nil
	})
	if err != nil {
		return err
	}
	printDemoPasswords(st, "演示单位已创建。以下密码只显示这一次：", passwords)
	return nil
}

// createDemoUser adds one demo user with a fresh password and returns it.
func createDemoUser(ctx context.Context, tx *store.Tx, du demoUser, unit int64) (string, error) {
	pw := generatePassword()
	hash, err := auth.HashPassword(pw, auth.DefaultParams)
	if err != nil {
		return "", err
	}
	u, err := tx.CreateUser(ctx, store.NewUser{Username: du.username, DisplayName: du.display, UnitID: unit, PasswordHash: hash})
	if err != nil {
		return "", err
	}
	for _, r := range du.roles {
		if err := tx.Grant(ctx, u.ID, unit, r); err != nil {
			return "", err
		}
	}
	return pw, nil
}

// resetDemoPasswords gives every demo user a new password, as tongfa user
// passwd would: audited, their sessions ended, any lockout lifted.
func resetDemoPasswords(ctx context.Context, m *Main, st Stdio) error {
	r := passwordReset{id: m.Hub.Identity}
	passwords := map[string]string{}
	for _, du := range demoUsers {
		u, err := userNamed(ctx, m.DB, du.username)
		if err != nil {
			return err
		}
		pw := generatePassword()
		if _, err := r.reset(ctx, u, pw); err != nil {
			return err
		}
		passwords[du.username] = pw
	}
	printDemoPasswords(st, "已为演示用户重新生成密码（原有的登录会话已结束）：", passwords)
	return nil
}

func printDemoPasswords(st Stdio, title string, passwords map[string]string) {
	fmt.Fprintln(st.Out, title)
	for _, du := range demoUsers {
		u := &tongfa.User{Username: du.username, DisplayName: du.display}
		for _, r := range du.roles {
			u.Grants = append(u.Grants, tongfa.Grant{Role: r})
		}
		fmt.Fprintf(st.Out, "  用户名 %-10s 密码 %s  %s，%s\n", du.username, passwords[du.username], person(u), du.unit)
	}
}

// generatePassword returns 16 characters from an alphabet without
// look-alikes, with each character class present.
func generatePassword() string {
	const classes = "ABCDEFGHJKLMNPQRSTUVWXYZ|abcdefghijkmnpqrstuvwxyz|23456789|-_.+"
	sets := splitClasses(classes)
	pw := make([]byte, 0, 16)
	for _, s := range sets {
		pw = append(pw, s[randN(len(s))])
	}
	all := sets[0] + sets[1] + sets[2]
	for len(pw) < 16 {
		pw = append(pw, all[randN(len(all))])
	}
	for i := len(pw) - 1; i > 0; i-- {
		j := randN(i + 1)
		pw[i], pw[j] = pw[j], pw[i]
	}
	return string(pw)
}

func splitClasses(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '|' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}

func randN(n int) int {
	v, _ := rand.Int(rand.Reader, big.NewInt(int64(n)))
	return int(v.Int64())
}
