package douyin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"

	"github.com/tongfa/tongfa/connectors"
)

// apiRequest is one call for an authorised user: the open_id goes in the
// query, the access token in the access-token header.
type apiRequest struct {
	method, path string
	query        url.Values
	json         any       // a JSON body, or
	file         *filePart // a multipart body with one file
}

// filePart is an uploaded file; open gives its bytes afresh for each try.
type filePart struct {
	field, name, contentType string
	size                     int64
	open                     func() io.Reader
}

// envelope is every answer: error_code and description in data and, for
// gateway errors, in extra.
type envelope struct {
	Data  json.RawMessage `json:"data"`
	Extra apiError        `json:"extra"`
}

type apiError struct {
	ErrorCode   int64  `json:"error_code"`
	Description string `json:"description"`
}

// call sends a request with the account's token. On a token error it
// refreshes (when the account has a refresh token) and tries once more;
// without one, only the account's owner can help.
func (c *Client) call(ctx context.Context, acc connectors.Account, r apiRequest, out any) error {
	tok, err := c.token(ctx, acc)
	if err != nil {
		return err
	}
	err = c.do(ctx, acc, r, tok, out)
	if connectors.ClassOf(err) != connectors.Token {
		return err
	}
	if acc.Credentials["refresh_token"] == "" {
		ce := *err.(*connectors.Error)
		ce.Class, ce.Message = connectors.Permanent, ce.Message+"，且账号没有 refresh_token，请账号所有者重新授权"
		return &ce
	}
	g, err := c.refresh(ctx, acc)
	if err != nil {
		return err
	}
	return c.do(ctx, acc, r, g.AccessToken, out)
}

func (c *Client) do(ctx context.Context, acc connectors.Account, r apiRequest, tok string, out any) error {
	req, err := r.build(ctx, acc, tok)
	if err != nil {
		return err
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return connectors.TransportError(platform, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return connectors.TransportError(platform, &connectors.SendError{Err: err, Written: true})
	}
	var env envelope
	var de apiError
	if json.Unmarshal(raw, &env) == nil {
		json.Unmarshal(env.Data, &de) //nolint:errcheck // a data without error_code decodes as success
	}
	if de.ErrorCode == 0 {
		de = env.Extra
	}
	if de.ErrorCode != 0 {
		return classify(de.ErrorCode, de.Description, connectors.RetryAfter(resp.Header))
	}
	if resp.StatusCode != http.StatusOK {
		return connectors.HTTPStatusError(platform, resp.StatusCode, connectors.RetryAfter(resp.Header))
	}
	if out != nil && json.Unmarshal(env.Data, out) != nil {
		return &connectors.Error{Class: connectors.Unconfirmed, Platform: platform, Message: "抖音应答无法解析"}
	}
	return nil
}

// build makes the HTTP request of r for acc.
func (r apiRequest) build(ctx context.Context, acc connectors.Account, tok string) (*http.Request, error) {
	openID := acc.Credentials["open_id"]
	if openID == "" {
		return nil, permanent("账号未配置抖音 open_id")
	}
	q := url.Values{}
	for k, vs := range r.query {
		q[k] = vs
	}
	q.Set("open_id", openID)
	body, contentType, size, err := r.body()
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, r.method, apiBase(acc)+r.path+"?"+q.Encode(), body)
	if err != nil {
		return nil, &connectors.Error{Class: connectors.Permanent, Platform: platform, Message: "接口地址无效", Err: err}
	}
	req.Header.Set("access-token", tok)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
		req.ContentLength = size
	}
	return req, nil
}

// body encodes r's JSON or streams its file between the multipart
// header and trailer, so a 20 MB part is never copied.
func (r apiRequest) body() (io.Reader, string, int64, error) {
	switch {
	case r.json != nil:
		b, err := json.Marshal(r.json)
		return bytes.NewReader(b), "application/json", int64(len(b)), err
	case r.file != nil:
		var head bytes.Buffer
		mw := multipart.NewWriter(&head)
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, r.file.field, r.file.name))
		h.Set("Content-Type", r.file.contentType)
		if _, err := mw.CreatePart(h); err != nil {
			return nil, "", 0, err
		}
		tail := "\r\n--" + mw.Boundary() + "--\r\n"
		size := int64(head.Len()) + r.file.size + int64(len(tail))
		return io.MultiReader(&head, r.file.open(), strings.NewReader(tail)), mw.FormDataContentType(), size, nil
	}
	return nil, "", 0, nil
}

// apiBase is the account's API base, or Douyin's.
func apiBase(acc connectors.Account) string {
	if acc.APIBase == "" {
		return DefaultAPI
	}
	return strings.TrimRight(acc.APIBase, "/")
}

// get and post are the two shapes of a call.
func get(path string, q url.Values) apiRequest {
	return apiRequest{method: http.MethodGet, path: path, query: q}
}

func post(path string, body any) apiRequest {
	return apiRequest{method: http.MethodPost, path: path, json: body}
}
