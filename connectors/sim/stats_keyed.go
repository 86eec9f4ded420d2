package sim

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// keyedStats serves the statistics endpoint Tongfa defines for the app
// backend (GET /app/stats) and the website CMS (GET /website/api/stats):
//
//	?date=YYYY-MM-DD → {"date","complete","account":{…},"posts":[{"id","key","published_at","reads","likes","shares","comments"}]}
//
// A date that is not over yet in China is refused (400 day_not_over), a
// malformed one too (400 invalid_date). complete turns true
// Options.DataReady after the day ended. The website has no followers:
// its followers figures are null.
func (s *Server) keyedStats(w http.ResponseWriter, r *http.Request, platform, endpoint string, st *keyedState) {
	s.serve(w, r, keyedDialect(platform), endpoint, func() answer {
		day, ok := parseDay(r.URL.Query().Get("date"))
		switch {
		case !ok:
			return answer{400, map[string]any{"code": "invalid_date", "message": "date 须为 YYYY-MM-DD"}}
		case !s.dayOver(day):
			return answer{400, map[string]any{"code": "day_not_over", "message": "该日尚未结束，暂无统计"}}
		}
		posts, sum := []map[string]any{}, tally{}
		for _, p := range st.sorted() {
			if p.Deleted || !p.CreatedAt.Before(day.AddDate(0, 0, 1)) {
				continue
			}
			t := postCurve(platform, platform, p.ID).day(p.CreatedAt, day, s.now())
			for i := range sum {
				sum[i] += t[i]
			}
			posts = append(posts, map[string]any{"id": p.ID, "key": p.Key, "published_at": p.CreatedAt.Format(time.RFC3339),
				"reads": t[fReads], "likes": t[fLikes], "shares": t[fShares], "comments": t[fComments]})
		}
		account := map[string]any{"followers": nil, "new_followers": nil, "lost_followers": nil,
			"reads": sum[fReads], "likes": sum[fLikes], "shares": sum[fShares], "comments": sum[fComments]}
		if platform == "app" {
			account["followers"], account["new_followers"], account["lost_followers"] = accountAudience(platform, platform).day(day)
		}
		return answer{200, map[string]any{"date": day.Format(time.DateOnly), "complete": s.dataReady(day), "account": account, "posts": posts}}
	})
}

// sorted lists the posts oldest first.
func (st *keyedState) sorted() []*keyedPost {
	out := make([]*keyedPost, 0, len(st.byID))
	for _, p := range st.byID {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *keyedPost) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}
