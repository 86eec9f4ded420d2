package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/identity"
	"github.com/tongfa/tongfa/redisconn"
	"github.com/tongfa/tongfa/session"
)

// passwordReset replaces a forgotten password through the identity
// service the console's reset uses: audited, the user's sessions, API
// tokens and any lockout from guessing it ended.
type passwordReset struct{ id *identity.Service }

// reset sets u's password to pw (already checked for strength) and
// reports the sessions and API tokens it ended.
func (r passwordReset) reset(ctx context.Context, u *tongfa.User, pw string) (identity.Ended, error) {
	ended, err := r.id.ResetPassword(ctx, cliActor, u, pw, false)
	if tongfa.ErrorCode(err) == tongfa.EUnavailable {
		return ended, failure(err, "密码已重设，但无法结束%s的登录会话，请检查 Redis 后再运行一次", person(u))
	}
	return ended, err
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
	r := passwordReset{id: identity.New(db, session.New(rdb, cfg.SessionIdle, cfg.SessionMax), rdb, nil)}
	ended, err := r.reset(ctx, u, pw)
	if err != nil {
		return err
	}
	fmt.Fprintf(st.Out, "已重设%s的密码，结束了其 %d 个登录会话、吊销了 %d 个 API 令牌并解除了锁定。\n", person(u), ended.Sessions, ended.Tokens)
	return nil
}
