package sim

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// raiseWechat checks a WeChat comment or message (holding s.mu) and
// returns its push, if the account has a callback. Comments are only
// polled (comment/list), as on WeChat.
func (s *Server) raiseWechat(in *Inbound) (func(context.Context) (int, error), error) {
	switch in.Kind {
	case "comment":
		pid, _ := strconv.ParseInt(in.PostID, 10, 64)
		job, ok := s.wechat.jobs[pid]
		if !ok || job.article == nil {
			return nil, errors.New("no published article with this msg_data_id (publish_id)")
		}
		in.Account = job.appID
		return nil, nil
	case "message":
		if in.Account == "" || in.User == "" {
			return nil, errors.New("a message needs account (app id) and user (openid)")
		}
		cb, ok := s.inbox.callbacks.WeChat[in.Account]
		if !ok {
			return nil, nil
		}
		return func(ctx context.Context) (int, error) { return pushWechat(ctx, cb, *in) }, nil
	}
	return nil, errors.New("wechat items are comments or messages")
}

// wxMessageXML is a text message as WeChat pushes it.
func wxMessageXML(in Inbound) []byte {
	return fmt.Appendf(nil, "<xml><ToUserName><![CDATA[gh_%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"+
		"<CreateTime>%d</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content><MsgId>%d</MsgId></xml>",
		in.Account, in.User, in.At.Unix(), in.Text, in.ID)
}

// pushWechat delivers a message to the account's server the way WeChat
// does.
func pushWechat(ctx context.Context, cb WeChatCallback, in Inbound) (int, error) {
	return pushWechatXML(ctx, cb, in.Account, strconv.FormatInt(in.ID, 36), in.User, wxMessageXML(in))
}

// pushWechatXML posts a message or event from user (an openid) to the
// account's server: signature = sha1 of the sorted token, timestamp and
// nonce; in safe mode the XML is AES-encrypted and msg_signature covers
// it too.
func pushWechatXML(ctx context.Context, cb WeChatCallback, appID, nonce, user string, body []byte) (int, error) {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	q := url.Values{"timestamp": {ts}, "nonce": {nonce}, "openid": {user}, "signature": {wxSignature(cb.Token, ts, nonce)}}
	if cb.AESKey != "" {
		enc, err := wxEncrypt(cb.AESKey, appID, body)
		if err != nil {
			return 0, err
		}
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", wxSignature(cb.Token, ts, nonce, enc))
		body = fmt.Appendf(nil, "<xml><ToUserName><![CDATA[gh_%s]]></ToUserName><Encrypt><![CDATA[%s]]></Encrypt></xml>", appID, enc)
	}
	sep := "?"
	if strings.Contains(cb.URL, "?") {
		sep = "&"
	}
	return pushTo(ctx, cb.URL+sep+q.Encode(), "text/xml", body, nil)
}

func wxSignature(parts ...string) string {
	sort.Strings(parts)
	return fmt.Sprintf("%x", sha1.Sum([]byte(strings.Join(parts, ""))))
}

// wxEncrypt is WeChat's message encryption: AES-256-CBC with the key
// decoded from the 43-character EncodingAESKey, IV its first 16 bytes,
// over random(16) + length(4, big-endian) + message + app id, padded
// PKCS#7 to 32 bytes.
func wxEncrypt(encodingKey, appID string, msg []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(encodingKey + "=")
	if err != nil || len(key) != 32 {
		return "", errors.New("invalid EncodingAESKey")
	}
	plain := make([]byte, 20, 20+len(msg)+len(appID)+32)
	rand.Read(plain[:16]) //nolint:errcheck
	binary.BigEndian.PutUint32(plain[16:20], uint32(len(msg)))
	plain = append(append(plain, msg...), appID...)
	pad := 32 - len(plain)%32
	plain = append(plain, bytes.Repeat([]byte{byte(pad)}, pad)...)
	block, _ := aes.NewCipher(key)
	out := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, key[:16]).CryptBlocks(out, plain)
	return base64.StdEncoding.EncodeToString(out), nil
}

// wxCommentList serves cgi-bin/comment/list for a published article.
func (s *Server) wxCommentList(r *http.Request, appID string, body []byte) answer {
	var req struct {
		MsgDataID int64 `json:"msg_data_id"`
		Begin     int   `json:"begin"`
		Count     int   `json:"count"`
	}
	json.Unmarshal(body, &req) //nolint:errcheck
	if job, ok := s.wechat.jobs[req.MsgDataID]; !ok || job.appID != appID || job.article == nil {
		return wxErr(88001, "msg_data is not exists")
	}
	var all []map[string]any
	for _, in := range s.inbox.items {
		if in.Platform == "wechat" && in.Kind == "comment" && in.PostID == strconv.FormatInt(req.MsgDataID, 10) {
			all = append(all, s.wxComment(in))
		}
	}
	page := all[min(max(req.Begin, 0), len(all)):]
	page = page[:min(len(page), min(max(req.Count, 1), 50))]
	return answer{200, map[string]any{"errcode": 0, "errmsg": "ok", "total": len(all), "comment": page}}
}

func (s *Server) wxComment(in *Inbound) map[string]any {
	c := map[string]any{"user_comment_id": in.ID, "openid": in.User, "create_time": in.At.Unix(), "content": in.Text, "comment_type": 0}
	for _, rp := range s.inbox.replies {
		if rp.Platform == "wechat" && rp.Target == strconv.FormatInt(in.ID, 10) {
			c["reply"] = map[string]any{"content": rp.Text, "create_time": rp.At.Unix()}
		}
	}
	return c
}

// wxCommentReply serves cgi-bin/comment/reply/add: one reply per comment.
func (s *Server) wxCommentReply(r *http.Request, appID string, body []byte) answer {
	var req struct {
		MsgDataID     int64  `json:"msg_data_id"`
		UserCommentID int64  `json:"user_comment_id"`
		Content       string `json:"content"`
	}
	json.Unmarshal(body, &req) //nolint:errcheck
	in := s.findInbound("wechat", req.UserCommentID)
	switch {
	case in == nil || in.Kind != "comment" || in.Account != appID || in.PostID != strconv.FormatInt(req.MsgDataID, 10):
		return wxErr(88008, "comment is not exists")
	case req.Content == "" || len([]rune(req.Content)) > 2000:
		return wxErr(88007, "reply content beyond max len or content len is zero")
	case in.replied:
		return wxErr(88005, "already reply")
	}
	in.replied = true
	s.reply("wechat", appID, strconv.FormatInt(in.ID, 10), req.Content)
	return wxErr(0, "ok")
}

// wxCustomSend serves cgi-bin/message/custom/send (text): allowed within
// 48 hours of the user's last message.
func (s *Server) wxCustomSend(r *http.Request, appID string, body []byte) answer {
	var req struct {
		ToUser  string `json:"touser"`
		MsgType string `json:"msgtype"`
		Text    struct {
			Content string `json:"content"`
		} `json:"text"`
	}
	json.Unmarshal(body, &req) //nolint:errcheck
	var last time.Time
	for _, in := range s.inbox.items {
		if in.Platform == "wechat" && in.Kind == "message" && in.Account == appID && in.User == req.ToUser {
			last = in.At
		}
	}
	switch {
	case last.IsZero():
		return wxErr(40003, "invalid openid")
	case s.now().Sub(last) > 48*time.Hour:
		return wxErr(45015, "response out of time limit or subscription is canceled")
	case req.MsgType != "text" || req.Text.Content == "":
		return wxErr(40008, "invalid message type")
	}
	s.reply("wechat", appID, req.ToUser, req.Text.Content)
	return wxErr(0, "ok")
}
