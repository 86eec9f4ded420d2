package identity

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"image/png"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/store"
)

// TOTP codes are RFC 6238's defaults, which every authenticator app reads
// from the otpauth URL: HMAC-SHA1, 6 digits, 30-second steps. A code of
// the step before or after is accepted for clock drift.
const (
	totpPeriod = 30
	totpSkew   = 1
	// RecoveryCodes are made at enrolment, each 10 characters of base32
	// (50 random bits), good for one sign-in.
	RecoveryCodes = 10
)

// Audit actions of the second factor.
const (
	ActionTOTPStart    = "totp.enroll_start"
	ActionTOTPEnroll   = "totp.enroll"
	ActionTOTPReset    = "totp.reset"
	ActionRecoveryUsed = "totp.recovery_used"
)

// Enrolment is what an authenticator app needs to add the account: the
// otpauth URL, its QR code drawn here (a PNG data: URL; the secret never
// goes to another service) and the secret to type by hand.
type Enrolment struct {
	Secret string `json:"secret"`
	URL    string `json:"otpauth_url"`
	QR     string `json:"qr_png"`
	// Ticket lets the sign-in that asked for the enrolment finish with the
	// code alone (LoginInput.Ticket), for five minutes.
	Ticket string `json:"ticket,omitempty"`
}

// OTPChallenge is the data of EOTPRequired: the ticket that finishes the
// sign-in with the code alone.
type OTPChallenge struct {
	Ticket string `json:"ticket"`
}

// ticketTTL is how long a password stays proven, waiting for the code.
const ticketTTL = 5 * time.Minute

func ticketKey(ticket string) string {
	sum := sha256.Sum256([]byte(ticket))
	return "tongfa:login:ticket:" + base64.RawURLEncoding.EncodeToString(sum[:])
}

// newTicket remembers that username's password was right. In Redis only:
// losing it costs the user typing the password again.
func (s *Service) newTicket(ctx context.Context, username string) string {
	t := rand.Text()
	if s.rdb == nil || s.rdb.Set(ctx, ticketKey(t), username, ticketTTL).Err() != nil {
		return ""
	}
	return t
}

// ticketUser returns the username a live ticket was made for.
func (s *Service) ticketUser(ctx context.Context, ticket string) (string, bool) {
	if s.rdb == nil || ticket == "" {
		return "", false
	}
	name, err := s.rdb.Get(ctx, ticketKey(ticket)).Result()
	return name, err == nil && name != ""
}

func otpRequired(ticket string) error {
	return &tongfa.Error{Code: tongfa.EOTPRequired, Message: "请输入身份验证器中的 6 位动态口令（手机丢失时可输入恢复码）",
		Fields: map[string]string{"otp": "请输入动态口令"}, Data: OTPChallenge{Ticket: ticket}}
}

var (
	errBadOTP = &tongfa.Error{Code: tongfa.EUnauthorized, Message: "动态口令或恢复码错误",
		Fields: map[string]string{"otp": "动态口令或恢复码错误"}}
	errReplayedOTP = &tongfa.Error{Code: tongfa.EUnauthorized, Message: "该动态口令已经用过，请等待身份验证器显示下一个口令",
		Fields: map[string]string{"otp": "请等待下一个口令"}}
)

// factors returns u's second factor (nil when none) and whether u's units
// require one.
func (s *Service) factors(ctx context.Context, u *tongfa.User) (*store.TOTP, bool, error) {
	t, err := s.DB.UserTOTP(ctx, u.ID)
	if errors.Is(err, tongfa.ErrNotFound) {
		t, err = nil, nil
	}
	if err != nil {
		return nil, true, err
	}
	required := false
	if s.TOTPRequired != nil {
		if required, err = s.TOTPRequired(ctx, u); err != nil {
			return nil, true, err
		}
	}
	return t, required, nil
}

// TOTPStatus is GET /api/v1/me/totp.
type TOTPStatus struct {
	Enrolled      bool `json:"enrolled"`
	Pending       bool `json:"pending"`  // enrolment started, first code not yet given
	Required      bool `json:"required"` // a unit's policy asks for it
	RecoveryCodes int  `json:"recovery_codes_left"`
}

// TOTPStatus says where p stands with the second factor.
func (s *Service) TOTPStatus(ctx context.Context, p *access.Principal) (TOTPStatus, error) {
	t, required, err := s.factors(ctx, p.User)
	if err != nil {
		return TOTPStatus{}, err
	}
	st := TOTPStatus{Enrolled: t.Enrolled(), Pending: t != nil && !t.Enrolled(), Required: required}
	if st.Enrolled {
		st.RecoveryCodes, err = s.DB.RecoveryCodesLeft(ctx, p.User.ID)
	}
	return st, err
}

