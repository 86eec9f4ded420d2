package web

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"strings"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/media"
)

// uploadOverhead is what a multipart body may carry besides the file: its
// part headers and boundaries.
const uploadOverhead = 64 << 10

var errNoFilePart = &tongfa.Error{Code: tongfa.EInvalid, Message: "请选择要上传的文件",
	Fields: map[string]string{"file": "请求中没有名为 file 的文件"}}

// handleUpload stores the file part of a multipart/form-data body in the
// unit's library (?unit_id=, else the editor's own unit). The file is
// streamed to the service, which bounds it by type; its type is decided
// from its bytes.
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) {
	unit, err := optionalUnit(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, media.DefaultLimits.Video+uploadOverhead)
	part, err := filePart(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	defer part.Close()
	o, err := s.Media.UploadAs(r.Context(), principal(r), unit, part.FileName(), part)
	if mbe := new(http.MaxBytesError); errors.As(err, &mbe) {
		err = tongfa.Errorf(tongfa.ETooLarge, "文件过大")
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, o)
}

// filePart returns the part named file of a multipart/form-data body.
func filePart(r *http.Request) (*multipart.Part, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		return nil, tongfa.Errorf(tongfa.EUnsupported, "请以 multipart/form-data 上传文件")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, tongfa.Errorf(tongfa.EBadMessage, "上传的表单无法读取")
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil, errNoFilePart
		}
		if err != nil {
			return nil, tongfa.Errorf(tongfa.EBadMessage, "上传的表单无法读取")
		}
		if p.FormName() == "file" {
			return p, nil
		}
		p.Close()
	}
}

func optionalUnit(r *http.Request) (int64, error) {
	if !r.URL.Query().Has("unit_id") {
		return 0, nil
	}
	u, err := queryInt(r, "unit_id", 0, 0)
	return int64(u), err
}

type mediaList struct {
	Files   []*tongfa.MediaObject `json:"files"`
	Page    int                   `json:"page"`
	PerPage int                   `json:"per_page"`
	Total   int                   `json:"total"`
}

// handleListMedia lists the files of the units the caller may read.
func (s *Server) handleListMedia(w http.ResponseWriter, r *http.Request) {
	unit, err := optionalUnit(r)
	var page, per int
	if err == nil {
		page, err = queryInt(r, "page", 1, 100000)
	}
	if err == nil {
		per, err = queryInt(r, "per_page", 20, 100)
	}
	var list []*tongfa.MediaObject
	var total int
	if err == nil {
		list, total, err = s.Media.List(r.Context(), principal(r), unit, page, per)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if list == nil {
		list = []*tongfa.MediaObject{}
	}
	writeJSON(w, http.StatusOK, mediaList{Files: list, Page: page, PerPage: per, Total: total})
}

// pathHash parses the {hash} path variable; a malformed one is not found.
func pathHash(r *http.Request) (tongfa.MediaHash, error) {
	h, err := tongfa.ParseMediaHash(varsOf(r)["hash"])
	if err != nil {
		return h, tongfa.Errorf(tongfa.ENotFound, "文件不存在")
	}
	return h, nil
}

func (s *Server) handleGetMedia(w http.ResponseWriter, r *http.Request) {
	s.answerHash(w, r, func(h tongfa.MediaHash) (any, error) { return s.Media.Get(r.Context(), principal(r), h) })
}

// answerHash answers with what f returns for the {hash} of the path.
func (s *Server) answerHash(w http.ResponseWriter, r *http.Request, f func(tongfa.MediaHash) (any, error)) {
	h, err := pathHash(r)
	var v any
	if err == nil {
		v, err = f(h)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// describeRequest is PUT /api/v1/media/{hash}.
type describeRequest struct {
	Alt     string `json:"alt" validate:"max=500"`
	Caption string `json:"caption" validate:"max=1000"`
}

var describeLabels = map[string]string{"alt": "替代文字", "caption": "图片说明"}

func (s *Server) handleDescribeMedia(w http.ResponseWriter, r *http.Request) {
	var req describeRequest
	h, err := pathHash(r)
	if err == nil {
		err = s.decodeValid(w, r, &req, describeLabels)
	}
	var o *tongfa.MediaObject
	if err == nil {
		o, err = s.Media.Describe(r.Context(), principal(r), h, strings.TrimSpace(req.Alt), strings.TrimSpace(req.Caption))
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

// handleCheckMedia checks a file as an attachment: findings located by
// cell, paragraph or page; a picture's QR codes against the allowed domains.
func (s *Server) handleCheckMedia(w http.ResponseWriter, r *http.Request) {
	s.answerHash(w, r, func(h tongfa.MediaHash) (any, error) {
		return s.Media.Check(r.Context(), principal(r), h, media.CheckOptions{Allowed: s.Config.LinkDomains})
	})
}

// handleMaskAttachment replaces an item's attachment with a masked copy,
// as a new version of the item.
func (s *Server) handleMaskAttachment(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	var h tongfa.MediaHash
	if err == nil {
		h, err = pathHash(r)
	}
	var it *tongfa.Item
	if err == nil {
		it, err = s.Items.MaskAttachment(r.Context(), principal(r), id, h)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, it)
}

// handleServeMedia serves a stored file at /media/{hash}: to anyone once
// published, before that to those who may read it (session or token).
// Only the sniffed type is sent, never HTML or SVG, documents as downloads.
func (s *Server) handleServeMedia(w http.ResponseWriter, r *http.Request) {
	h, err := pathHash(r)
	var p *access.Principal
	if err == nil && hasCredentials(r) {
		p, err = s.authenticate(r)
	}
	var o *tongfa.MediaObject
	var body io.ReadSeekCloser
	if err == nil {
		o, body, err = s.Media.Open(r.Context(), p, h)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	defer body.Close()
	hd := w.Header()
	hd.Set("Content-Type", o.Type.MIME())
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("ETag", `"`+h.String()+`"`)
	if o.Published && p == nil {
		hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hd.Set("Cache-Control", "private, no-store")
	}
	disposition := "inline"
	if !o.Type.Image() {
		disposition = "attachment"
	}
	hd.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": fileName(o)}))
	http.ServeContent(w, r, "", o.CreatedAt, body)
}

// hasCredentials reports whether r says who it is (a bearer token or the
// console's session cookie).
func hasCredentials(r *http.Request) bool {
	if r.Header.Get("Authorization") != "" {
		return true
	}
	_, err := r.Cookie(SessionCookie)
	return err == nil
}

// fileName is the name a download gets: the uploaded name with the
// extension of its real type.
func fileName(o *tongfa.MediaObject) string {
	name := strings.TrimSuffix(o.Name, path.Ext(o.Name))
	if name == "" {
		name = o.Hash.String()[:12]
	}
	return name + o.Type.Ext()
}
