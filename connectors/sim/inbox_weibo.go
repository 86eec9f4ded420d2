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
	pg := newWbPage(r)
	for i := len(s.inbox.items) - 1; i >= 0; i-- {
		in := s.inbox.items[i]
		if in.Platform == "weibo" && in.Account == strconv.FormatInt(uid, 10) && in.ID > since && (maxID == 0 || in.ID <= maxID) {
			pg.add(func() map[string]any { return s.wbCommentJSON(in) })
		}
	}
	return pg.answer()
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
	s.weibo.mine = append(s.weibo.mine, wbReply{uid: uid, c: mine, to: in})
	return answer{200, s.wbReplyJSON(s.weibo.mine[len(s.weibo.mine)-1])}
}

func (s *Server) wbReplyJSON(rp wbReply) map[string]any {
	c := s.wbCommentJSON(rp.c)
	c["reply_comment"] = s.wbCommentJSON(rp.to)
	return c
}

// wbCommentsByMe lists the comments the user wrote, newest first, paged
// like comments/to_me.
func (s *Server) wbCommentsByMe(r *http.Request, uid int64) answer {
	pg := newWbPage(r)
	for i := len(s.weibo.mine) - 1; i >= 0; i-- {
		if rp := s.weibo.mine[i]; rp.uid == uid {
			pg.add(func() map[string]any { return s.wbReplyJSON(rp) })
		}
	}
	return pg.answer()
}

// wbPage is one page of a comments list: count (≤ 200, default 50) per
// page, pages from 1, total_number counting every match.
type wbPage struct {
	skip, count, total int
	out                []map[string]any
}

func newWbPage(r *http.Request) *wbPage {
	count, _ := strconv.Atoi(r.Form.Get("count"))
	if count <= 0 {
		count = 50
	}
	count = min(count, 200)
	page, _ := strconv.Atoi(r.Form.Get("page"))
	return &wbPage{skip: (max(page, 1) - 1) * count, count: count, out: []map[string]any{}}
}

// add counts a match and renders it when it falls on the page.
func (p *wbPage) add(render func() map[string]any) {
	if p.total++; p.total > p.skip && len(p.out) < p.count {
		p.out = append(p.out, render())
	}
}

func (p *wbPage) answer() answer {
	return answer{200, map[string]any{"comments": p.out, "total_number": p.total, "previous_cursor": 0, "next_cursor": 0}}
}
