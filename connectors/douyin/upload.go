package douyin

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tongfa/tongfa/connectors"
)

// uploadLife is how long an upload id is used for parts: Douyin keeps it
// two hours; the margin leaves time for the parts still to come.
const uploadLife = 100 * time.Minute

// video uploads Payload.Video once and returns its video_id: whole up to
// ChunkAbove, in parts above.
func (c *Client) video(ctx context.Context, p *connectors.Post, s connectors.Steps) (string, error) {
	if id := step(s, StepVideo); id != "" {
		return id, nil
	}
	if c.Videos == nil {
		return "", permanent("尚未接入媒体库，无法读取抖音视频")
	}
	m, err := c.Videos.Open(ctx, p.Payload.Video)
	if err != nil {
		return "", err
	}
	defer m.Close()
	if m.Size() <= 0 {
		return "", permanent("视频文件为空：" + p.Payload.Video)
	}
	var id string
	if m.Size() <= c.opts.ChunkAbove {
		id, err = c.uploadWhole(ctx, p.Account, m)
	} else {
		id, err = c.uploadParts(ctx, p.Account, m, s)
	}
	if err != nil {
		return "", harmless(err)
	}
	if id == "" {
		return "", &connectors.Error{Class: connectors.Retryable, Platform: platform, Message: "抖音应答缺少视频编号，将重新上传"}
	}
	return id, s.Save(ctx, StepVideo, id)
}

// videoAnswer is what upload_video and complete_video_part_upload say.
type videoAnswer struct {
	Video struct {
		VideoID string `json:"video_id"`
	} `json:"video"`
}

func (c *Client) uploadWhole(ctx context.Context, acc connectors.Account, m Media) (string, error) {
	var out videoAnswer
	err := c.call(ctx, acc, fileRequest(pathUploadVideo, nil, "video", videoType(m), io.NewSectionReader(m, 0, m.Size())), &out)
	return out.Video.VideoID, err
}

// uploadParts sends the parts after the last confirmed one, saving each
// confirmation, then joins them.
func (c *Client) uploadParts(ctx context.Context, acc connectors.Account, m Media, s connectors.Steps) (string, error) {
	up, err := c.upload(ctx, acc, s)
	if err != nil {
		return "", err
	}
	size, kind := m.Size(), videoType(m)
	parts := int((size + up.chunk - 1) / up.chunk)
	for n := up.done + 1; n <= parts; n++ {
		off := int64(n-1) * up.chunk
		part := io.NewSectionReader(m, off, min(up.chunk, size-off))
		q := url.Values{"upload_id": {up.id}, "part_number": {strconv.Itoa(n)}}
		if err := c.call(ctx, acc, fileRequest(pathUploadPart, q, "video", kind, part), nil); err != nil {
			return "", err
		}
		if err := s.Save(ctx, StepParts, fmt.Sprintf("%s:%d", up.id, n)); err != nil {
			return "", err
		}
	}
	var out videoAnswer
	err = c.call(ctx, acc, apiRequest{method: http.MethodPost, path: pathCompleteParts, query: url.Values{"upload_id": {up.id}}}, &out)
	return out.Video.VideoID, err
}

// upload is a chunked upload under way: its id, part size and how many
// parts Douyin confirmed.
type upload struct {
	id    string
	chunk int64
	done  int
}

// upload resumes the saved upload while Douyin still takes its parts, or
// starts one. The part size is saved with it: a changed setting must not
// shift the parts already sent.
func (c *Client) upload(ctx context.Context, acc connectors.Account, s connectors.Steps) (upload, error) {
	if f := strings.Fields(step(s, StepUpload)); len(f) == 3 {
		chunk, _ := strconv.ParseInt(f[1], 10, 64)
		at, _ := time.Parse(time.RFC3339, f[2])
		if chunk > 0 && c.now().Sub(at) < uploadLife {
			done := 0
			if id, n, ok := strings.Cut(step(s, StepParts), ":"); ok && id == f[0] {
				done, _ = strconv.Atoi(n)
			}
			return upload{id: f[0], chunk: chunk, done: done}, nil
		}
	}
	var out struct {
		UploadID string `json:"upload_id"`
	}
	if err := c.call(ctx, acc, apiRequest{method: http.MethodPost, path: pathInitUpload}, &out); err != nil {
		return upload{}, err
	}
	if out.UploadID == "" {
		return upload{}, &connectors.Error{Class: connectors.Retryable, Platform: platform, Message: "抖音应答缺少上传编号"}
	}
	up := upload{id: out.UploadID, chunk: c.opts.ChunkSize}
	v := fmt.Sprintf("%s %d %s", up.id, up.chunk, c.now().UTC().Format(time.RFC3339))
	return up, s.Save(ctx, StepUpload, v)
}

// fileRequest uploads part (all of a file, or one part of it) as field.
func fileRequest(path string, q url.Values, field, kind string, part *io.SectionReader) apiRequest {
	_, sub, _ := strings.Cut(kind, "/")
	return apiRequest{method: http.MethodPost, path: path, query: q, file: &filePart{field: field, name: field + "." + sub,
		contentType: kind, size: part.Size(), open: func() io.Reader { return io.NewSectionReader(part, 0, part.Size()) }}}
}

// sniff names m's content type from its first bytes, "" when it is not
// of kind ("video" or "image"): Douyin wants video/… or image/….
func sniff(m Media, kind string) string {
	head := make([]byte, 512)
	n, _ := m.ReadAt(head, 0)
	t, _, _ := strings.Cut(http.DetectContentType(head[:n]), ";")
	if !strings.HasPrefix(t, kind+"/") {
		return ""
	}
	return t
}

// videoType is m's video type; MP4, Douyin's usual format, when the
// bytes do not say (Douyin decides).
func videoType(m Media) string {
	if t := sniff(m, "video"); t != "" {
		return t
	}
	return "video/mp4"
}
