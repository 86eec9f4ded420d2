package sim

import (
	"encoding/xml"
	"fmt"
)

// wxMassEventXML is MASSSENDJOBFINISH as WeChat pushes it to the
// account's server once a mass send has ended.
type wxMassEventXML struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   string
	FromUserName string
	CreateTime   int64
	MsgType      string
	Event        string
	MsgID        int64 `xml:"MsgID"`
	Status       string
	TotalCount   int
	FilterCount  int
	SentCount    int
	ErrorCount   int
	Copyright    struct {
		Count      int
		Items      []wxCopyrightItem `xml:"ResultList>item"`
		CheckState int
	} `xml:"CopyrightCheckResult"`
	URLs struct {
		Count int
		Items []wxArticleURL `xml:"ResultList>item"`
	} `xml:"ArticleUrlResult"`
}

// wxCopyrightItem is the original-content check of one article that
// WeChat found in its library of originals.
type wxCopyrightItem struct {
	ArticleIdx            int
	UserDeclareState      int
	AuditState            int
	OriginalArticleURL    string `xml:"OriginalArticleUrl"`
	OriginalArticleType   int
	CanReprint            int
	NeedReplaceContent    int
	NeedShowReprintSource int
}

type wxArticleURL struct {
	ArticleIdx int
	ArticleURL string `xml:"ArticleUrl"`
}

// wxMassEvent describes a settled send (holding s.mu).
func (s *Server) wxMassEvent(j *wxMassJob) wxMassEventXML {
	e := wxMassEventXML{ToUserName: "gh_" + j.appID, FromUserName: "mphelper", CreateTime: s.now().Unix(), MsgType: "event",
		Event: "MASSSENDJOBFINISH", MsgID: j.id, Status: j.status,
		TotalCount: j.counts[0], FilterCount: j.counts[1], SentCount: j.counts[2], ErrorCount: j.counts[3]}
	e.Copyright.CheckState = j.check
	for i, n := range j.news {
		if j.check > 1 && containsMark(n.Title) {
			e.Copyright.Items = append(e.Copyright.Items, wxCopyrightItem{ArticleIdx: i + 1, AuditState: 2,
				OriginalArticleURL: fmt.Sprintf("%s/wechat/s/original-%d", j.base, i+1), OriginalArticleType: 1,
				CanReprint: 1, NeedReplaceContent: 1, NeedShowReprintSource: 1})
		}
	}
	e.Copyright.Count = len(e.Copyright.Items)
	if j.post != nil {
		for i, a := range j.post.Articles {
			e.URLs.Items = append(e.URLs.Items, wxArticleURL{ArticleIdx: i + 1, ArticleURL: a.URL})
		}
	}
	e.URLs.Count = len(e.URLs.Items)
	return e
}
