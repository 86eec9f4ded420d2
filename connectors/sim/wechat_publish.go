package sim

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"slices"
	"strings"
)

type wxDraft struct {
	appID    string
	articles []wxNews
}

type wxNews struct {
	Title            string `json:"title"`
	Author           string `json:"author"`
	Digest           string `json:"digest"`
	Content          string `json:"content"`
	ContentSourceURL string `json:"content_source_url"`
	ThumbMediaID     string `json:"thumb_media_id"`
	URL              string `json:"url"`
	IsDeleted        bool   `json:"is_deleted"`
}

// wxJob is a freepublish task: status 1 (publishing) until polled enough,
// then its final status.
type wxJob struct {
	appID   string
	polls   int
	final   int
	article *wxArticle // nil unless the article went live
}

type wxArticle struct {
	id, appID, url string
	news           wxNews
	at             int64
	deleted        bool
	post           *Post
}

func (s *Server) wxDraftAdd(r *http.Request, appID string, body []byte) answer {
	var req struct {
		Articles []wxNews `json:"articles"`
	}
	if err := json.Unmarshal(body, &req); err != nil || len(req.Articles) == 0 {
		return wxErr(44002, "empty post data")
	}
	if len(req.Articles) > 8 {
		return wxErr(45008, "article size out of limit")
	}
	for _, a := range req.Articles {
		switch {
		case s.wechat.media[a.ThumbMediaID] != appID:
			return wxErr(40007, "invalid media_id")
		case a.Title == "" || a.Content == "":
			return wxErr(44003, "empty news data")
		case len([]rune(a.Title)) > 64:
			return wxErr(45003, "title size out of limit")
		case len([]rune(a.Digest)) > 120:
			return wxErr(45004, "description size out of limit")
		case len([]rune(a.Author)) > 8:
			return wxErr(45110, "author size out of limit")
		}
	}
	id := fmt.Sprintf("draft-%d", s.nextID())
	s.wechat.drafts[id] = &wxDraft{appID: appID, articles: req.Articles}
	return answer{200, map[string]any{"media_id": id}}
}

func (s *Server) wxDraftGet(r *http.Request, appID string, body []byte) answer {
	_, d, fail := s.wxDraftOf(appID, body)
	if fail != nil {
		return *fail
	}
	return answer{200, map[string]any{"news_item": d.articles}}
}

// wxDraftOf finds the draft a request names by media_id.
func (s *Server) wxDraftOf(appID string, body []byte) (string, *wxDraft, *answer) {
	var req struct {
		MediaID string `json:"media_id"`
	}
	json.Unmarshal(body, &req) //nolint:errcheck
	d, ok := s.wechat.drafts[req.MediaID]
	if !ok || d.appID != appID {
		a := wxErr(40007, "invalid media_id")
		return "", nil, &a
	}
	return req.MediaID, d, nil
}

// wxSubmit publishes a draft, which leaves the draft box. The article goes
// live at once unless the faults set a failing final status, or its title
// carries 【审核不通过】 (the platform's audit refuses it).
func (s *Server) wxSubmit(r *http.Request, appID string, body []byte) answer {
	mediaID, d, fail := s.wxDraftOf(appID, body)
	if fail != nil {
		return *fail
	}
	delete(s.wechat.drafts, mediaID)
	pid := s.nextID()
	job := &wxJob{appID: appID, final: s.faults.WeChat.PublishStatus}
	if strings.Contains(d.articles[0].Title, "【审核不通过】") {
		job.final = 4
	}
	if job.final == 0 || job.final == 6 {
		job.article = s.wxGoLive(r, appID, d.articles[0], pid)
		job.article.deleted = job.final == 6
		job.article.post.Deleted = job.final == 6
	}
	s.wechat.jobs[pid] = job
	return answer{200, map[string]any{"errcode": 0, "errmsg": "ok", "publish_id": pid}}
}

func (s *Server) wxGoLive(r *http.Request, appID string, news wxNews, pid int64) *wxArticle {
	aid := fmt.Sprintf("art-%d", pid)
	news.URL = base(r) + "/wechat/s/" + aid
	a := &wxArticle{id: aid, appID: appID, url: news.URL, news: news, at: s.now().Unix()}
	a.post = s.record(&Post{Platform: "wechat", Account: appID, ID: aid, Title: news.Title, URL: news.URL,
		content: fingerprint(news.Title, news.Content)})
	s.wechat.articles = append(s.wechat.articles, a)
	return a
}

