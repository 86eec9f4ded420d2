package sim

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// dyRequest is what a Douyin request carried, read before the lock: a
// JSON body, a form, or the digest of an uploaded file (videos are not
// kept, only their size and SHA-256).
type dyRequest struct {
	json []byte
	file *dyFile
	err  error
}

type dyFile struct {
	field, contentType string
	size               int64
	sum                [32]byte
}

func readDouyinRequest(r *http.Request) *dyRequest {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	in := &dyRequest{}
	switch ct {
	case "multipart/form-data":
		in.file, in.err = readDouyinFile(r)
	case "application/x-www-form-urlencoded":
		in.err = r.ParseForm()
	case "application/json":
		in.json, in.err = io.ReadAll(io.LimitReader(r.Body, 1<<20))
	}
	return in
}

// readDouyinFile digests the first file part of a multipart body.
func readDouyinFile(r *http.Request) (*dyFile, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, err
	}
	for {
		part, err := mr.NextPart()
		if err != nil {
			return nil, errors.New("缺少文件")
		}
		if part.FileName() == "" {
			continue
		}
		h := sha256.New()
		n, err := io.Copy(h, part)
		if err != nil {
			return nil, fmt.Errorf("文件不完整：%w", err)
		}
		f := &dyFile{field: part.FormName(), contentType: part.Header.Get("Content-Type"), size: n}
		copy(f.sum[:], h.Sum(nil))
		return f, nil
	}
}

// fileAs checks that a request uploaded field with a content type of
// kind ("video/" or "image/").
func (in *dyRequest) fileAs(field, kind string) (*dyFile, *answer) {
	var refused answer
	switch f := in.file; {
	case f == nil || f.field != field:
		refused = dyErr(2100005, "参数不合法：缺少 "+field)
	case !strings.HasPrefix(f.contentType, kind):
		refused = dyErr(2100005, "unsupported content type "+f.contentType)
	default:
		return f, nil
	}
	return nil, &refused
}

// dyVideo is an uploaded video; a video makes at most one post.
type dyVideo struct {
	id, openID, digest string
	used               bool
}

// dyImage is an uploaded image.
type dyImage struct{ openID, digest string }

// dyUpload is a chunked upload: the parts received so far.
type dyUpload struct {
	id, openID string
	at         time.Time
	parts      map[int]dyFile
	received   map[int]int
	video      string // video_id, once completed
}

// DouyinUpload is one chunked upload as the simulator received it.
type DouyinUpload struct {
	ID        string      `json:"upload_id"`
	Account   string      `json:"open_id"`
	Received  map[int]int `json:"received"` // part number → times a part was received
	Completed bool        `json:"completed"`
}

