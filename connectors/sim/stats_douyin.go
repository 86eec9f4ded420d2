package sim

import (
	"net/http"
	"strconv"
	"time"
)

// Douyin's data services (数据开放服务), as the simulator serves them:
// daily series of the last 7, 15 or 30 days (date_type) up to the last
// day computed (Options.DataReady after it ended), fans per user and
// likes, comments, shares and plays per item. An item created more than
// 30 days ago has no data any more, as Douyin documents.
func init() {
	douyinRoutes["data/external/user/fans/"] = (*Server).dyFans
	for path, figure := range map[string]struct {
		key string
		pos int
	}{"like": {"like", fLikes}, "comment": {"comment", fComments}, "share": {"share", fShares}, "play": {"play", fReads}} {
		douyinRoutes["data/external/item/"+path+"/"] = func(s *Server, r *http.Request, openID string, _ *dyRequest) answer {
			return s.dyItemSeries(r, openID, figure.key, figure.pos)
		}
	}
}

// dyDays are the computed days of the window date_type names, oldest
// first, or nil and the refusal.
func (s *Server) dyDays(r *http.Request) ([]time.Time, *answer) {
	n, _ := strconv.Atoi(r.URL.Query().Get("date_type"))
	if n != 7 && n != 15 && n != 30 {
		a := dyErr(2100005, "参数不合法：date_type 须为 7、15 或 30")
		return nil, &a
	}
	today := chinaDay(s.now())
	var days []time.Time
	for d := today.AddDate(0, 0, -n); d.Before(today); d = d.AddDate(0, 0, 1) {
		if s.dataReady(d) {
			days = append(days, d)
		}
	}
	return days, nil
}

func (s *Server) dyFans(r *http.Request, openID string, _ *dyRequest) answer {
	days, refused := s.dyDays(r)
	if refused != nil {
		return *refused
	}
	aud := accountAudience("douyin", openID)
	list := []map[string]any{}
	for _, d := range days {
		followers, gained, _ := aud.day(d)
		list = append(list, map[string]any{"date": d.Format(time.DateOnly), "total_fans": followers, "new_fans": gained})
	}
	return dyOK(map[string]any{"result_list": list})
}

// dyItemSeries answers one figure of one item per day.
func (s *Server) dyItemSeries(r *http.Request, openID, key string, pos int) answer {
	days, refused := s.dyDays(r)
	if refused != nil {
		return *refused
	}
	it := s.dyItem(openID, r.URL.Query().Get("item_id"))
	if it == nil {
		return dyErr(2100005, "参数不合法：item_id 无效")
	}
	list := []map[string]any{}
	if s.now().Sub(it.created) <= 30*24*time.Hour {
		cv := postCurve("douyin", openID, it.id)
		for _, d := range days {
			if !d.AddDate(0, 0, 1).After(it.created) {
				continue
			}
			list = append(list, map[string]any{"date": d.Format(time.DateOnly), key: cv.day(it.created, d, s.now())[pos]})
		}
	}
	return dyOK(map[string]any{"result_list": list})
}
