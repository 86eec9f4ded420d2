package manual

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"net/http"
	"path"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
)

// File is a picture or video to post, read at any offset.
type File interface {
	io.ReaderAt
	io.Closer
	Size() int64
}

// Files opens what a task posts: library files by hash, other pictures
// from the web under the outbound rules (connectors/all.Library).
type Files interface {
	Open(ctx context.Context, ref string) (File, error)
}

// Download streams the task's package for one-click download: a zip of
// the text to paste and every picture and video, numbered in posting
// order. Every file is opened before start is called with the name to
// offer, so a file that cannot be read fails the download before anything
// is written.
func (s *Service) Download(ctx context.Context, p *access.Principal, id int64, start func(name string) io.Writer) error {
	t, err := s.task(ctx, p, id)
	if err != nil {
		return err
	}
	refs := media(t)
	files := make([]File, 0, len(refs))
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	for i, ref := range refs {
		f, err := s.Files.Open(ctx, ref)
		if err != nil {
			return &tongfa.Error{Code: tongfa.EUnavailable, Message: fmt.Sprintf("第 %d 个文件暂时无法读取：%s", i+1, tongfa.ErrorMessage(err)), Err: err}
		}
		files = append(files, f)
	}
	z := zip.NewWriter(start(fmt.Sprintf("发布任务%d.zip", t.ID)))
	w, err := z.Create("正文.txt")
	if err == nil {
		_, err = io.WriteString(w, t.Steps["task_text"]+"\n")
	}
	for i := 0; err == nil && i < len(files); i++ {
		err = add(z, fmt.Sprintf("%02d", i+1), refs[i], files[i])
	}
	if err != nil {
		return err
	}
	return z.Close()
}

func add(z *zip.Writer, name, ref string, f File) error {
	head := make([]byte, 512)
	n, _ := f.ReadAt(head, 0)
	w, err := z.Create(name + ext(head[:n], ref))
	if err != nil {
		return err
	}
	_, err = io.Copy(w, io.NewSectionReader(f, 0, f.Size()))
	return err
}

// ext names a file by what its bytes are.
func ext(head []byte, ref string) string {
	switch http.DetectContentType(head) {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/gif":
		return ".gif"
	case "image/webp":
		return ".webp"
	case "video/mp4":
		return ".mp4"
	}
	if e := path.Ext(ref); len(e) > 1 && len(e) <= 5 {
		return e
	}
	return ".bin"
}
