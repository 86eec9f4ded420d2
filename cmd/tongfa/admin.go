package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/identity"
	"github.com/tongfa/tongfa/store"
)

func init() {
	register(command{name: "migrate", summary: "升级数据库结构（可重复运行）。", run: runMigrate})
	register(command{name: "unit add", args: "--name 名称 [--parent 上级单位]", summary: "添加一个单位。", run: runUnitAdd})
	register(command{name: "token create", args: "--user 用户名 [--name 用途] [--days 天数] [--scope full|read]",
		summary: "为用户创建一个接口令牌，标准输出只打印令牌本身。", run: runTokenCreate})
	register(command{name: "token revoke", args: "--user 用户名 --id 令牌编号", summary: "吊销用户的一个接口令牌。", run: runTokenRevoke})
}

// cliActor is who the audit log names for command-line administration.
var cliActor = store.Actor{Name: "cli", IP: "local"}

// openWith parses the shared configuration flags plus the command's own
// (def may be nil) and opens the store.
func openWith(ctx context.Context, name string, args []string, def func(*flag.FlagSet)) (*store.DB, error) {
	cfg, _, err := loadConfig(name, args, def)
	if err != nil {
		return nil, err
	}
	return openStore(ctx, cfg.DatabaseURL)
}

// openStore connects to PostgreSQL, saying in Chinese what to check when
// it cannot.
func openStore(ctx context.Context, url string) (*store.DB, error) {
	db, err := store.Open(ctx, url)
	if err != nil {
		return nil, failure(err, "无法连接数据库，请检查 TONGFA_DATABASE_URL，并确认 PostgreSQL 正在运行")
	}
	return db, nil
}

// notFoundAs names what a lookup did not find; other errors pass.
func notFoundAs(err error, format string, args ...any) error {
	if errors.Is(err, tongfa.ErrNotFound) {
		return failure(err, format, args...)
	}
	return err
}

func runMigrate(ctx context.Context, st Stdio, args []string) error {
	db, err := openWith(ctx, "migrate", args, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(st.Out, "数据库结构已是最新，无需升级。")
	}
	for _, a := range applied {
		fmt.Fprintf(st.Out, "已应用数据库迁移 %s。\n", a)
	}
	return nil
}

func runUnitAdd(ctx context.Context, st Stdio, args []string) error {
	var name, parent string
	db, err := openWith(ctx, "unit add", args, func(fs *flag.FlagSet) {
		fs.StringVar(&name, "name", "", "单位的全称，如 示范市人民政府办公室")
		fs.StringVar(&parent, "parent", "", "上级（主管）单位的全称")
	})
	if err != nil {
		return err
	}
	defer db.Close()
	if name == "" {
		return usageErrorf("缺少 --name（单位的全称）")
	}
	var parentID *int64
	if parent != "" {
		p, err := db.UnitByName(ctx, parent)
		if err != nil {
			return notFoundAs(err, "没有名为「%s」的上级单位", parent)
		}
		parentID = &p.ID
	}
	var u *tongfa.Unit
	err = db.InTx(ctx, func(tx *store.Tx) error {
		u, err = tx.CreateUnit(ctx, name, parentID)
		if err == nil {
			tx.Audit(cliActor, "unit.create", fmt.Sprintf("unit:%d", u.ID), &u.ID, map[string]any{"name": name, "parent_id": parentID})
		}
		return err
	})
	if tongfa.ErrorCode(err) == tongfa.EConflict {
		return failure(err, "单位「%s」已经存在", name)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(st.Out, "已添加单位 %s（编号 %d）。\n", u.Name, u.ID)
	return nil
}

func runTokenCreate(ctx context.Context, st Stdio, args []string) error {
	var username string
	in := identity.TokenInput{Name: "cli", Days: identity.DefaultTokenDays, Scope: store.ScopeFull}
	db, err := openWith(ctx, "token create", args, func(fs *flag.FlagSet) {
		fs.StringVar(&username, "user", "", "令牌所属用户的`用户名`")
		fs.StringVar(&in.Name, "name", in.Name, "令牌的`用途`，便于日后辨认")
		fs.IntVar(&in.Days, "days", in.Days, "令牌有效的`天数`（1–365）")
		fs.StringVar(&in.Scope, "scope", in.Scope, "`权限`：full 可读写，read 只读")
	})
	if err != nil {
		return err
	}
	defer db.Close()
	if username == "" {
		return usageErrorf("缺少 --user（令牌所属用户的用户名）")
	}
	if in.Scope != store.ScopeFull && in.Scope != store.ScopeRead {
		return usageErrorf("--scope 只能是 full 或 read")
	}
	u, err := userNamed(ctx, db, username)
	if err != nil {
		return err
	}
	token, _, err := identity.Issue(ctx, db, u, in, cliActor)
	if err != nil {
		return err
	}
	fmt.Fprintln(st.Out, token)
	return nil
}

func runTokenRevoke(ctx context.Context, st Stdio, args []string) error {
	var username string
	var id int64
	db, err := openWith(ctx, "token revoke", args, func(fs *flag.FlagSet) {
		fs.StringVar(&username, "user", "", "令牌所属用户的`用户名`")
		fs.Int64Var(&id, "id", 0, "令牌`编号`（见控制台或 GET /api/v1/tokens）")
	})
	if err != nil {
		return err
	}
	defer db.Close()
	if username == "" || id <= 0 {
		return usageErrorf("缺少 --user（用户名）或 --id（令牌编号）")
	}
	u, err := userNamed(ctx, db, username)
	if err != nil {
		return err
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		tx.Audit(cliActor, "token.revoke", fmt.Sprintf("token:%d", id), &u.UnitID, map[string]any{"user_id": u.ID})
		return tx.RevokeToken(ctx, u.ID, id)
	})
	if err != nil {
		return notFoundAs(err, "%s没有编号为 %d 的有效令牌", person(u), id)
	}
	fmt.Fprintf(st.Out, "已吊销%s的令牌 %d。\n", person(u), id)
	return nil
}
