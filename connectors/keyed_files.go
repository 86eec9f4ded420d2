package connectors

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/tongfa/tongfa"
)

// keyedAttachment is an attachment as the article names it, after upload.
type keyedAttachment struct {
	Name string `json:"name"`
	Type string `json:"type"`
	URL  string `json:"url"`
}

// keyedFileBody is an upload of a picture or attachment, idempotent by key.
type keyedFileBody struct {
	Key    string `json:"key"`
	SentAt int64  `json:"sent_at"`
	Name   string `json:"name"`
	Type   string `json:"type"`
	Data   string `json:"data"` // base64
}

// keyedMedia is what the article refers to once the library's files are
// uploaded: every /media/ reference's URL on the platform, and the
// attachments.
type keyedMedia struct {
	urls        map[string]string // /media/<hash> → the platform's URL
	attachments []keyedAttachment
}

// uploadFiles uploads the library's files the payload uses — pictures in
// the body and the cover as the platform's copy, attachments as stored —
// each once per delivery (step file:<hash>), and returns their URLs.
func (k *KeyedAPI) uploadFiles(ctx context.Context, p *Post, s Steps) (*keyedMedia, error) {
	pl := p.Payload
	m := &keyedMedia{urls: map[string]string{}}
	pics := tongfa.BodyMedia(pl.HTML)
	if h, ok := tongfa.ParseMediaRef(pl.Cover); ok {
		pics = append(pics, h)
	}
	if len(pics)+len(pl.Attachments) == 0 {
		return m, nil
	}
	if k.Library == nil {
		return nil, &Error{Class: Permanent, Platform: string(k.Platform), Code: "media_unavailable", Message: "本进程未接入媒体库，无法发送稿件中的图片和附件"}
	}
	for _, h := range pics {
		_, url, err := k.uploadFile(ctx, p, s, h, true)
		if err != nil {
			return nil, err
		}
		m.urls[h.Ref()] = url
	}
	for _, h := range pl.Attachments {
		f, url, err := k.uploadFile(ctx, p, s, h, false)
		if err != nil {
			return nil, err
		}
		m.attachments = append(m.attachments, keyedAttachment{Name: f.Name, Type: f.Type.MIME(), URL: url})
	}
	return m, nil
}

// uploadFile uploads library file h (a picture as the platform's copy)
// unless an earlier attempt did.
func (k *KeyedAPI) uploadFile(ctx context.Context, p *Post, s Steps, h tongfa.MediaHash, picture bool) (MediaFile, string, error) {
	var f MediaFile
	var err error
	if picture {
		f, err = k.Library.Picture(ctx, h, k.Picture)
	} else {
		f, err = k.Library.File(ctx, h)
	}
	if err != nil {
		return f, "", MediaError(string(k.Platform), h, err)
	}
	step := "file:" + h.String()
	if url, ok := s.Get(step); ok {
		return f, url, nil
	}
	body, _ := json.Marshal(keyedFileBody{Key: p.Key + "/" + h.String(), SentAt: k.now().Unix(), Name: f.Name,
		Type: f.Type.MIME(), Data: base64.StdEncoding.EncodeToString(f.Data)})
	var out keyedPost
	if err := k.call(ctx, http.MethodPost, p.Account, k.filesPath(), "", body, &out); err != nil {
		return f, "", err
	}
	return f, out.URL, NoteSteps(ctx, s, step, out.URL)
}

func (k *KeyedAPI) filesPath() string {
	if k.FilesPath == "" {
		return "/files"
	}
	return k.FilesPath
}

// rewrite points the library's references in html at the platform's URLs.
func (m *keyedMedia) rewrite(html string) string {
	for ref, url := range m.urls {
		html = strings.ReplaceAll(html, `"`+ref+`"`, `"`+url+`"`)
	}
	return html
}

// cover is the platform's URL of a library cover, or the cover as it is.
func (m *keyedMedia) cover(c string) string {
	if url, ok := m.urls[c]; ok {
		return url
	}
	return c
}
