package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// WeChat's datacube, as the simulator serves it: only mass-sent articles
// have figures (as WeChat documents: 仅包括群发的文章), a day is computed
// Options.DataReady after it ends (until then its lists are empty), and
// the date checks answer WeChat's codes: 61500 for a malformed date,
// 61501 for a range that ends today or later, runs backwards or spans
// more days than the endpoint allows (one for the article endpoints,
// seven for the user ones).
func init() {
	for path, h := range map[string]func(s *Server, r *http.Request, appID string, body []byte) answer{
		"datacube/getarticlesummary": (*Server).wxArticleSummary,
		"datacube/getarticletotal":   (*Server).wxArticleTotal,
		"datacube/getusersummary":    (*Server).wxUserSummary,
		"datacube/getusercumulate":   (*Server).wxUserCumulate,
	} {
		wechatAPI[path] = h
	}
}

// wxDates reads and checks a datacube request's dates; the days are
// returned as China midnights.
func (s *Server) wxDates(body []byte, maxDays int) ([]time.Time, *answer) {
	var req struct {
		Begin string `json:"begin_date"`
		End   string `json:"end_date"`
	}
	json.Unmarshal(body, &req) //nolint:errcheck
	from, ok1 := parseDay(req.Begin)
	to, ok2 := parseDay(req.End)
	fail := func(code int, msg string) ([]time.Time, *answer) { a := wxErr(code, msg); return nil, &a }
	switch {
	case !ok1 || !ok2:
		return fail(61500, "date format error")
	case to.Before(from) || !to.Before(chinaDay(s.now())) || to.Sub(from) >= time.Duration(maxDays)*24*time.Hour:
		return fail(61501, "date range error")
	}
	var days []time.Time
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		if s.dataReady(d) {
			days = append(days, d)
		}
	}
	return days, nil
}

// wxSentArticle is one article of a mass send that reached followers.
type wxSentArticle struct {
	job   *wxMassJob
	idx   int
	msgID string
	title string
	curve curve
}

// wxSent lists the account's mass-sent articles sent before end.
func (s *Server) wxSent(appID string, end time.Time) []wxSentArticle {
	var out []wxSentArticle
	for _, j := range s.wechat.mass {
		if j.appID != appID || j.post == nil || !j.at.Before(end) {
			continue
		}
		for i, a := range j.post.Articles {
			if a.Deleted {
				continue
			}
			id := fmt.Sprintf("%d_%d", j.dataID, i+1)
			out = append(out, wxSentArticle{job: j, idx: i + 1, msgID: id, title: a.Title, curve: postCurve("wechat", appID, id)})
		}
	}
	return out
}

// wxArticleSummary: every article read on the day, with that day's
// figures.
func (s *Server) wxArticleSummary(_ *http.Request, appID string, body []byte) answer {
	return s.wxArticles(appID, body, func(d time.Time, a wxSentArticle) map[string]any {
		t := a.curve.day(a.job.at, d, s.now())
		if t[fReads] == 0 {
			return nil
		}
		return map[string]any{"int_page_read_user": t[fReads] * 4 / 5, "int_page_read_count": t[fReads], "ori_page_read_user": 0,
			"ori_page_read_count": 0, "share_user": t[fShares] * 4 / 5, "share_count": t[fShares],
			"add_to_fav_user": t[fWows], "add_to_fav_count": t[fWows]}
	})
}

// wxArticleTotal: the articles sent on the day, each with its running
// totals on each of its first seven days computed so far.
func (s *Server) wxArticleTotal(_ *http.Request, appID string, body []byte) answer {
	return s.wxArticles(appID, body, func(d time.Time, a wxSentArticle) map[string]any {
		if a.job.at.Before(d) {
			return nil
		}
		details := []map[string]any{}
		for k := range 7 {
			stat := d.AddDate(0, 0, k)
			if !s.dataReady(stat) {
				break
			}
			t := a.curve.at(stat.AddDate(0, 0, 1).Sub(a.job.at))
			details = append(details, map[string]any{"stat_date": stat.Format(time.DateOnly), "target_user": a.job.counts[0],
				"int_page_read_user": t[fReads] * 4 / 5, "int_page_read_count": t[fReads], "share_user": t[fShares] * 4 / 5,
				"share_count": t[fShares], "add_to_fav_user": t[fWows], "add_to_fav_count": t[fWows]})
		}
		return map[string]any{"details": details}
	})
}

// wxArticles answers an article endpoint: a row per computed day and
// article sent by then that row gives one for.
func (s *Server) wxArticles(appID string, body []byte, row func(d time.Time, a wxSentArticle) map[string]any) answer {
	days, fail := s.wxDates(body, 1)
	if fail != nil {
		return *fail
	}
	list := []map[string]any{}
	for _, d := range days {
		for _, a := range s.wxSent(appID, d.AddDate(0, 0, 1)) {
			if r := row(d, a); r != nil {
				r["ref_date"], r["msgid"], r["title"] = d.Format(time.DateOnly), a.msgID, a.title
				list = append(list, r)
			}
		}
	}
	return answer{200, map[string]any{"list": list}}
}

func (s *Server) wxUserSummary(_ *http.Request, appID string, body []byte) answer {
	return s.wxUsers(appID, body, func(_, gained, lost int64) map[string]any {
		return map[string]any{"user_source": 0, "new_user": gained, "cancel_user": lost}
	})
}

func (s *Server) wxUserCumulate(_ *http.Request, appID string, body []byte) answer {
	return s.wxUsers(appID, body, func(followers, _, _ int64) map[string]any { return map[string]any{"cumulate_user": followers} })
}

// wxUsers answers a user endpoint: one row a computed day, seven days a
// call at most.
func (s *Server) wxUsers(appID string, body []byte, row func(followers, gained, lost int64) map[string]any) answer {
	days, fail := s.wxDates(body, 7)
	if fail != nil {
		return *fail
	}
	list := []map[string]any{}
	aud := accountAudience("wechat", appID)
	for _, d := range days {
		r := row(aud.day(d))
		r["ref_date"] = d.Format(time.DateOnly)
		list = append(list, r)
	}
	return answer{200, map[string]any{"list": list}}
}
