package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/auth"
	"github.com/tongfa/tongfa/store"
)

func init() {
	register(command{name: "user add", args: "--username 用户名 --display-name 姓名 --unit 单位 --role 角色 [--role 角色]… --password-stdin",
		summary: "添加一名用户，密码从标准输入读取。", run: runUserAdd,
		help: "角色：editor（采编）、reviewer（审核员）、deputy（分管领导）、principal（主要领导）、admin（管理员）、auditor（审计员）。\n" +
			"密码至少 10 位，须包含大写字母、小写字母、数字、符号中的至少三类。"})
	register(command{name: "user passwd", args: "--username 用户名 --password-stdin",
		summary: "为忘记密码的用户重设密码（从标准输入读取），并结束其登录会话、解除锁定。", run: runUserPasswd,
		help: "新密码至少 10 位，须包含大写字母、小写字母、数字、符号中的至少三类。重设记入审计日志。"})
}

// person is how command output names a user: the display name with the
// roles held, "王编辑（采编）"; the username stands in for a missing name.
func person(u *tongfa.User) string {
	name := u.DisplayName
	if name == "" {
		name = u.Username
	}
	var roles []string
	seen := map[tongfa.Role]bool{}
	for _, g := range u.Grants {
		if !seen[g.Role] {
			seen[g.Role] = true
			roles = append(roles, g.Role.Label())
		}
	}
	if len(roles) == 0 {
		return name
	}
	return name + "（" + strings.Join(roles, "、") + "）"
}

// userNamed finds a user by username, with their grants.
func userNamed(ctx context.Context, db *store.DB, username string) (*tongfa.User, error) {
	u, err := db.UserByUsername(ctx, username)
	if err != nil {
		return nil, notFoundAs(err, "没有用户名为「%s」的用户", username)
	}
	return u, nil
}

func runUserAdd(ctx context.Context, st Stdio, args []string) error {
	var username, unit, display string
	var roles multiFlag
	var stdin bool
	db, err := openWith(ctx, "user add", args, func(fs *flag.FlagSet) {
		fs.StringVar(&username, "username", "", "登录用的`用户名`")
		fs.StringVar(&display, "display-name", "", "控制台和审计记录中显示的`姓名`，如 王编辑")
		fs.StringVar(&unit, "unit", "", "用户所在`单位`的全称")
		fs.Var(&roles, "role", "在该单位的`角色`，可重复：editor、reviewer、deputy、principal、admin、auditor")
		fs.BoolVar(&stdin, "password-stdin", false, "从标准输入读取密码（一行）")
	})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := required(flagGiven{"--username", username != ""}, flagGiven{"--display-name", strings.TrimSpace(display) != ""},
		flagGiven{"--unit", unit != ""}, flagGiven{"--role", len(roles) > 0}, flagGiven{"--password-stdin", stdin}); err != nil {
		return err
	}
	for _, r := range roles {
		if !tongfa.Role(r).Valid() {
			return usageErrorf("没有角色「%s」，可用 editor、reviewer、deputy、principal、admin、auditor", r)
		}
	}
	pw, err := readPassword(st.In)
	if err != nil {
		return err
	}
	return addUser(ctx, db, st, store.NewUser{Username: username, DisplayName: strings.TrimSpace(display)}, unit, roles, pw)
}

// flagGiven is a required flag and whether the command line has it.
type flagGiven struct {
	name  string
	given bool
}

// required is the usage error naming every required flag missing.
func required(flags ...flagGiven) error {
	var missing []string
	for _, f := range flags {
		if !f.given {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return usageErrorf("缺少必需的参数 %s", strings.Join(missing, "、"))
	}
	return nil
}

// readPassword reads one line and checks its strength.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", failure(err, "无法从标准输入读取密码")
	}
	pw := strings.TrimRight(line, "\r\n")
	if err := auth.ValidatePassword(pw); err != nil {
		return "", usageErrorf("密码强度不够：%v", err)
	}
	return pw, nil
}

func addUser(ctx context.Context, db *store.DB, st Stdio, n store.NewUser, unitName string, roles []string, pw string) error {
	unit, err := db.UnitByName(ctx, unitName)
	if err != nil {
		return notFoundAs(err, "没有名为「%s」的单位", unitName)
	}
	if n.PasswordHash, err = auth.HashPassword(pw, auth.DefaultParams); err != nil {
		return err
	}
	n.UnitID = unit.ID
	var u *tongfa.User
	err = db.InTx(ctx, func(tx *store.Tx) error {
		if u, err = tx.CreateUser(ctx, n); err != nil {
			return err
		}
		for _, r := range roles {
			if err := tx.Grant(ctx, u.ID, unit.ID, tongfa.Role(r)); err != nil {
				return err
			}
			u.Grants = append(u.Grants, tongfa.Grant{UnitID: unit.ID, Role: tongfa.Role(r)})
		}
		tx.Audit(cliActor, "user.create", fmt.Sprintf("user:%d", u.ID), &unit.ID, map[string]any{"username": n.Username, "roles": roles})
		return nil
	})
	if tongfa.ErrorCode(err) == tongfa.EConflict {
		return failure(err, "用户名「%s」已被使用", n.Username)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(st.Out, "已在%s添加用户 %s，用户名 %s。\n", unit.Name, person(u), u.Username)
	return nil
}
