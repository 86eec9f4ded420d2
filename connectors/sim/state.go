package sim

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// stateVersion is the format Save writes; Load refuses any other.
const stateVersion = 1

// snapshot is what Save keeps: every post and what its public page and
// the platforms' read APIs show. Tokens, drafts, uploads, faults, inbound
// items, replies and call counts are not kept: clients fetch new tokens
// after a restart, and the rest belongs to one run of a test or demo.
// Posts refer to each other by their index in Posts.
type snapshot struct {
	Version int             `json:"version"`
	Seq     int64           `json:"seq"`
	Posts   []savedPost     `json:"posts"`
	WeChat  []savedArticle  `json:"wechat,omitempty"`
	Mass    []savedMass     `json:"wechat_mass,omitempty"`
	Weibo   []savedStatus   `json:"weibo,omitempty"`
	App     []savedKeyed    `json:"app,omitempty"`
	Website []savedKeyed    `json:"website,omitempty"`
	Douyin  []savedDouyinIt `json:"douyin,omitempty"`
}

type savedPost struct {
	Post
	Content string `json:"content"`
}

type savedArticle struct {
	ID, AppID, URL string
	News           wxNews
	At             int64
	Deleted        bool
	Post           int
}

type savedMass struct {
	ID, DataID         int64
	AppID, ClientMsgID string
	At                 time.Time
	Base               string
	News               []wxNews
	State, Status      string
	Check              int
	Counts             [4]int
	Post               int
}

type savedStatus struct {
	ID, UID int64
	Text    string
	Created time.Time
	Deleted bool
	Post    int
}

type savedKeyed struct {
	keyedPost
	HTML string
	Post int
}

type savedDouyinIt struct {
	ID, OpenID, Text string
	Media            int
	Created          time.Time
	Deleted          bool
	Post             int
}

// Save writes the simulator's posts and pages as JSON, so that a
// simulator restarted with Load still serves every link it handed out.
func (s *Server) Save(w io.Writer) error {
	s.mu.Lock()
	snap := s.snapshot()
	s.mu.Unlock()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(snap)
}

// snapshot copies the state Save keeps (holding s.mu).
func (s *Server) snapshot() snapshot {
	index := make(map[*Post]int, len(s.posts))
	snap := snapshot{Version: stateVersion, Seq: s.seq, Posts: make([]savedPost, len(s.posts))}
	for i, p := range s.posts {
		index[p] = i
		snap.Posts[i] = savedPost{Post: *p, Content: p.content}
	}
	ref := func(p *Post) int {
		if i, ok := index[p]; ok {
			return i
		}
		return -1
	}
	for _, a := range s.wechat.articles {
		snap.WeChat = append(snap.WeChat, savedArticle{a.id, a.appID, a.url, a.news, a.at, a.deleted, ref(a.post)})
	}
	for _, j := range s.wechat.mass {
		if j.post != nil && j.state != massAwaiting {
			snap.Mass = append(snap.Mass, savedMass{j.id, j.dataID, j.appID, j.clientMsgID, j.at, j.base, j.news,
				j.state, j.status, j.check, j.counts, ref(j.post)})
		}
	}
	for _, st := range s.weibo.statuses {
		snap.Weibo = append(snap.Weibo, savedStatus{st.id, st.uid, st.text, st.created, st.deleted, ref(st.post)})
	}
	snap.App, snap.Website = savedKeyedPosts(s.app, ref), savedKeyedPosts(s.website, ref)
	for _, it := range s.douyin.items {
		snap.Douyin = append(snap.Douyin, savedDouyinIt{it.id, it.openID, it.text, it.media, it.created, it.deleted, ref(it.post)})
	}
	return snap
}

func savedKeyedPosts(st *keyedState, ref func(*Post) int) []savedKeyed {
	var out []savedKeyed
	for _, p := range st.byID {
		out = append(out, savedKeyed{keyedPost: *p, HTML: p.html, Post: ref(p.post)})
	}
	// Creation order, as the posts were made: the same state saves the same.
	slices.SortFunc(out, func(a, b savedKeyed) int { return cmp.Or(a.Post-b.Post, strings.Compare(a.ID, b.ID)) })
	return out
}

// Load replaces the simulator's state with what Save wrote; faults and
// everything Save does not keep start afresh.
func (s *Server) Load(r io.Reader) error {
	var snap snapshot
	if err := json.NewDecoder(r).Decode(&snap); err != nil {
		return fmt.Errorf("sim: read state: %w", err)
	}
	if snap.Version != stateVersion {
		return fmt.Errorf("sim: state version %d, want %d", snap.Version, stateVersion)
	}
	if err := snap.check(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reset()
	s.restore(snap)
	return nil
}

// check refuses a snapshot referring to posts it does not have, before
// anything is replaced.
func (snap snapshot) check() error {
	var refs []int
	for _, a := range snap.WeChat {
		refs = append(refs, a.Post)
	}
	for _, m := range snap.Mass {
		refs = append(refs, m.Post)
	}
	for _, st := range snap.Weibo {
		refs = append(refs, st.Post)
	}
	for _, k := range append(slices.Clip(snap.App), snap.Website...) {
		refs = append(refs, k.Post)
	}
	for _, it := range snap.Douyin {
		refs = append(refs, it.Post)
	}
	for _, i := range refs {
		if i < -1 || i >= len(snap.Posts) {
			return fmt.Errorf("sim: state refers to post %d of %d", i, len(snap.Posts))
		}
	}
	return nil
}

// restore rebuilds the state from a checked snapshot (holding s.mu,
// after reset).
func (s *Server) restore(snap snapshot) {
	s.seq = snap.Seq
	posts := make([]*Post, len(snap.Posts))
	for i, sp := range snap.Posts {
		p := sp.Post
		p.content = sp.Content
		posts[i] = &p
		if key := p.Platform + "\x00" + p.Account + "\x00" + p.content; s.byFP[key] == nil {
			s.byFP[key] = &p
		}
	}
	s.posts = posts
	post := func(i int) *Post {
		if i < 0 {
			return nil
		}
		return posts[i]
	}
	for _, a := range snap.WeChat {
		s.wechat.articles = append(s.wechat.articles, &wxArticle{id: a.ID, appID: a.AppID, url: a.URL, news: a.News,
			at: a.At, deleted: a.Deleted, post: post(a.Post)})
	}
	for _, m := range snap.Mass {
		s.wechat.mass = append(s.wechat.mass, &wxMassJob{id: m.ID, dataID: m.DataID, appID: m.AppID, clientMsgID: m.ClientMsgID,
			at: m.At, base: m.Base, news: m.News, state: m.State, status: m.Status, check: m.Check, counts: m.Counts, post: post(m.Post)})
	}
	for _, st := range snap.Weibo {
		s.weibo.statuses = append(s.weibo.statuses, &wbStatus{id: st.ID, uid: st.UID, text: st.Text, created: st.Created,
			deleted: st.Deleted, post: post(st.Post)})
	}
	restoreKeyed(s.app, snap.App, post)
	restoreKeyed(s.website, snap.Website, post)
	for _, it := range snap.Douyin {
		s.douyin.items = append(s.douyin.items, &dyItem{id: it.ID, openID: it.OpenID, text: it.Text, media: it.Media,
			created: it.Created, deleted: it.Deleted, post: post(it.Post)})
	}
}

func restoreKeyed(st *keyedState, saved []savedKeyed, post func(int) *Post) {
	for _, k := range saved {
		p := k.keyedPost
		p.html, p.post = k.HTML, post(k.Post)
		st.byID[p.ID], st.byKey[p.Key] = &p, &p
	}
}
