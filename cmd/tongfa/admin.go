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
	"github.com/tongfa/tongfa/identity"
	"github.com/tongfa/tongfa/store"
)

func init() {
	register(command{name: "migrate", summary: "apply database migrations (idempotent)", run: runMigrate})
	register(command{name: "unit add", summary: "add a unit: --name N [--parent N]", run: runUnitAdd})
	register(command{name: "user add", summary: "add a user: --username U --unit N --role R --password-stdin", run: runUserAdd})
	register(command{name: "token create", summary: "create an API token for --user U and print it", run: runTokenCreate})
	register(command{name: "token revoke", summary: "revoke an API token: --user U --id N", run: runTokenRevoke})
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
	return store.Open(ctx, cfg.DatabaseURL)
}

func runMigrate(ctx context.Context, st Stdio, args []string) error {
	cfg, _, err := loadConfig("migrate", args)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(st.Out, "database is up to date")
	}
	for _, a := range applied {
		fmt.Fprintln(st.Out, "applied", a)
	}
	return nil
}

func runUnitAdd(ctx context.Context, st Stdio, args []string) error {
	var name, parent string
	db, err := openWith(ctx, "unit add", args, func(fs *flag.FlagSet) {
		fs.StringVar(&name, "name", "", "unit name")
		fs.StringVar(&parent, "parent", "", "name of the supervising unit")
	})
	if err != nil {
		return err
	}
	defer db.Close()
	if name == "" {
		return usageErrorf("--name is required")
	}
	var parentID *int64
	if parent != "" {
		p, err := db.UnitByName(ctx, parent)
		if err != nil {
			return fmt.Errorf("parent unit %q: %w", parent, err)
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
	if err != nil {
		return err
	}
	fmt.Fprintf(st.Out, "unit %d %s\n", u.ID, u.Name)
	return nil
}

// multiFlag collects a repeated flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func runUserAdd(ctx context.Context, st Stdio, args []string) error {
	var username, unit, display string
	var roles multiFlag
	var stdin bool
	db, err := openWith(ctx, "user add", args, func(fs *flag.FlagSet) {
		fs.StringVar(&username, "username", "", "login name")
		fs.StringVar(&unit, "unit", "", "unit name")
		fs.StringVar(&display, "display-name", "", "name shown in the console")
		fs.Var(&roles, "role", "role in the unit (repeatable): editor, reviewer, deputy, principal, admin, auditor")
		fs.BoolVar(&stdin, "password-stdin", false, "read the password from standard input")
	})
	if err != nil {
		return err
	}
	defer db.Close()
	if username == "" || unit == "" || len(roles) == 0 || !stdin {
		return usageErrorf("--username, --unit, --role and --password-stdin are required")
	}
	pw, err := readPassword(st.In)
	if err != nil {
		return err
	}
	return addUser(ctx, db, st, username, display, unit, roles, pw)
}

func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if err := auth.ValidatePassword(pw); err != nil {
		return "", usageErrorf("password too weak: %v", err)
	}
	return pw, nil
}

func addUser(ctx context.Context, db *store.DB, st Stdio, username, display, unitName string, roles []string, pw string) error {
	unit, err := db.UnitByName(ctx, unitName)
	if err != nil {
		return fmt.Errorf("unit %q: %w", unitName, err)
	}
	for _, r := range roles {
		if !tongfa.Role(r).Valid() {
			return usageErrorf("unknown role %q", r)
		}
	}
	hash, err := auth.HashPassword(pw, auth.DefaultParams)
	if err != nil {
		return err
	}
	var u *tongfa.User
	err = db.InTx(ctx, func(tx *store.Tx) error {
		u, err = tx.CreateUser(ctx, store.NewUser{Username: username, DisplayName: display, UnitID: unit.ID, PasswordHash: hash})
		if err != nil {
			return err
		}
		for _, r := range roles {
			if err := tx.Grant(ctx, u.ID, unit.ID, tongfa.Role(r)); err != nil {
				return err
			}
		}
		tx.Audit(cliActor, "user.create", fmt.Sprintf("user:%d", u.ID), &unit.ID, map[string]any{"username": username, "roles": roles})
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(st.Out, "user %d %s (%s in %s)\n", u.ID, username, strings.Join(roles, ", "), unit.Name)
	return nil
}

func runTokenCreate(ctx context.Context, st Stdio, args []string) error {
	var username string
	in := identity.TokenInput{Name: "cli", Days: identity.DefaultTokenDays, Scope: store.ScopeFull}
	db, err := openWith(ctx, "token create", args, func(fs *flag.FlagSet) {
		fs.StringVar(&username, "user", "", "username")
		fs.StringVar(&in.Name, "name", in.Name, "what the token is for")
		fs.IntVar(&in.Days, "days", in.Days, "days until the token expires (1–365)")
		fs.StringVar(&in.Scope, "scope", in.Scope, "full, or read for a token that cannot change anything")
	})
	if err != nil {
		return err
	}
	defer db.Close()
	if username == "" {
		return usageErrorf("--user is required")
	}
	u, err := db.UserByUsername(ctx, username)
	if err != nil {
		return fmt.Errorf("user %q: %w", username, err)
	}
	if in.Scope != store.ScopeFull && in.Scope != store.ScopeRead {
		return usageErrorf("--scope must be full or read")
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
		fs.StringVar(&username, "user", "", "username")
		fs.Int64Var(&id, "id", 0, "token id (see the console or GET /api/v1/tokens)")
	})
	if err != nil {
		return err
	}
	defer db.Close()
	if username == "" || id <= 0 {
		return usageErrorf("--user and --id are required")
	}
	u, err := db.UserByUsername(ctx, username)
	if err != nil {
		return fmt.Errorf("user %q: %w", username, err)
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		tx.Audit(cliActor, "token.revoke", fmt.Sprintf("token:%d", id), &u.UnitID, map[string]any{"user_id": u.ID})
		return tx.RevokeToken(ctx, u.ID, id)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(st.Out, "token %d of %s revoked\n", id, username)
	return nil
}
