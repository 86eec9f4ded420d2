package sim

import (
	"net/http"
	"strconv"
	"strings"
)

// weiboStats are Weibo's statistics endpoints: it keeps no history, so
// both answer what stands now.
var weiboStats = map[string]func(s *Server, r *http.Request, uid int64) answer{
	"2/statuses/count.json": (*Server).wbCounts,
	"2/users/show.json":     (*Server).wbUserShow,
}

// wbCounts answers statuses/count: the reposts, comments and likes
// (attitudes) of up to 100 statuses named by ids; deleted or unknown ones
// are left out, as Weibo does.
func (s *Server) wbCounts(r *http.Request, _ int64) answer {
	ids := strings.Split(r.Form.Get("ids"), ",")
	switch {
	case r.Form.Get("ids") == "":
		return wbErr(r, 400, 10016, "miss required parameter (ids), see doc for more info")
	case len(ids) > 100:
		return wbErr(r, 400, 10017, "parameter (ids)'s value invalid, expect (at most 100 ids), see doc for more info")
	}
	out := []map[string]any{}
	for _, id := range ids {
		n, _ := strconv.ParseInt(strings.TrimSpace(id), 10, 64)
		for _, st := range s.weibo.statuses {
			if st.id != n || st.deleted {
				continue
			}
			t := postCurve("weibo", strconv.FormatInt(st.uid, 10), strconv.FormatInt(st.id, 10)).at(s.now().Sub(st.created))
			out = append(out, map[string]any{"id": st.id, "idstr": strconv.FormatInt(st.id, 10), "reposts": t[fShares],
				"comments": t[fComments], "attitudes": t[fLikes]})
		}
	}
	return answer{200, out}
}

// wbUserShow answers users/show for uid: its followers now and how many
// statuses it has.
func (s *Server) wbUserShow(r *http.Request, _ int64) answer {
	uid, err := strconv.ParseInt(r.Form.Get("uid"), 10, 64)
	if err != nil || uid <= 0 {
		return wbErr(r, 400, 10017, "parameter (uid)'s value invalid, expect (uid = int64), see doc for more info")
	}
	statuses := 0
	for _, st := range s.weibo.statuses {
		if st.uid == uid && !st.deleted {
			statuses++
		}
	}
	return answer{200, map[string]any{"id": uid, "idstr": strconv.FormatInt(uid, 10), "screen_name": "用户" + strconv.FormatInt(uid, 10),
		"followers_count": accountAudience("weibo", strconv.FormatInt(uid, 10)).at(s.now()), "friends_count": 120,
		"statuses_count": statuses}}
}
