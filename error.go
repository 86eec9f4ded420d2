package tongfa

import (
	"errors"
	"fmt"
)

// Error codes are part of the stable API: scripts match on them. The HTTP
// layer maps each to a status in one table (web/errors.go).
const (
	EInvalid        = "validation_failed"
	EUnauthorized   = "unauthenticated"
	EForbidden      = "forbidden"
	ENotFound       = "not_found"
	EConflict       = "conflict"
	EStaleVersion   = "stale_version"
	EBlocked        = "content_blocked"
	ETooLarge       = "body_too_large"
	ELocked         = "account_locked"
	ERateLimited    = "rate_limited"
	ECSRF           = "csrf_failed"
	EStepUp         = "step_up_required"
	EOTPRequired    = "otp_required"             // the password was right; send it again with "otp"
	EOTPEnroll      = "otp_enrollment_required"  // the unit requires a second factor: enrol with the secret in data
	EPasswordChange = "password_change_required" // the password was a temporary one: send a new_password with the ticket in data
	EBadJSON        = "malformed_json"
	EBadQuery       = "invalid_query" // a malformed query parameter or command-line argument
	EUnsupported    = "unsupported_media_type"
	EInternal       = "internal"
	EUnavailable    = "unavailable"
	EPlatform       = "platform_error"
	EInvalidState   = "invalid_state"
	ESeparation     = "separation_of_duties"
	EBadSignature   = "bad_signature"
	EMissingHoliday = "calendar_missing"
	ENoTargets      = "no_targets"        // submitted or approved without a channel, not archive-only
	EUndeliverable  = "undeliverable"     // a channel would certainly refuse the item (data: the problems)
	ESchedule       = "schedule_refused"  // a publishing time past an urgent deadline, or moved earlier without the right
	EQuota          = "quota_exhausted"   // no WeChat mass send left for the planned day
	EEditionStarted = "edition_started"   // an edition already sending or ended cannot be cancelled
	ENoWeChatID     = "wechat_id_missing" // a preview asked for by a user who recorded no WeChat ID
	// Refused pushes from platforms to the callback URLs.
	ENotConfigured = "not_configured" // the account has no callback secret
	EStale         = "stale"          // timestamp outside the freshness window
	EReplayed      = "replayed"       // the same push seen before
	EBadMessage    = "bad_message"    // a push that cannot be read
)

// Error is an application error with a stable code and a message safe to show
// an operator (Chinese). Fields carries per-field validation messages; Data
// carries structured detail such as blocking findings or the current hash.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
	Data    any
	Err     error // cause, never shown to users
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal for
// any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the operator-facing message of err; internal errors get
// a generic message so no detail leaks.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "服务器内部错误，请稍后重试或联系管理员"
}

// RetryAfter is the Data of a rate_limited error: when to try again. The
// HTTP layer also sends it as the Retry-After header.
type RetryAfter struct {
	Seconds int `json:"retry_after_seconds"`
}

// ErrNotFound is returned (wrapped) by stores when a row does not exist.
var ErrNotFound = &Error{Code: ENotFound, Message: "记录不存在"}
