package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"slices"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/auth"
	"github.com/tongfa/tongfa/config"
	"github.com/tongfa/tongfa/connectors/sim"
	"github.com/tongfa/tongfa/store"
)

func init() {
	register(command{name: "demo", args: "[--sim-listen 地址]", summary: "创建演示单位，并与平台模拟器一起运行全部服务。", run: runDemo})
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

func runDemo(ctx context.Context, st Stdio, args []string) error {
	var simAddr string
	cfg, _, err := loadConfig("demo", args, func(fs *flag.FlagSet) {
		fs.StringVar(&simAddr, "sim-listen", "127.0.0.1:8090", "平台模拟器监听的`地址`，主机:端口")
	})
	if err != nil {
		return err
	}
	if err := validConfig(cfg); err != nil {
		return err
	}
	if err := cfg.RequireSecretKey(); err != nil {
		return usageErrorf("%v（make demo 会生成 bin/demo.key）", err)
	}
	ln, err := listenSim(simAddr)
	if err != nil {
		return err
	}
	simCtx, stopSim := context.WithCancel(ctx)
	defer stopSim()
	go serveSim(simCtx, ln, sim.New(1)) //nolint:errcheck // stops with the demo
	m := NewMain(withSimulatorImages(cfg, ln.Addr().String()), cfg.Logger())
	m.Serve, m.Work = true, true
	if err := m.Open(ctx); err != nil {
		return err
	}
	if err := seedDemo(ctx, m.DB, st); err != nil {
		m.Close()
		return err
	}
	if err := seedDemoChannels(ctx, m, "http://"+ln.Addr().String()); err != nil {
		m.Close()
		return err
	}
	fmt.Fprintf(st.Out, "\n演示已启动：请打开 %s/ 登录（按 Ctrl-C 停止）。\n平台模拟器上已发布的内容：http://%s/_sim/posts\n", cfg.BaseURL(), ln.Addr())
	return runMain(ctx, m)
}

// withSimulatorImages allows the simulators' address as an image host, as
// an office allows its own image server: the demo's images are served by
// them from this machine, which the media rules refuse otherwise
// (connectors/media).
func withSimulatorImages(cfg config.Config, simAddr string) config.Config {
	cfg.MediaHosts = append(slices.Clip(cfg.MediaHosts), simAddr)
	return cfg
}

// seedDemo creates the demo office once and prints the generated passwords.
// On later runs it leaves everything as it is.
func seedDemo(ctx context.Context, db *store.DB, st Stdio) error {
	if _, err := db.UnitByName(ctx, demoCity); err == nil {
		fmt.Fprintln(st.Out, "演示单位已经存在，密码在第一次运行时显示过。")
		return nil
	} else if !errors.Is(err, tongfa.ErrNotFound) {
		return err
	}
	passwords := map[string]string{}
	err := db.InTx(ctx, func(tx *store.Tx) error {
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
			pw := generatePassword()
			hash, err := auth.HashPassword(pw, auth.DefaultParams)
			if err != nil {
				return err
			}
			u, err := tx.CreateUser(ctx, store.NewUser{Username: du.username, DisplayName: du.display, UnitID: units[du.unit], PasswordHash: hash})
			if err != nil {
				return err
			}
			for _, r := range du.roles {
				if err := tx.Grant(ctx, u.ID, units[du.unit], r); err != nil {
					return err
				}
			}
			passwords[du.username] = pw
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