// StartEnrolment begins p's enrolment after checking p's password (a
// wrong one counts toward the lockout) and returns the new secret.
func (s *Service) StartEnrolment(ctx context.Context, p *access.Principal, password string) (*Enrolment, error) {
	if err := s.checkPassword(ctx, p.User, p.IP, password); err != nil {
		return nil, err
	}
	return s.enrol(ctx, p.User, store.UserActor(p.User, p.IP), nil)
}

// enrol makes (or, for pending, shows again) an unconfirmed secret.
func (s *Service) enrol(ctx context.Context, u *tongfa.User, actor store.Actor, pending *store.TOTP) (*Enrolment, error) {
	if s.Box == nil {
		return nil, &tongfa.Error{Code: tongfa.EInvalidState, Message: "未配置密钥 TONGFA_SECRET_KEY，无法保存动态口令的种子"}
	}
	if pending != nil {
		secret, err := s.Box.Open(pending.Sealed, store.TOTPAAD(u.ID))
		if err != nil {
			return nil, fmt.Errorf("identity: open totp secret of user %d: %w", u.ID, err)
		}
		return s.enrolment(u, string(secret))
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: s.issuer(), AccountName: u.Username, Period: totpPeriod, SecretSize: 20})
	if err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		tx.Audit(actor, ActionTOTPStart, userTarget(u.ID), &u.UnitID, nil)
		return tx.StartTOTP(ctx, u.ID, s.Box.Seal([]byte(key.Secret()), store.TOTPAAD(u.ID)))
	})
	if err != nil {
		return nil, err
	}
	return s.enrolment(u, key.Secret())
}

func (s *Service) issuer() string {
	if s.Issuer != "" {
		return s.Issuer
	}
	return "统发"
}

func (s *Service) enrolment(u *tongfa.User, secret string) (*Enrolment, error) {
	v := url.Values{"secret": {secret}, "issuer": {s.issuer()}, "period": {strconv.Itoa(totpPeriod)}, "digits": {"6"}, "algorithm": {"SHA1"}}
	link := (&url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + s.issuer() + ":" + u.Username, RawQuery: v.Encode()}).String()
	qr, err := QRDataURL(link, 240)
	if err != nil {
		return nil, err
	}
	return &Enrolment{Secret: secret, URL: link, QR: qr}, nil
}

// QRDataURL draws text as a QR code, size pixels square, and returns it as
// a PNG data: URL. It is drawn here: an otpauth URL carries the secret.
func QRDataURL(text string, size int) (string, error) {
	hints := map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_ERROR_CORRECTION: "M", gozxing.EncodeHintType_MARGIN: 2}
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, size, size, hints)
	if err != nil {
		return "", fmt.Errorf("identity: qr code: %w", err)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		return "", err
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes()), nil
}

// ConfirmEnrolment checks the first code of p's pending enrolment, turns
// the second factor on and returns the recovery codes, shown once.
func (s *Service) ConfirmEnrolment(ctx context.Context, p *access.Principal, code string) ([]string, error) {
	t, _, err := s.factors(ctx, p.User)
	switch {
	case err != nil:
		return nil, err
	case t == nil:
		return nil, &tongfa.Error{Code: tongfa.EInvalidState, Message: "请先输入登录密码开始绑定"}
	case t.Enrolled():
		return nil, &tongfa.Error{Code: tongfa.EConflict, Message: "已绑定身份验证器"}
	}
	codes, err := s.confirm(ctx, p.User, t, code, store.UserActor(p.User, p.IP))
	var te *tongfa.Error
	if errors.As(err, &te) && (te == errBadOTP || te == errReplayedOTP) {
		// The caller is signed in: a wrong code is bad input, not a lost
		// session (401 would send a client back to the login page).
		return nil, &tongfa.Error{Code: tongfa.EInvalid, Message: te.Message, Fields: map[string]string{"code": te.Fields["otp"]}}
	}
	return codes, err
}