func (s *Server) wxGet(r *http.Request, appID string, body []byte) answer {
	var req struct {
		PublishID int64 `json:"publish_id"`
	}
	json.Unmarshal(body, &req) //nolint:errcheck
	job, ok := s.wechat.jobs[req.PublishID]
	if !ok || job.appID != appID {
		return wxErr(53502, "invalid publish_id")
	}
	job.polls++
	status := 1
	if job.polls > s.opts.PublishPolls {
		status = job.final
	}
	resp := map[string]any{"errcode": 0, "errmsg": "ok", "publish_id": req.PublishID, "publish_status": status}
	switch {
	case status == 0 && job.article.deleted:
		resp["publish_status"] = 5
	case status == 0:
		resp["article_id"] = job.article.id
		resp["article_detail"] = map[string]any{"count": 1, "item": []map[string]any{{"idx": 1, "article_url": job.article.url}}}
	case status == 2 || status == 4:
		resp["fail_idx"] = []int{1}
	}
	return answer{200, resp}
}

func (s *Server) wxArticle(appID, id string) *wxArticle {
	for _, a := range s.wechat.articles {
		if a.id == id && a.appID == appID {
			return a
		}
	}
	return nil
}

func (s *Server) wxDelete(r *http.Request, appID string, body []byte) answer {
	var req struct {
		ArticleID string `json:"article_id"`
	}
	json.Unmarshal(body, &req) //nolint:errcheck
	a := s.wxArticle(appID, req.ArticleID)
	if a == nil || a.deleted {
		return wxErr(53600, "Article ID 无效")
	}
	a.deleted, a.news.IsDeleted, a.post.Deleted = true, true, true
	return wxErr(0, "ok")
}

func (s *Server) wxGetArticle(r *http.Request, appID string, body []byte) answer {
	var req struct {
		ArticleID string `json:"article_id"`
	}
	json.Unmarshal(body, &req) //nolint:errcheck
	a := s.wxArticle(appID, req.ArticleID)
	if a == nil {
		return wxErr(53600, "Article ID 无效")
	}
	n := a.news
	n.IsDeleted = a.deleted
	return answer{200, map[string]any{"news_item": []wxNews{n}}}
}

// wxBatchGet lists an account's published articles, newest first, at most
// 20 a page.
func (s *Server) wxBatchGet(r *http.Request, appID string, body []byte) answer {
	var req struct {
		Offset    int             `json:"offset"`
		Count     int             `json:"count"`
		NoContent json.RawMessage `json:"no_content"` // WeChat documents 0/1; the library sends a bool
	}
	json.Unmarshal(body, &req) //nolint:errcheck
	noContent := string(req.NoContent) == "1" || string(req.NoContent) == "true"
	var mine []*wxArticle
	for _, a := range s.wechat.articles {
		if a.appID == appID {
			mine = append(mine, a)
		}
	}
	slices.Reverse(mine)
	items := []map[string]any{}
	for i := req.Offset; i >= 0 && i < len(mine) && len(items) < min(max(req.Count, 1), 20); i++ {
		n := mine[i].news
		n.IsDeleted = mine[i].deleted
		if noContent {
			n.Content = ""
		}
		items = append(items, map[string]any{"article_id": mine[i].id, "update_time": mine[i].at,
			"content": map[string]any{"news_item": []wxNews{n}}})
	}
	return answer{200, map[string]any{"total_count": len(mine), "item_count": len(items), "item": items}}
}

// wechatPage is the published article as readers see it.
func (s *Server) wechatPage(w http.ResponseWriter, id string) {
	s.mu.Lock()
	news, ok := s.wxPage(id)
	s.mu.Unlock()
	if !ok {
		http.Error(w, "该内容已被发布者删除", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<!doctype html><meta charset=utf-8><title>%s</title><h1>%s</h1>%s", html.EscapeString(news.Title),
		html.EscapeString(news.Title), news.Content)
}

// wxPage finds a live article by the id in its URL: a published one, or
// one of a mass send.
func (s *Server) wxPage(id string) (wxNews, bool) {
	for _, x := range s.wechat.articles {
		if x.id == id && !x.deleted {
			return x.news, true
		}
	}
	return s.wxMassPage(id)
}
