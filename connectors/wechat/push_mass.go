package wechat

import (
	"encoding/xml"
	"fmt"
	"time"
)

// MassJobFinished is the MASSSENDJOBFINISH event WeChat pushes when a
// mass send ends. silenceper's MixMessage lacks the original-content check
// and the article URLs, so the event is read here.
type MassJobFinished struct {
	MsgID string `json:"msg_id"`
	// Status is WeChat's own: "send success", "send fail" or "err(n)".
	Status string    `json:"status"`
	State  MassState `json:"state"`            // sent or failed
	Reason string    `json:"reason,omitempty"` // Chinese, when failed
	// TotalCount followers were addressed; FilterCount remained after
	// WeChat's filters (those refusing mass messages, …), of whom
	// SentCount received it and ErrorCount did not.
	TotalCount  int64          `json:"total_count"`
	FilterCount int64          `json:"filter_count"`
	SentCount   int64          `json:"sent_count"`
	ErrorCount  int64          `json:"error_count"`
	Copyright   CopyrightCheck `json:"copyright"`
	ArticleURLs []string       `json:"article_urls,omitempty"` // in edition order
	At          time.Time      `json:"at"`
}

// CopyrightCheck is WeChat's original-content check (原创校验) of a send.
type CopyrightCheck struct {
	// CheckState: 1 no article was found to be a reprint; 2 some were,
	// and the send went on (send_ignore_reprint 1); 3 some were, and the
	// send stopped.
	CheckState int `json:"check_state" xml:"CheckState"`
	// Articles are those found in WeChat's library of originals.
	Articles []CopyrightArticle `json:"articles,omitempty" xml:"ResultList>item"`
}

// CopyrightArticle is the check of one article.
type CopyrightArticle struct {
	ArticleIdx            int    `json:"article_idx" xml:"ArticleIdx"` // 1 is the headline
	UserDeclareState      int    `json:"user_declare_state" xml:"UserDeclareState"`
	AuditState            int    `json:"audit_state" xml:"AuditState"`
	OriginalArticleURL    string `json:"original_article_url" xml:"OriginalArticleUrl"`
	OriginalArticleType   int    `json:"original_article_type" xml:"OriginalArticleType"`
	CanReprint            bool   `json:"can_reprint" xml:"CanReprint"`
	NeedReplaceContent    bool   `json:"need_replace_content" xml:"NeedReplaceContent"`
	NeedShowReprintSource bool   `json:"need_show_reprint_source" xml:"NeedShowReprintSource"`
}

// massEventXML is the event's body (encoding/xml reads WeChat's 0 and 1
// as booleans).
type massEventXML struct {
	Event       string         `xml:"Event"`
	CreateTime  int64          `xml:"CreateTime"`
	MsgID       string         `xml:"MsgID"`
	Status      string         `xml:"Status"`
	TotalCount  int64          `xml:"TotalCount"`
	FilterCount int64          `xml:"FilterCount"`
	SentCount   int64          `xml:"SentCount"`
	ErrorCount  int64          `xml:"ErrorCount"`
	Copyright   CopyrightCheck `xml:"CopyrightCheckResult"`
	URLs        []struct {
		Idx int    `xml:"ArticleIdx"`
		URL string `xml:"ArticleUrl"`
	} `xml:"ArticleUrlResult>ResultList>item"`
}

// readMassJob reads a MASSSENDJOBFINISH event; ok is false for any other
// message or event.
func readMassJob(raw []byte) (*MassJobFinished, bool) {
	var e massEventXML
	if xml.Unmarshal(raw, &e) != nil || e.Event != "MASSSENDJOBFINISH" || e.MsgID == "" {
		return nil, false
	}
	ev := &MassJobFinished{MsgID: e.MsgID, Status: e.Status, TotalCount: e.TotalCount, FilterCount: e.FilterCount,
		SentCount: e.SentCount, ErrorCount: e.ErrorCount, Copyright: e.Copyright, At: time.Unix(e.CreateTime, 0)}
	ev.State, ev.Reason = massOutcome(e.Status)
	for _, u := range e.URLs {
		ev.ArticleURLs = append(ev.ArticleURLs, u.URL)
	}
	return ev, true
}

// massFailures word the push's Status for the operator.
var massFailures = map[string]string{
	"send fail":  "群发失败，请到公众平台查看原因",
	"err(10001)": "群发未通过平台审核：涉嫌广告",
	"err(20001)": "群发未通过平台审核：涉嫌政治",
	"err(20002)": "群发未通过平台审核：涉嫌色情",
	"err(20004)": "群发未通过平台审核：涉嫌社会",
	"err(20006)": "群发未通过平台审核：涉嫌违法犯罪",
	"err(20008)": "群发未通过平台审核：涉嫌欺诈",
	"err(20013)": "群发未通过平台审核：涉嫌版权",
	"err(21000)": "群发未通过平台审核：涉嫌其他问题",
	"err(22000)": "群发未通过平台审核：涉嫌互推",
	"err(30001)": "原创校验出现系统错误，本期设置为被判为转载时不群发，群发已停止",
	"err(30002)": "原创校验判定本期有文章不能群发",
	"err(30003)": "原创校验判定本期有文章为转载，本期设置为被判为转载时不群发，群发已停止",
	"err(40001)": "管理员在手机上拒绝了本次群发",
	"err(40002)": "管理员未在 30 分钟内确认，本次群发已失败",
}

// massOutcome reads the push's Status. "send success" may still leave
// some followers unreached (ErrorCount).
func massOutcome(status string) (MassState, string) {
	if status == "send success" {
		return MassSent, ""
	}
	if msg, ok := massFailures[status]; ok {
		return MassFailed, msg
	}
	return MassFailed, fmt.Sprintf("群发失败（%s），请到公众平台查看原因", status)
}
