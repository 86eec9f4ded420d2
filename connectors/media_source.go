package connectors

import (
	"context"

	"github.com/tongfa/tongfa"
)

// MediaSource gives connectors the bytes of files in the media library
// (package media): content refers to them as /media/<hash>, and they are
// read from the store, never fetched by URL.
type MediaSource interface {
	// Picture returns the copy of stored picture h fitted to what platform
	// takes (media/picture's Platform names: wechat, wechat_thumb, weibo,
	// app, website).
	Picture(ctx context.Context, h tongfa.MediaHash, platform string) (MediaFile, error)
	// File returns a stored file as it is (an attachment), with its name.
	File(ctx context.Context, h tongfa.MediaHash) (MediaFile, error)
}

// MediaFile is a stored file's bytes and what a platform is told of it.
type MediaFile struct {
	Hash tongfa.MediaHash
	Name string
	Type tongfa.MediaType
	Data []byte
}

// MediaError is the permanent error of a file the library cannot give.
func MediaError(platform string, h tongfa.MediaHash, err error) error {
	if tongfa.ErrorCode(err) == tongfa.EInternal {
		return err // a store failure: retried
	}
	return &Error{Class: Permanent, Platform: platform, Code: "media_unavailable",
		Message: "媒体库文件 " + h.String()[:12] + "… 无法发送：" + tongfa.ErrorMessage(err)}
}
