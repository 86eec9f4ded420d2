package douyin

import (
	"bytes"
	"context"
	"io"

	"github.com/tongfa/tongfa/connectors"
)

// Media is a video or an image as a MediaSource hands it over. Reading at
// any offset lets an interrupted upload resume at its first unconfirmed
// part without reading what went before.
type Media interface {
	io.ReaderAt
	io.Closer
	Size() int64
}

// MediaSource opens the media a payload names (Payload.Video, Cover,
// Images) by reference. A media library will answer for the references
// it holds; until then videos have no source, and images come from the
// fetcher other connectors use (FetchedImages).
type MediaSource interface {
	Open(ctx context.Context, ref string) (Media, error)
}

// Bytes is an in-memory MediaSource: tests and demonstrations.
type Bytes map[string][]byte

// Open implements MediaSource.
func (b Bytes) Open(_ context.Context, ref string) (Media, error) {
	data, ok := b[ref]
	if !ok {
		return nil, &connectors.Error{Class: connectors.Permanent, Platform: platform, Code: "media_missing",
			Message: "媒体库中没有该文件：" + ref}
	}
	return memory{bytes.NewReader(data)}, nil
}

// memory is Media held in memory; bytes.Reader has ReadAt and Size.
type memory struct{ *bytes.Reader }

func (memory) Close() error { return nil }

// ImageFetcher reads an image by URL (media.Fetcher, under the rules
// against reaching internal services).
type ImageFetcher interface {
	Image(ctx context.Context, ref string) ([]byte, error)
}

// FetchedImages is a MediaSource of images read by an ImageFetcher.
type FetchedImages struct{ Fetcher ImageFetcher }

// Open implements MediaSource.
func (f FetchedImages) Open(ctx context.Context, ref string) (Media, error) {
	b, err := f.Fetcher.Image(ctx, ref)
	if err != nil {
		return nil, err
	}
	return memory{bytes.NewReader(b)}, nil
}
