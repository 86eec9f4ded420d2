package weibo

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"github.com/tongfa/tongfa/connectors"
)

// apiError is Weibo's error answer.
type apiError struct {
	Error     string `json:"error"`
	ErrorCode int    `json:"error_code"`
}

// call sends one API request with the account's token. On a token error it
// refreshes the token (when the account has a refresh token) and tries
// once more; without one, nothing but an administrator can help.
func (c *Client) call(ctx context.Context, acc connectors.Account, method, path string, form url.Values, out any) error {
	return c.callWith(ctx, acc, method, path, form, nil, out)
}

// callWith is call with a picture sent as the multipart field pic.
func (c *Client) callWith(ctx context.Context, acc connectors.Account, method, path string, form url.Values, pic *connectors.MediaFile, out any) error {
	tok, err := c.token(ctx, acc)
	if err != nil {
		return err
	}
	err = c.do(ctx, acc, method, path, form, pic, tok, out)
	if connectors.ClassOf(err) != connectors.Token {
		return err
	}
	if acc.Credentials["refresh_token"] == "" {
		ce := *err.(*connectors.Error)
		ce.Class, ce.Message = connectors.Permanent, ce.Message+"，且账号没有 refresh_token，请管理员重新授权"
		return &ce
	}
	if tok, err = c.refresh(ctx, acc); err != nil {
		return err
	}
	return c.do(ctx, acc, method, path, form, pic, tok, out)
}

func (c *Client) do(ctx context.Context, acc connectors.Account, method, path string, form url.Values, pic *connectors.MediaFile, tok string, out any) error {
	req, err := request(ctx, acc, method, path, form, pic, tok)
	if err != nil {
		return &connectors.Error{Class: connectors.Permanent, Platform: "weibo", Message: "接口地址无效", Err: err}
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return connectors.TransportError("weibo", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return connectors.TransportError("weibo", &connectors.SendError{Err: err, Written: true})
	}
	var ae apiError
	if json.Unmarshal(raw, &ae) == nil && ae.ErrorCode != 0 {
		return classify(ae, connectors.RetryAfter(resp.Header))
	}
	if resp.StatusCode != http.StatusOK {
		return connectors.HTTPStatusError("weibo", resp.StatusCode, connectors.RetryAfter(resp.Header))
	}
	if out != nil && json.Unmarshal(raw, out) != nil {
		return &connectors.Error{Class: connectors.Unconfirmed, Platform: "weibo", Message: "微博应答无法解析"}
	}
	return nil
}

// request builds a form request: GET carries the form in the query; a
// picture makes it multipart/form-data (statuses/share's pic).
func request(ctx context.Context, acc connectors.Account, method, path string, form url.Values, pic *connectors.MediaFile, tok string) (*http.Request, error) {
	q := url.Values{}
	for k, vs := range form {
		q[k] = append([]string(nil), vs...)
	}
	q.Set("access_token", tok)
	base := strings.TrimRight(orDefault(acc.APIBase, DefaultAPI), "/")
	if method == http.MethodGet {
		return http.NewRequestWithContext(ctx, method, base+path+"?"+q.Encode(), nil)
	}
	if pic != nil {
		return multipartRequest(ctx, method, base+path, q, pic)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, strings.NewReader(q.Encode()))
	if err == nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return req, err
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func multipartRequest(ctx context.Context, method, url string, q url.Values, pic *connectors.MediaFile) (*http.Request, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range q {
		for _, v := range vs {
			mw.WriteField(k, v) //nolint:errcheck // a bytes.Buffer
		}
	}
	fw, err := mw.CreateFormFile("pic", "pic"+pic.Type.Ext())
	if err == nil {
		_, err = fw.Write(pic.Data)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, method, url, &buf)
	if err == nil {
		req.Header.Set("Content-Type", mw.FormDataContentType())
	}
	return req, err
}
