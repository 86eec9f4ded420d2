package identity_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"image/png"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/pquerna/otp/totp"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/auth"
	"github.com/tongfa/tongfa/identity"
	"github.com/tongfa/tongfa/redisconn/redistest"
	"github.com/tongfa/tongfa/review"
	"github.com/tongfa/tongfa/secret"
	"github.com/tongfa/tongfa/session"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/store/storetest"
)

const (
	redisDB  = 8
	password = "Tongfa-test-2026"
)

// fixture is a unit whose policy asks deputies and admins for a second
// factor, with a deputy, an admin, an editor and an admin of another unit,
// on a store clock the test moves.
type fixture struct {
	db    *store.DB
	id    *identity.Service
	now   time.Time
	users map[string]*tongfa.User
}

func setup(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{db: storetest.New(t), now: time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC), users: map[string]*tongfa.User{}}
	f.db.Now = func() time.Time { return f.now }
	rdb := redistest.New(t, redisDB)
	f.id = identity.New(f.db, session.New(rdb, 30*time.Minute, 8*time.Hour), rdb, slog.New(slog.NewTextHandler(io.Discard, nil)))
	f.id.Box, _ = secret.NewSuite(bytes.Repeat([]byte{4}, 32), os.Getenv("TONGFA_CRYPTO"))
	f.id.TOTPRequired = (&review.Service{DB: f.db}).RequiresTOTP
	hash, _ := auth.HashPassword(password, auth.TestParams)
	err := f.db.InTx(ctx, func(tx *store.Tx) error {
		unit, err := tx.CreateUnit(ctx, "示范市甲局", nil)
		if err != nil {
			return err
		}
		other, _ := tx.CreateUnit(ctx, "示范市乙局", nil)
		if err := tx.SetUnitPolicy(ctx, unit.ID, "totp_required: [admin, deputy, principal]\n", nil); err != nil {
			return err
		}
		for name, g := range map[string]struct {
			unit int64
			role tongfa.Role
		}{"deputy": {unit.ID, tongfa.RoleDeputy}, "admin": {unit.ID, tongfa.RoleAdmin}, "editor": {unit.ID, tongfa.RoleEditor},
			"admin2": {unit.ID, tongfa.RoleAdmin}, "otheradmin": {other.ID, tongfa.RoleAdmin}} {
			u, err := tx.CreateUser(ctx, store.NewUser{Username: name, UnitID: g.unit, PasswordHash: hash})
			if err != nil {
				return err
			}
			if err := tx.Grant(ctx, u.ID, g.unit, g.role); err != nil {
				return err
			}
			f.users[name] = u
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) login(otp string, name string) (*identity.LoginResult, error) {
	return f.id.LoginWith(context.Background(), identity.LoginInput{Username: name, Password: password, OTP: otp, IP: "127.0.0.1"})
}

func (f *fixture) principal(t *testing.T, name string) *access.Principal {
	t.Helper()
	u, err := f.db.User(context.Background(), f.users[name].ID)
	if err != nil {
		t.Fatal(err)
	}
	tree, _ := f.id.Units.Get(context.Background())
	return &access.Principal{User: u, Tree: tree, IP: "127.0.0.1"}
}

func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wantCode(t *testing.T, err error, code, says string) {
	t.Helper()
	if tongfa.ErrorCode(err) != code || !strings.Contains(tongfa.ErrorMessage(err), says) {
		t.Fatalf("got %v, want %s saying %q", err, code, says)
	}
}

// enrol signs name in for the first time under the policy: the password
// alone yields the enrolment; its first code completes it.
func (f *fixture) enrol(t *testing.T, name string) (string, []string) {
	t.Helper()
	_, err := f.login("", name)
	var e *tongfa.Error
	if !errors.As(err, &e) || e.Code != tongfa.EOTPEnroll {
		t.Fatalf("first sign-in of %s: %v, want %s", name, err, tongfa.EOTPEnroll)
	}
	en := e.Data.(*identity.Enrolment)
	res, err := f.login(code(t, en.Secret, f.now), name)
	if err != nil || len(res.RecoveryCodes) != identity.RecoveryCodes || res.SecondFactor != "totp" {
		t.Fatalf("enrolling sign-in: %+v %v", res, err)
	}
	return en.Secret, res.RecoveryCodes
}

// TestEnrolAtSignInAndReplay: a deputy under the policy enrols at the
// first sign-in; from then on the password alone is not enough, a code
// works once (the same 30-second code twice is refused), the next step's
// code works, and the QR code drawn locally holds the otpauth URL.
func TestEnrolAtSignInAndReplay(t *testing.T) {
	f := setup(t)
	_, err := f.login("", "deputy")
	var e *tongfa.Error
	if !errors.As(err, &e) || e.Code != tongfa.EOTPEnroll {
		t.Fatalf("first sign-in: %v", err)
	}
	en := e.Data.(*identity.Enrolment)
	if !strings.HasPrefix(en.URL, "otpauth://totp/") || !strings.Contains(en.URL, "secret="+en.Secret) {
		t.Fatalf("otpauth url %q", en.URL)
	}
	if got := decodeQR(t, en.QR); got != en.URL {
		t.Fatalf("the QR code reads %q, want %q", got, en.URL)
	}
	// Signing in again before finishing shows the same secret.
	_, err = f.login("", "deputy")
	if !errors.As(err, &e) || e.Data.(*identity.Enrolment).Secret != en.Secret {
		t.Fatalf("second try: %v", err)
	}
	c := code(t, en.Secret, f.now)
	if _, err := f.login(c, "deputy"); err != nil {
		t.Fatalf("enrol: %v", err)
	}
	wantCode(t, func() error { _, err := f.login("", "deputy"); return err }(), tongfa.EOTPRequired, "动态口令")
	wantCode(t, func() error { _, err := f.login(c, "deputy"); return err }(), tongfa.EUnauthorized, "已经用过")
	wantCode(t, func() error { _, err := f.login("000000", "deputy"); return err }(), tongfa.EUnauthorized, "动态口令或恢复码错误")
	f.now = f.now.Add(30 * time.Second)
	if res, err := f.login(code(t, en.Secret, f.now), "deputy"); err != nil || res.SecondFactor != "totp" {
		t.Fatalf("next step's code: %+v %v", res, err)
	}
	// The second step may carry the ticket of the first instead of the
	// password; a ticket serves one sign-in.
	_, err = f.login("", "deputy")
	if !errors.As(err, &e) || e.Code != tongfa.EOTPRequired {
		t.Fatalf("password alone: %v", err)
	}
	ticket := e.Data.(identity.OTPChallenge).Ticket
	f.now = f.now.Add(30 * time.Second)
	in := identity.LoginInput{Ticket: ticket, OTP: code(t, en.Secret, f.now), IP: "127.0.0.1"}
	if res, err := f.id.LoginWith(context.Background(), in); err != nil || res.User.Username != "deputy" {
		t.Fatalf("second step with the ticket: %+v %v", res, err)
	}
	f.now = f.now.Add(30 * time.Second)
	in.OTP = code(t, en.Secret, f.now)
	wantCode(t, func() error { _, err := f.id.LoginWith(context.Background(), in); return err }(), tongfa.EUnauthorized, "登录已超时")
	// The editor's role is not under the policy.
	if res, err := f.login("", "editor"); err != nil || res.SecondFactor != "" {
		t.Fatalf("editor: %+v %v", res, err)
	}
	audited(t, f.db, identity.ActionTOTPStart, identity.ActionTOTPEnroll, "login.failed")
}

// TestRecoveryCodesWorkOnce: each recovery code signs in once, typed in
// any case, with or without its dash.
func TestRecoveryCodesWorkOnce(t *testing.T) {
	f := setup(t)
	_, codes := f.enrol(t, "deputy")
	for _, typed := range []string{codes[0], strings.ToUpper(strings.ReplaceAll(codes[1], "-", ""))} {
		if res, err := f.login(typed, "deputy"); err != nil || res.SecondFactor != "recovery_code" {
			t.Fatalf("recovery code %q: %+v %v", typed, res, err)
		}
		wantCode(t, func() error { _, err := f.login(typed, "deputy"); return err }(), tongfa.EUnauthorized, "恢复码错误")
	}
	st, _ := f.id.TOTPStatus(context.Background(), f.principal(t, "deputy"))
	if !st.Enrolled || !st.Required || st.RecoveryCodes != identity.RecoveryCodes-2 {
		t.Fatalf("status %+v", st)
	}
	audited(t, f.db, identity.ActionRecoveryUsed)
}

// TestStepUpNeedsTheCode: under the policy a leader confirms a signature
// with a code, not the password; a code confirms once.
func TestStepUpNeedsTheCode(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	p := f.principal(t, "deputy")
	wantCode(t, f.id.StepUp(ctx, p, password), tongfa.EStepUp, "请先在“动态口令”页面绑定")
	secret, _ := f.enrol(t, "deputy")
	f.now = f.now.Add(time.Minute)
	wantCode(t, f.id.StepUp(ctx, p, password), tongfa.EStepUp, "不是登录密码")
	wantCode(t, f.id.StepUp(ctx, p, ""), tongfa.EStepUp, "动态口令")
	wantCode(t, f.id.StepUp(ctx, p, "123456"), tongfa.EStepUp, "错误")
	c := code(t, secret, f.now)
	if err := f.id.StepUp(ctx, p, c); err != nil {
		t.Fatalf("step-up with a code: %v", err)
	}
	wantCode(t, f.id.StepUp(ctx, p, c), tongfa.EStepUp, "已经用过")
	// Outside the policy, the password still confirms.
	if err := f.id.StepUp(ctx, f.principal(t, "editor"), password); err != nil {
		t.Fatalf("editor step-up: %v", err)
	}
}

// TestResetByAnotherAdmin: an admin of the user's unit resets a lost
// second factor (audited); nobody resets their own, nor another unit's.
func TestResetByAnotherAdmin(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	f.enrol(t, "deputy")
	f.enrol(t, "admin")
	wantCode(t, f.id.ResetTOTP(ctx, f.principal(t, "admin"), f.users["admin"].ID), tongfa.EForbidden, "不能重置自己的")
	wantCode(t, f.id.ResetTOTP(ctx, f.principal(t, "otheradmin"), f.users["deputy"].ID), tongfa.ENotFound, "用户不存在")
	wantCode(t, f.id.ResetTOTP(ctx, f.principal(t, "editor"), f.users["deputy"].ID), tongfa.EForbidden, "管理员")
	if err := f.id.ResetTOTP(ctx, f.principal(t, "admin"), f.users["deputy"].ID); err != nil {
		t.Fatalf("reset: %v", err)
	}
	if _, err := f.db.UserTOTP(ctx, f.users["deputy"].ID); !errors.Is(err, tongfa.ErrNotFound) {
		t.Fatalf("after reset: %v", err)
	}
	wantCode(t, func() error { _, err := f.login("", "deputy"); return err }(), tongfa.EOTPEnroll, "二维码")
	audited(t, f.db, identity.ActionTOTPReset)
}

// TestEnrolFromTheAccountPage: a user outside the policy enrols with their
// password and then the first code.
func TestEnrolFromTheAccountPage(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	p := f.principal(t, "editor")
	if _, err := f.id.StartEnrolment(ctx, p, "wrong-password-1"); tongfa.ErrorCode(err) != tongfa.EStepUp {
		t.Fatalf("wrong password: %v", err)
	}
	en, err := f.id.StartEnrolment(ctx, p, password)
	if err != nil {
		t.Fatal(err)
	}
	// Signed in already: a wrong code is bad input (422), not a lost session.
	if _, err := f.id.ConfirmEnrolment(ctx, p, "000000"); tongfa.ErrorCode(err) != tongfa.EInvalid {
		t.Fatalf("wrong first code: %v", err)
	}
	codes, err := f.id.ConfirmEnrolment(ctx, p, code(t, en.Secret, f.now))
	if err != nil || len(codes) != identity.RecoveryCodes {
		t.Fatalf("confirm: %v %v", codes, err)
	}
	if _, err := f.id.StartEnrolment(ctx, p, password); tongfa.ErrorCode(err) != tongfa.EConflict {
		t.Fatalf("enrolling twice: %v", err)
	}
	wantCode(t, func() error { _, err := f.login("", "editor"); return err }(), tongfa.EOTPRequired, "动态口令")
}

func audited(t *testing.T, db *store.DB, actions ...string) {
	t.Helper()
	for _, a := range actions {
		rows, err := db.ListAudit(context.Background(), store.AuditFilter{Action: a})
		if err != nil || len(rows) == 0 {
			t.Errorf("no %s audit row (%v)", a, err)
		}
	}
}

func decodeQR(t *testing.T, dataURL string) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(dataURL, "data:image/png;base64,"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.GetText()
}
