package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/auth"
	"github.com/tongfa/tongfa/identity"
	"github.com/tongfa/tongfa/redisconn"
	"github.com/tongfa/tongfa/session"
	"github.com/tongfa/tongfa/store"
)

// passwordReset replaces a forgotten password and ends what the old one
// left behind: the user's sessions and any lockout from guessing it.
type passwordReset struct {
	db       *store.DB
	sessions *session.Store
	throttle *identity.Throttle
}

// reset sets u's password to pw (already checked for strength), audited,
// and reports how many sessions it ended.
func (r passwordReset) reset(ctx context.Context, u *tongfa.User, pw string) (int, error) {
	hash, err := auth.HashPassword(pw, auth.DefaultParams)
	if err != nil {
		return 0, err
	}
	err = r.db.InTx(ctx, func(tx *store.Tx) error {
		tx.Audit(cliActor, "user.password_reset", fmt.Sprintf("user:%d", u.ID), &u.UnitID, map[string]any{"username": u.Username})
		return tx.ResetPassword(ctx, u.ID, hash)
	})
	if err != nil {
		return 0, err
	}
	r.throttle.Clear(ctx, u.Username)
	n, err := r.sessions.DeleteUser(ctx, u.ID)
	if err != nil {
		return 0, failure(err, "密码已重设，但无法结束%s的登录会话，请检查 Redis 后再运行一次", person(u))
	}
	return n, nil
}

func runUserPasswd(ctx context.Context, st Stdio, args []string) error {
	var username string
	var stdin bool
	cfg, _, err := loadConfig("user passwd", args, func(fs *flag.FlagSet) {
		fs.StringVar(&username, "username", "", "要重设密码的`用户名`")
		fs.BoolVar(&stdin, "password-stdin", false, "从标准输入读取新密码（一行）")
	})
	if err != nil {
		return err
	}
	if err := required(flagGiven{"--username", username != ""}, flagGiven{"--password-stdin", stdin}); err != nil {
		return err
	}
	pw, err := readPassword(st.In)
	if err != nil {
		return err
	}
	rdb, _, err := redisconn.Open(cfg.RedisURL)
	if err == nil {
		err = rdb.Ping(ctx).Err()
	}
	if err != nil {
		return failure(err, "无法连接 Redis，请检查 TONGFA_REDIS_URL，并确认 Redis 正在运行")
	}
	defer rdb.Close()
	db, err := openStore(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := userNamed(ctx, db, username)
	if err != nil {
		return err
	}
	r := passwordReset{db: db, sessions: session.New(rdb, cfg.SessionIdle, cfg.SessionMax), throttle: identity.NewThrottle(rdb)}
	n, err := r.reset(ctx, u, pw)
	if err != nil {
		return err
	}
	fmt.Fprintf(st.Out, "已重设%s的密码，结束了其 %d 个登录会话并解除了锁定。\n", person(u), n)
	return nil
}
