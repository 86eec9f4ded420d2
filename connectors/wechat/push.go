package wechat

import (
	"crypto/subtle"
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
)

// MaxPush bounds a pushed body: a text message is a few kilobytes.
const MaxPush = 1 << 20

// Push is one request WeChat made to an account's callback URL, its
// signatures checked and its body decrypted.
type Push struct {
	// Echo is set for the URL check an administrator triggers when
	// configuring the callback: answer with it and store nothing.
	Echo string
	// At is the push's timestamp, for the freshness window.
	At time.Time
	// ReplayKey identifies this request among all pushes to the account:
	// the signatures we computed ourselves, so a repeat that merely
	// spells them differently is the same key.
	ReplayKey string
	// Messages are the text messages of the push; media and other events
	// carry nothing to answer in text and are left out.
	Messages []connectors.Comment
	// MassJob is set when the push reports the end of a mass send
	// (MASSSENDJOBFINISH): hand it to RecordMassJob with the steps of the
	// edition whose msg_id it names.
	MassJob *MassJobFinished
}

// ReadPush verifies and reads a push with the account's credentials
// (callback_token, and for safe mode encoding_aes_key and app_id).
// Errors are *tongfa.Error with the codes the callback answers with.
func ReadPush(r *http.Request, creds map[string]string) (*Push, error) {
	token := creds["callback_token"]
	if token == "" {
		return nil, tongfa.Errorf(tongfa.ENotConfigured, "该公众号未配置消息推送（callback_token）")
	}
	q := r.URL.Query()
	ts, err := strconv.ParseInt(q.Get("timestamp"), 10, 64)
	if err != nil || q.Get("signature") == "" {
		return nil, tongfa.Errorf(tongfa.EBadSignature, "缺少签名或时间戳")
	}
	sig := util.Signature(token, q.Get("timestamp"), q.Get("nonce"))
	if !sameSignature(q.Get("signature"), sig) {
		return nil, tongfa.Errorf(tongfa.EBadSignature, "签名校验失败")
	}
	p := &Push{At: time.Unix(ts, 0), ReplayKey: sig + ":" + q.Get("nonce")}
	if echo, ok := q["echostr"]; ok {
		p.Echo = echo[0]
		return p, nil
	}
	raw, err := readBody(r)
	if err != nil {
		return nil, err
	}
	if q.Get("encrypt_type") == "aes" {
		if raw, err = decrypt(raw, q, creds); err != nil {
			return nil, err
		}
		p.ReplayKey += ":" + strings.ToLower(q.Get("msg_signature"))
	}
	var m message.MixMessage
	if err := xml.Unmarshal(cleanXML(raw), &m); err != nil {
		return nil, tongfa.Errorf(tongfa.EBadMessage, "消息无法解析")
	}
	if m.Event == message.EventMassSendJobFinish {
		p.MassJob, _ = readMassJob(raw)
	}
	if m.MsgType == message.MsgTypeText && m.MsgID != 0 {
		p.Messages = append(p.Messages, connectors.Comment{ID: strconv.FormatInt(m.MsgID, 10), Kind: "message",
			User: string(m.FromUserName), Text: m.Content, CreatedAt: time.Unix(m.CreateTime, 0)})
	}
	return p, nil
}

func readBody(r *http.Request) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, MaxPush+1))
	if err != nil {
		return nil, tongfa.Errorf(tongfa.EBadMessage, "推送内容读取失败")
	}
	if len(raw) > MaxPush {
		return nil, tongfa.Errorf(tongfa.ETooLarge, "推送内容过大")
	}
	return raw, nil
}

// decrypt checks a safe-mode push's msg_signature over the ciphertext and
// returns the plaintext message.
func decrypt(raw []byte, q map[string][]string, creds map[string]string) ([]byte, error) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	var env message.EncryptedXMLMsg
	if err := xml.Unmarshal(raw, &env); err != nil || env.EncryptedMsg == "" {
		return nil, tongfa.Errorf(tongfa.EBadMessage, "加密消息无法解析")
	}
	want := util.Signature(creds["callback_token"], get("timestamp"), get("nonce"), env.EncryptedMsg)
	if !sameSignature(get("msg_signature"), want) {
		return nil, tongfa.Errorf(tongfa.EBadSignature, "消息签名校验失败")
	}
	_, plain, err := util.DecryptMsg(creds["app_id"], env.EncryptedMsg, creds["encoding_aes_key"])
	if err != nil {
		return nil, tongfa.Errorf(tongfa.EBadMessage, "消息无法解密，请核对 EncodingAESKey")
	}
	return plain, nil
}

// sameSignature compares a hex signature as WeChat sends it with ours,
// in constant time and regardless of letter case.
func sameSignature(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(strings.ToLower(got)), []byte(want)) == 1
}

// cleanXML replaces what XML 1.0 forbids — bytes that are not UTF-8, NUL
// and other control characters — with U+FFFD: a follower's message with
// one is stored as sent, not refused (WeChat would push it again and
// again).
func cleanXML(raw []byte) []byte {
	s := strings.ToValidUTF8(string(raw), "\uFFFD")
	return []byte(strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
			return '\uFFFD'
		}
		return r
	}, s))
}
