package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/tongfa/tongfa"
)

// statusOf is the one table from error codes to HTTP statuses.
var statusOf = map[string]int{
	tongfa.EInvalid:        http.StatusUnprocessableEntity,
	tongfa.EBadJSON:        http.StatusBadRequest,
	tongfa.EBadQuery:       http.StatusBadRequest,
	tongfa.EUnauthorized:   http.StatusUnauthorized,
	tongfa.EForbidden:      http.StatusForbidden,
	tongfa.ENotFound:       http.StatusNotFound,
	tongfa.EConflict:       http.StatusConflict,
	tongfa.EStaleVersion:   http.StatusConflict,
	tongfa.EInvalidState:   http.StatusConflict,
	tongfa.EBlocked:        http.StatusUnprocessableEntity,
	tongfa.ENoTargets:      http.StatusUnprocessableEntity,
	tongfa.EUndeliverable:  http.StatusUnprocessableEntity,
	tongfa.ETooLarge:       http.StatusRequestEntityTooLarge,
	tongfa.ELocked:         http.StatusLocked,
	tongfa.ERateLimited:    http.StatusTooManyRequests,
	tongfa.ECSRF:           http.StatusForbidden,
	tongfa.EStepUp:         http.StatusForbidden,
	tongfa.EOTPRequired:    http.StatusUnauthorized,
	tongfa.EOTPEnroll:      http.StatusUnauthorized,
	tongfa.EPasswordChange: http.StatusUnauthorized,
	tongfa.ESeparation:     http.StatusForbidden,
	tongfa.EUnsupported:    http.StatusUnsupportedMediaType,
	tongfa.EBadSignature:   http.StatusForbidden,
	tongfa.ENotConfigured:  http.StatusNotFound,
	tongfa.EStale:          http.StatusForbidden,
	tongfa.EReplayed:       http.StatusForbidden,
	tongfa.EBadMessage:     http.StatusBadRequest,
	tongfa.EPlatform:       http.StatusBadGateway,
	tongfa.EUnavailable:    http.StatusServiceUnavailable,
	tongfa.EMissingHoliday: http.StatusServiceUnavailable,
	tongfa.ESchedule:       http.StatusUnprocessableEntity,
	tongfa.EQuota:          http.StatusUnprocessableEntity,
	tongfa.EEditionStarted: http.StatusConflict,
	tongfa.ENoWeChatID:     http.StatusUnprocessableEntity,
	tongfa.EInternal:       http.StatusInternalServerError,
}

// HTTPStatus returns the status for an error code (500 if unknown).
func HTTPStatus(code string) int {
	if s, ok := statusOf[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string            `json:"code"`
	Message   string            `json:"message"`
	Fields    map[string]string `json:"fields,omitempty"`
	Data      any               `json:"data,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
}

// writeError reports err to the client as {"error":{…}}; internal errors
// are logged with their cause and shown only as a generic message.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := tongfa.ErrorCode(err)
	d := errorDetail{Code: code, Message: tongfa.ErrorMessage(err), RequestID: requestID(r.Context())}
	var e *tongfa.Error
	if errors.As(err, &e) {
		d.Fields, d.Data = e.Fields, e.Data
	}
	if ra, ok := d.Data.(tongfa.RetryAfter); ok {
		w.Header().Set("Retry-After", strconv.Itoa(ra.Seconds))
	}
	status := HTTPStatus(code)
	switch {
	case status >= 500 && r.Context().Err() != nil:
		// The client went away (a login queued for a hash slot during a
		// storm): nothing failed on our side worth an operator's attention.
		s.Logger.InfoContext(r.Context(), "client gave up", slog.String("request_id", d.RequestID),
			slog.String("path", r.URL.Path), slog.Any("error", err))
	case status >= 500:
		s.Logger.ErrorContext(r.Context(), "request failed", slog.String("request_id", d.RequestID),
			slog.String("path", r.URL.Path), slog.Any("error", err))
	}
	writeJSON(w, status, errorBody{Error: d})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil { // a programming error: say so plainly rather than send half an answer
		status = http.StatusInternalServerError
		buf.Reset()
		enc.Encode(errorBody{Error: errorDetail{Code: tongfa.EInternal, Message: tongfa.ErrorMessage(err)}}) //nolint:errcheck // always encodable
	}
	w.WriteHeader(status)
	w.Write(chinaTimes(buf.Bytes())) //nolint:errcheck // the client went away
}