func (s *Service) confirm(ctx context.Context, u *tongfa.User, t *store.TOTP, code string, actor store.Actor) ([]string, error) {
	codes, hashes := newRecoveryCodes()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := s.useCode(ctx, tx, u, t, code); err != nil {
			return err
		}
		tx.Audit(actor, ActionTOTPEnroll, userTarget(u.ID), &u.UnitID, map[string]int{"recovery_codes": len(codes)})
		return tx.SetRecoveryCodes(ctx, u.ID, hashes)
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// useCode accepts code if it is the code of a time step within the skew
// and after the last step used, and records the step in tx.
func (s *Service) useCode(ctx context.Context, tx *store.Tx, u *tongfa.User, t *store.TOTP, code string) error {
	if s.Box == nil {
		return &tongfa.Error{Code: tongfa.EInvalidState, Message: "未配置密钥 TONGFA_SECRET_KEY，无法核对动态口令"}
	}
	secret, err := s.Box.Open(t.Sealed, store.TOTPAAD(u.ID))
	if err != nil {
		return fmt.Errorf("identity: open totp secret of user %d: %w", u.ID, err)
	}
	now := tx.Now().Unix() / totpPeriod
	for step := now - totpSkew; step <= now+totpSkew; step++ {
		want, err := totp.GenerateCodeCustom(string(secret), time.Unix(step*totpPeriod, 0), totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return err
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) != 1 {
			continue
		}
		if ok, err := tx.UseTOTPStep(ctx, u.ID, step); err != nil || !ok {
			return cmpErr(err, errReplayedOTP)
		}
		return nil
	}
	return errBadOTP
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// isCode reports whether s has the form of a TOTP code (6 digits); a
// password never does (auth.ValidatePassword asks for 10 characters).
func isCode(s string) bool {
	if len(s) != 6 {
		return false
	}
	return strings.Trim(s, "0123456789") == ""
}

// newRecoveryCodes returns fresh codes ("abcde-fghij") and their hashes.
func newRecoveryCodes() ([]string, [][]byte) {
	codes, hashes := make([]string, RecoveryCodes), make([][]byte, RecoveryCodes)
	for i := range codes {
		raw := strings.ToLower(rand.Text()[:10])
		codes[i] = raw[:5] + "-" + raw[5:]
		hashes[i] = recoveryHash(codes[i])
	}
	return codes, hashes
}

// recoveryHash hashes a recovery code as typed: case, spaces and dashes
// do not matter.
func recoveryHash(code string) []byte {
	norm := strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(code)))
	sum := sha256.Sum256([]byte("tongfa.recovery:" + norm))
	return sum[:]
}

// secondFactor checks the code or recovery code of a user who has an
// enrolled second factor, in tx.
func (s *Service) secondFactor(ctx context.Context, tx *store.Tx, u *tongfa.User, t *store.TOTP, code string, actor store.Actor) (string, error) {
	if isCode(code) {
		return "totp", s.useCode(ctx, tx, u, t, code)
	}
	ok, err := tx.UseRecoveryCode(ctx, u.ID, recoveryHash(code))
	if err != nil || !ok {
		return "", cmpErr(err, errBadOTP)
	}
	tx.Audit(actor, ActionRecoveryUsed, userTarget(u.ID), &u.UnitID, nil)
	return "recovery_code", nil
}

// ResetTOTP removes a user's second factor: an administrator of the
// user's unit (or above) does it for someone who lost their phone; the
// user enrols again at the next sign-in. Nobody resets their own, which
// would let a stolen password replace the phone. The user's sessions end.
func (s *Service) ResetTOTP(ctx context.Context, p *access.Principal, userID int64) error {
	u, err := s.DB.User(ctx, userID)
	if err != nil || !p.Tree.CanRead(p.User, u.UnitID) {
		return &tongfa.Error{Code: tongfa.ENotFound, Message: "用户不存在", Err: err}
	}
	switch {
	case !p.Tree.Administers(p.User, u.UnitID):
		return &tongfa.Error{Code: tongfa.EForbidden, Message: "只有该用户所在单位（或上级单位）的管理员可以重置其动态口令"}
	case u.ID == p.User.ID:
		return &tongfa.Error{Code: tongfa.EForbidden, Message: "不能重置自己的动态口令，请联系另一位管理员"}
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		had, err := tx.ResetTOTP(ctx, u.ID)
		if err == nil && !had {
			return &tongfa.Error{Code: tongfa.EInvalidState, Message: "该用户没有绑定身份验证器"}
		}
		tx.Audit(store.UserActor(p.User, p.IP), ActionTOTPReset, userTarget(u.ID), &u.UnitID, nil)
		return err
	})
	if err != nil {
		return err
	}
	_, err = s.Sessions.DeleteUser(ctx, u.ID)
	return err
}
