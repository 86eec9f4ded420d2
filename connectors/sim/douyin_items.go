package sim

import (
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// Media types of Douyin items.
const (
	dyImagePost = 2
	dyVideoPost = 4
)

// dyItem is a post (Douyin calls it an item, 作品).
type dyItem struct {
	id, openID, text string
	media            int
	created          time.Time
	deleted          bool
	post             *Post
}

// dyLimited applies the per-account post limit: it answers 2190001 when
// openID has used up its posts of the window, and counts this one
// otherwise.
func (s *Server) dyLimited(openID string) *answer {
	o := s.douyin.opts
	recent := s.douyin.posted[openID][:0]
	for _, at := range s.douyin.posted[openID] {
		if s.now().Sub(at) < o.PostWindow {
			recent = append(recent, at)
		}
	}
	s.douyin.posted[openID] = recent
	if len(recent) >= o.PostLimit {
		a := dyErr(2190001, "quota已用完")
		return &a
	}
	s.douyin.posted[openID] = append(recent, s.now())
	return nil
}

// dyCheckText refuses a text create_video and create_image_text refuse.
func dyCheckText(text string) *answer {
	if n := utf8.RuneCountInString(text); n > 1000 {
		a := dyErr(2100005, fmt.Sprintf("参数不合法：text 超过 1000 字（%d 字）", n))
		return &a
	}
	return nil
}

// dyCreateVideo posts an uploaded video, which is used up by it.
func (s *Server) dyCreateVideo(r *http.Request, openID string, in *dyRequest) answer {
	var body struct {
		VideoID string  `json:"video_id"`
		Text    string  `json:"text"`
		Cover   string  `json:"custom_cover_image_url"`
		CoverAt float64 `json:"cover_tsp"`
	}
	if refused := in.decode(&body); refused != nil {
		return *refused
	}
	v := s.douyin.videos[body.VideoID]
	switch {
	case v == nil || v.openID != openID || v.used:
		return dyErr(2190007, "无效的视频文件 ID")
	case body.Cover != "" && (s.douyin.images[body.Cover] == nil || s.douyin.images[body.Cover].openID != openID):
		return dyErr(2100005, "参数不合法：custom_cover_image_url")
	}
	if refused := dyCheckText(body.Text); refused != nil {
		return *refused
	}
	if refused := s.dyLimited(openID); refused != nil {
		return *refused
	}
	v.used = true
	return s.dyCreate(r, openID, body.Text, dyVideoPost, v.digest)
}

// dyCreateImages posts 1 to 30 uploaded images.
func (s *Server) dyCreateImages(r *http.Request, openID string, in *dyRequest) answer {
	var body struct {
		Images []string `json:"image_list"`
		Text   string   `json:"text"`
	}
	if refused := in.decode(&body); refused != nil {
		return *refused
	}
	if len(body.Images) == 0 || len(body.Images) > 30 {
		return dyErr(2100005, "参数不合法：image_list 须为 1 至 30 张图片")
	}
	digests := make([]string, len(body.Images))
	for i, id := range body.Images {
		img := s.douyin.images[id]
		if img == nil || img.openID != openID {
			return dyErr(2100005, "参数不合法：image_list 中的图片无效")
		}
		digests[i] = img.digest
	}
	if refused := dyCheckText(body.Text); refused != nil {
		return *refused
	}
	if refused := s.dyLimited(openID); refused != nil {
		return *refused
	}
	return s.dyCreate(r, openID, body.Text, dyImagePost, strings.Join(digests, ","))
}

// dyCreate records an item; the same text with the same media again is
// counted as a duplicate.
func (s *Server) dyCreate(r *http.Request, openID, text string, media int, digest string) answer {
	it := &dyItem{id: fmt.Sprintf("@9Vw%013d", s.nextID()), openID: openID, text: text, media: media, created: s.now()}
	it.post = s.record(&Post{Platform: "douyin", Account: openID, ID: it.id, Title: headline(text), Text: text,
		URL: base(r) + "/douyin/share/video/" + it.id, content: text + "\x00" + digest})
	s.douyin.items = append(s.douyin.items, it)
	return dyOK(map[string]any{"item_id": it.id})
}

func (s *Server) dyItemJSON(r *http.Request, it *dyItem) map[string]any {
	return map[string]any{"item_id": it.id, "title": it.text, "create_time": it.created.Unix(), "media_type": it.media,
		"share_url": base(r) + "/douyin/share/video/" + it.id, "cover": base(r) + "/douyin/share/video/" + it.id + "/cover",
		"is_reviewed": true, "is_top": false, "video_status": 5,
		"statistics": map[string]any{"comment_count": 0, "digg_count": 0, "download_count": 0, "play_count": 0, "share_count": 0, "forward_count": 0}}
}

// dyVideoList lists the account's items newest first: cursor is the
// offset, count at most 20 (default 10).
func (s *Server) dyVideoList(r *http.Request, openID string, _ *dyRequest) answer {
	pg := newDyPage(r, 20)
	for i := len(s.douyin.items) - 1; i >= 0; i-- {
		if it := s.douyin.items[i]; it.openID == openID && !it.deleted {
			pg.add(func() map[string]any { return s.dyItemJSON(r, it) })
		}
	}
	return pg.answer()
}

// dyVideoData answers the account's live items among item_ids.
func (s *Server) dyVideoData(r *http.Request, openID string, in *dyRequest) answer {
	var body struct {
		ItemIDs []string `json:"item_ids"`
	}
	if refused := in.decode(&body); refused != nil {
		return *refused
	}
	list := []map[string]any{}
	for _, id := range body.ItemIDs {
		if it := s.dyItem(openID, id); it != nil {
			list = append(list, s.dyItemJSON(r, it))
		}
	}
	return dyOK(map[string]any{"list": list})
}

// dyItem finds a live item of openID (holding s.mu).
func (s *Server) dyItem(openID, id string) *dyItem {
	for _, it := range s.douyin.items {
		if it.id == id && it.openID == openID && !it.deleted {
			return it
		}
	}
	return nil
}

func (s *Server) dyDelete(_ *http.Request, openID string, in *dyRequest) answer {
	var body struct {
		ItemID string `json:"item_id"`
	}
	if refused := in.decode(&body); refused != nil {
		return *refused
	}
	it := s.dyItem(openID, body.ItemID)
	if it == nil {
		return dyErr(2100005, "参数不合法：item_id 无效")
	}
	it.deleted, it.post.Deleted = true, true
	return dyOK(nil)
}

// douyinPage is an item as viewers see it, or its cover.
func (s *Server) douyinPage(w http.ResponseWriter, id string) {
	id, cover := strings.CutSuffix(id, "/cover")
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, it := range s.douyin.items {
		switch {
		case it.id != id || it.deleted:
		case cover:
			w.Header().Set("Content-Type", "image/png")
			w.Write(placeholderPNG) //nolint:errcheck
			return
		default:
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprintln(w, it.text)
			return
		}
	}
	http.Error(w, "作品不存在", http.StatusNotFound)
}