// DouyinUploads lists the chunked uploads, oldest first.
func (s *Server) DouyinUploads() []DouyinUpload {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []DouyinUpload{}
	for _, u := range s.douyin.uploads {
		rec := map[int]int{}
		for n, c := range u.received {
			rec[n] = c
		}
		out = append(out, DouyinUpload{ID: u.id, Account: u.openID, Received: rec, Completed: u.video != ""})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func (s *Server) dyNewVideo(openID, digest string) map[string]any {
	v := &dyVideo{id: fmt.Sprintf("v0200fg%013d", s.nextID()), openID: openID, digest: digest}
	s.douyin.videos[v.id] = v
	return map[string]any{"video": map[string]any{"video_id": v.id, "width": 1080, "height": 1920}}
}

// dyUploadVideo takes a whole video up to SimpleMax.
func (s *Server) dyUploadVideo(_ *http.Request, openID string, in *dyRequest) answer {
	f, refused := in.fileAs("video", "video/")
	switch {
	case refused != nil:
		return *refused
	case f.size > s.douyin.opts.SimpleMax:
		return dyErr(2190005, "视频文件太大了，请使用分片上传")
	}
	return dyOK(s.dyNewVideo(openID, hex.EncodeToString(f.sum[:])))
}

func (s *Server) dyInitUpload(_ *http.Request, openID string, _ *dyRequest) answer {
	u := &dyUpload{id: fmt.Sprintf("upl%013d", s.nextID()), openID: openID, at: s.now(), parts: map[int]dyFile{}, received: map[int]int{}}
	s.douyin.uploads[u.id] = u
	return dyOK(map[string]any{"upload_id": u.id})
}

// dyOpenUpload finds the live upload a request names.
func (s *Server) dyOpenUpload(r *http.Request, openID string) (*dyUpload, *answer) {
	u := s.douyin.uploads[r.URL.Query().Get("upload_id")]
	var refused answer
	switch {
	case u == nil || u.openID != openID:
		refused = dyErr(2100005, "参数不合法：upload_id 无效")
	case s.now().Sub(u.at) > s.douyin.opts.UploadTTL:
		refused = dyErr(2100005, "参数不合法：upload_id 已过期")
	default:
		return u, nil
	}
	return nil, &refused
}

// dyUploadPart stores one part; sending a part again replaces it.
func (s *Server) dyUploadPart(r *http.Request, openID string, in *dyRequest) answer {
	u, refused := s.dyOpenUpload(r, openID)
	if refused != nil {
		return *refused
	}
	f, refused := in.fileAs("video", "video/")
	if refused != nil {
		return *refused
	}
	n, err := strconv.Atoi(r.URL.Query().Get("part_number"))
	switch {
	case err != nil || n < 1:
		return dyErr(2100005, "参数不合法：part_number")
	case f.size > s.douyin.opts.PartMax:
		return dyErr(2100005, fmt.Sprintf("参数不合法：分片不能大于 %d 字节", s.douyin.opts.PartMax))
	}
	u.parts[n] = *f
	u.received[n]++
	return dyOK(nil)
}

// dyCompleteUpload joins parts 1…N into a video; completing again
// answers the same video.
func (s *Server) dyCompleteUpload(r *http.Request, openID string, _ *dyRequest) answer {
	u, refused := s.dyOpenUpload(r, openID)
	if refused != nil {
		return *refused
	}
	if u.video != "" {
		return dyOK(map[string]any{"video": map[string]any{"video_id": u.video, "width": 1080, "height": 1920}})
	}
	h := sha256.New()
	for n := 1; n <= len(u.parts); n++ {
		p, ok := u.parts[n]
		switch {
		case !ok:
			return dyErr(2100005, fmt.Sprintf("参数不合法：缺少第 %d 个分片", n))
		case n < len(u.parts) && p.size < s.douyin.opts.PartMin:
			return dyErr(2100005, fmt.Sprintf("参数不合法：第 %d 个分片小于 %d 字节", n, s.douyin.opts.PartMin))
		}
		h.Write(p.sum[:])
	}
	if len(u.parts) == 0 {
		return dyErr(2100005, "参数不合法：没有分片")
	}
	out := s.dyNewVideo(openID, hex.EncodeToString(h.Sum(nil)))
	u.video = out["video"].(map[string]any)["video_id"].(string)
	return dyOK(out)
}

func (s *Server) dyUploadImage(_ *http.Request, openID string, in *dyRequest) answer {
	f, refused := in.fileAs("image", "image/")
	if refused != nil {
		return *refused
	}
	switch {
	case f.contentType != "image/jpeg" && f.contentType != "image/png":
		return dyErr(2100005, "参数不合法：图片仅支持 jpg、png 格式")
	case f.size >= DouyinImageMax:
		return dyErr(2100005, fmt.Sprintf("参数不合法：图片大小须小于 %d 字节", DouyinImageMax))
	}
	id := fmt.Sprintf("@img%013d", s.nextID())
	s.douyin.images[id] = &dyImage{openID: openID, digest: hex.EncodeToString(f.sum[:])}
	return dyOK(map[string]any{"image": map[string]any{"image_id": id, "width": 1080, "height": 1440}})
}

// decode reads the JSON body into v.
func (in *dyRequest) decode(v any) *answer {
	if err := json.Unmarshal(in.json, v); err != nil {
		a := dyErr(2100005, "参数不合法：请求体不是 JSON")
		return &a
	}
	return nil
}

// DouyinImageMax is the size an uploaded image must stay under: the
// limit of Douyin's image uploads (5 MB), which the media library's
// "douyin" copy keeps.
const DouyinImageMax = 5_000_000

// DouyinImages counts the images uploaded to Douyin by the SHA-256 (hex)
// of their bytes.
func (s *Server) DouyinImages() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for _, img := range s.douyin.images {
		out[img.digest]++
	}
	return out
}
