package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/tongfa/tongfa"
)

// decode reads one JSON object from the body into v, refusing unknown
// fields, trailing data and bodies past the configured limit.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return &tongfa.Error{Code: tongfa.EUnsupported, Message: "请求体必须是 JSON（Content-Type: application/json）"}
		}
	}
	raw, err := readJSON(w, r, s.Config.MaxBody)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err, s.Config.MaxBody)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &tongfa.Error{Code: tongfa.EBadJSON, Message: "请求体只能包含一个 JSON 对象"}
	}
	return nil
}

func decodeError(err error, limit int64) error {
	var tooBig *http.MaxBytesError
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooBig):
		return &tongfa.Error{Code: tongfa.ETooLarge, Message: fmt.Sprintf("请求体过大，不能超过 %d KB", limit/1024)}
	case errors.Is(err, io.EOF):
		return &tongfa.Error{Code: tongfa.EBadJSON, Message: "请求体为空"}
	case errors.As(err, &syntax):
		return &tongfa.Error{Code: tongfa.EBadJSON, Message: fmt.Sprintf("请求体不是合法的 JSON（第 %d 字节附近）", syntax.Offset)}
	case errors.As(err, &typ):
		return &tongfa.Error{Code: tongfa.EInvalid, Message: "字段类型不正确",
			Fields: map[string]string{typ.Field: fmt.Sprintf("应为 %s 类型", jsonKind(typ.Type.Kind().String()))}}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &tongfa.Error{Code: tongfa.EBadJSON, Message: "请求体不完整"}
	}
	var unknown string
	if n, _ := fmt.Sscanf(err.Error(), "json: unknown field %q", &unknown); n == 1 {
		return &tongfa.Error{Code: tongfa.EInvalid, Message: "请求包含未知字段", Fields: map[string]string{unknown: "未知字段"}}
	}
	return &tongfa.Error{Code: tongfa.EBadJSON, Message: "请求体无法解析：" + err.Error()}
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "字符串"
	case "int", "int64", "int32", "uint", "uint64", "float64":
		return "数字"
	case "bool":
		return "布尔值"
	case "slice":
		return "数组"
	case "struct", "map", "ptr":
		return "对象"
	}
	return k
}

// pathID parses a numeric path variable.
func pathID(r *http.Request, name string) (int64, error) {
	v := varsOf(r)[name]
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("web: path %s=%q: %w", name, v, tongfa.ErrNotFound)
	}
	return id, nil
}

// queryInt parses an optional positive integer query parameter.
func queryInt(r *http.Request, name string, def, max int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || (max > 0 && n > max) {
		return 0, &tongfa.Error{Code: tongfa.EInvalid, Message: "查询参数不正确",
			Fields: map[string]string{name: fmt.Sprintf("应为 1 到 %d 之间的整数", max)}}
	}
	return n, nil
}
