package sim

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
)

// dyReply is an account's answer to a comment: a reply under it.
type dyReply struct {
	id      string
	openID  string
	itemID  string
	comment string // the comment answered
	text    string
	at      int64
}

// raiseDouyin attaches a comment to an item (holding s.mu). Douyin pushes
// comment events only to subscribed apps; Tongfa polls item/comment/list.
func (s *Server) raiseDouyin(in *Inbound) error {
	if in.Kind != "comment" {
		return errors.New("douyin items are comments")
	}
	for _, it := range s.douyin.items {
		if it.id == in.PostID && !it.deleted {
			in.Account = it.openID
			return nil
		}
	}
	return errors.New("no such item")
}

// dyUserID is the open_id a commenting user has towards our app.
func dyUserID(user string) string {
	sum := sha256.Sum256([]byte(user))
	return "ou-" + hex.EncodeToString(sum[:8])
}

// dyPage is one page of a list: cursor is the offset, count bounded by
// most (default 10).
type dyPage struct {
	cursor, count, seen int
	list                []map[string]any
}

func newDyPage(r *http.Request, most int) *dyPage {
	q := r.URL.Query()
	cursor, _ := strconv.Atoi(q.Get("cursor"))
	count, _ := strconv.Atoi(q.Get("count"))
	return &dyPage{cursor: max(cursor, 0), count: min(orInt(count, 10), most), list: []map[string]any{}}
}

func (p *dyPage) add(render func() map[string]any) {
	if p.seen++; p.seen > p.cursor && len(p.list) < p.count {
		p.list = append(p.list, render())
	}
}

func (p *dyPage) answer() answer {
	next := p.cursor + len(p.list)
	return dyOK(map[string]any{"list": p.list, "cursor": next, "has_more": next < p.seen})
}

// ordered walks n positions oldest first, or newest first unless
// sort_type is time_asc (Douyin's default order is newest first).
func ordered(r *http.Request, n int, visit func(i int)) {
	if r.URL.Query().Get("sort_type") == "time_asc" {
		for i := range n {
			visit(i)
		}
		return
	}
	for i := n - 1; i >= 0; i-- {
		visit(i)
	}
}

// dyComments lists the comments on one of the account's items.
func (s *Server) dyComments(r *http.Request, openID string, _ *dyRequest) answer {
	itemID := r.URL.Query().Get("item_id")
	if s.dyItem(openID, itemID) == nil {
		return dyErr(2111007, "获取视频失败")
	}
	pg := newDyPage(r, 50)
	ordered(r, len(s.inbox.items), func(i int) {
		if in := s.inbox.items[i]; in.Platform == "douyin" && in.PostID == itemID {
			pg.add(func() map[string]any { return s.dyCommentJSON(in, itemID) })
		}
	})
	return pg.answer()
}

func (s *Server) dyCommentJSON(in *Inbound, itemID string) map[string]any {
	n := 0
	for _, rp := range s.douyin.mine {
		if rp.itemID == itemID && rp.comment == strconv.FormatInt(in.ID, 10) {
			n++
		}
	}
	return map[string]any{"comment_id": strconv.FormatInt(in.ID, 10), "comment_user_id": dyUserID(in.User), "nick_name": in.User,
		"content": in.Text, "create_time": in.At.Unix(), "digg_count": 0, "reply_comment_total": n, "top": false}
}

// dyReplyComment answers a comment as the account; answering twice makes
// two replies.
func (s *Server) dyReplyComment(_ *http.Request, openID string, in *dyRequest) answer {
	var body struct {
		ItemID    string `json:"item_id"`
		CommentID string `json:"comment_id"`
		Content   string `json:"content"`
	}
	if refused := in.decode(&body); refused != nil {
		return *refused
	}
	id, _ := strconv.ParseInt(body.CommentID, 10, 64)
	c := s.findInbound("douyin", id)
	switch {
	case s.dyItem(openID, body.ItemID) == nil:
		return dyErr(2111007, "获取视频失败")
	case c == nil:
		return dyErr(2111003, "无效的评论")
	case c.PostID != body.ItemID:
		return dyErr(2111004, "非本视频评论")
	case body.Content == "":
		return dyErr(2100005, "参数不合法：content")
	}
	s.reply("douyin", openID, body.CommentID, body.Content)
	rp := &dyReply{id: strconv.FormatInt(s.nextID(), 10), openID: openID, itemID: body.ItemID, comment: body.CommentID,
		text: body.Content, at: s.now().Unix()}
	s.douyin.mine = append(s.douyin.mine, rp)
	return dyOK(map[string]any{"comment_id": rp.id})
}

// dyReplies lists the replies under a comment (the simulator knows only
// the account's own).
func (s *Server) dyReplies(r *http.Request, openID string, _ *dyRequest) answer {
	q := r.URL.Query()
	if s.dyItem(openID, q.Get("item_id")) == nil {
		return dyErr(2111007, "获取视频失败")
	}
	pg := newDyPage(r, 50)
	ordered(r, len(s.douyin.mine), func(i int) {
		if rp := s.douyin.mine[i]; rp.itemID == q.Get("item_id") && rp.comment == q.Get("comment_id") {
			pg.add(func() map[string]any {
				return map[string]any{"comment_id": rp.id, "comment_user_id": rp.openID, "content": rp.text,
					"create_time": rp.at, "digg_count": 0, "reply_comment_total": 0, "top": false}
			})
		}
	})
	return pg.answer()
}
