package sim

import (
	"errors"
	"net/http"
	"strconv"
	"time"
)

// raiseWeibo attaches a comment to a status (holding s.mu). Weibo has no
// push for ordinary apps: comments are polled with comments/to_me.
func (s *Server) raiseWeibo(in *Inbound) error {
	if in.Kind != "comment" {
		return errors.New("weibo items are comments")
	}
	id, _ := strconv.ParseInt(in.PostID, 10, 64)
	for _, st := range s.weibo.statuses {
		if st.id == id && !st.deleted {
			in.Account = strconv.FormatInt(st.uid, 10)
			in.ID *= 1000 // Weibo ids are large and increasing
			return nil
		}
	}
	return errors.New("no such status")
}

func (s *Server) wbStatus(id int64) *wbStatus {
	for _, st := range s.weibo.statuses {
		if st.id == id {
			return st
		}
	}
	return nil
}

func (s *Server) wbCommentJSON(in *Inbound) map[string]any {
	id, _ := strconv.ParseInt(in.PostID, 10, 64)
	out := map[string]any{"id": in.ID, "idstr": strconv.FormatInt(in.ID, 10), "mid": strconv.FormatInt(in.ID, 10),
		"created_at": in.At.Format(time.RubyDate), "text": in.Text, "user": map[string]any{"id": uidOf(in.User), "screen_name": in.User}}
	if st := s.wbStatus(id); st != nil {
		out["status"] = wbJSON(st)
	}
	return out
}

// wbCommentsToMe lists comments on the user's statuses, newest first:
// since_id and max_id bound the ids, count (≤ 200, default 50) per page.
func (s *Server) wbCommentsToMe(r *http.Request, uid int64) answer {
	since, _ := strconv.ParseInt(r.Form.Get("since_id"), 10, 64)
	maxID, _ := strconv.ParseInt(r.Form.Get("max_id"), 10, 64)
	count, _ := strconv.Atoi(r.Form.Get("count"))
	if count <= 0 {
		count = 50
	}
	page, _ := strconv.Atoi(r.Form.Get("page"))
	skip := (max(page, 1) - 1) * min(count, 200)
	out, total := []map[string]any{}, 0
	for i := len(s.inbox.items) - 1; i >= 0; i-- {
		in := s.inbox.items[i]
		if in.Platform != "weibo" || in.Account != strconv.FormatInt(uid, 10) || in.ID <= since || (maxID > 0 && in.ID > maxID) {
			continue
		}
		if total++; total > skip && len(out) < min(count, 200) {
			out = append(out, s.wbCommentJSON(in))
		}
	}
	return answer{200, map[string]any{"comments": out, "total_number": total, "previous_cursor": 0, "next_cursor": 0}}
}

// wbCommentReply answers a comment as the account: a new comment of its
// own, so answering twice makes a duplicate.
func (s *Server) wbCommentReply(r *http.Request, uid int64) answer {
	cid, _ := strconv.ParseInt(r.Form.Get("cid"), 10, 64)
	in := s.findInbound("weibo", cid)
	text := r.Form.Get("comment")
	switch {
	case in == nil || in.Account != strconv.FormatInt(uid, 10):
		return wbErr(r, 400, 20206, "Target weibo comment does not exist!")
	case in.PostID != r.Form.Get("id"):
		return wbErr(r, 400, 20101, "Target weibo does not exist!")
	case text == "" || len([]rune(text)) > 140:
		return wbErr(r, 400, 10017, "parameter (comment)'s value invalid, see doc for more info")
	}
	rp := s.reply("weibo", in.Account, strconv.FormatInt(cid, 10), text)
	mine := &Inbound{ID: s.nextID() * 1000, Platform: "weibo", PostID: in.PostID, User: in.Account, Text: text, At: rp.At}
	c := s.wbCommentJSON(mine)
	c["reply_comment"] = s.wbCommentJSON(in)
	return answer{200, c}
}
