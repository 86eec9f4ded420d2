package all

import (
	"context"
	"errors"
	"io"
	"sync"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/douyin"
)

// Blobs reads the media library's files by hash (store.DB).
type Blobs interface {
	OpenBlob(ctx context.Context, h tongfa.MediaHash) (io.ReadSeekCloser, error)
}

// ImageFetcher reads an image by URL under the rules against reaching
// internal services (media.Fetcher).
type ImageFetcher interface {
	Image(ctx context.Context, ref string) ([]byte, error)
}

// Library gives the connectors the files a payload names: a media
// library reference (tongfa.MediaRef) is read from PostgreSQL by hash,
// anything else is fetched by Web (nil: refused). Which unit may use a
// file is checked before the payload reaches a connector (the delivery
// worker's prepare), so Library itself opens any hash.
type Library struct {
	Blobs Blobs
	Web   ImageFetcher
}

var _ douyin.MediaSource = Library{}

// Image reads a whole image: WeChat and Douyin images, Weibo pictures.
func (l Library) Image(ctx context.Context, ref string) ([]byte, error) {
	h, ok := tongfa.MediaRef(ref)
	if !ok || l.Blobs == nil {
		if l.Web == nil {
			return nil, missing(ref)
		}
		return l.Web.Image(ctx, ref)
	}
	r, err := l.open(ctx, h, ref)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// Open reads a video (or an image) a part at a time: a Douyin upload
// resumes at its first unconfirmed part without reading what went before.
func (l Library) Open(ctx context.Context, ref string) (douyin.Media, error) {
	h, ok := tongfa.MediaRef(ref)
	if !ok || l.Blobs == nil {
		if l.Web == nil {
			return nil, missing(ref)
		}
		return douyin.FetchedImages{Fetcher: l.Web}.Open(ctx, ref)
	}
	r, err := l.open(ctx, h, ref)
	if err != nil {
		return nil, err
	}
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		r.Close()
		return nil, err
	}
	return &blob{r: r, size: size}, nil
}

func (l Library) open(ctx context.Context, h tongfa.MediaHash, ref string) (io.ReadSeekCloser, error) {
	r, err := l.Blobs.OpenBlob(ctx, h)
	if errors.Is(err, tongfa.ErrNotFound) || tongfa.ErrorCode(err) == tongfa.ENotFound {
		return nil, missing(ref)
	}
	return r, err
}

func missing(ref string) error {
	if len(ref) > 80 {
		ref = ref[:80] + "…"
	}
	return &connectors.Error{Class: connectors.Permanent, Code: "media_missing", Message: "媒体库中没有该文件：" + ref}
}

// blob is a library file read at any offset.
type blob struct {
	mu   sync.Mutex
	r    io.ReadSeekCloser
	size int64
}

func (b *blob) Size() int64  { return b.size }
func (b *blob) Close() error { return b.r.Close() }

// ReadAt reads len(p) bytes at off, or fewer with io.EOF at the end.
func (b *blob) ReadAt(p []byte, off int64) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, err := b.r.Seek(off, io.SeekStart); err != nil {
		return 0, err
	}
	n, err := io.ReadFull(b.r, p)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = io.EOF
	}
	return n, err
}
