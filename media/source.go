package media

import (
	"context"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/media/picture"
)

// Source gives the connectors the library's files: the delivery worker
// reads them from the store, never by URL.
type Source struct{ *Service }

var _ connectors.MediaSource = Source{}

// Picture returns the copy of picture h fitted to platform.
func (s Source) Picture(ctx context.Context, h tongfa.MediaHash, platform string) (connectors.MediaFile, error) {
	return s.file(ctx, h, picture.Platform(platform))
}

// File returns file h as stored.
func (s Source) File(ctx context.Context, h tongfa.MediaHash) (connectors.MediaFile, error) {
	return s.file(ctx, h, "")
}

func (s Source) file(ctx context.Context, h tongfa.MediaHash, p picture.Platform) (connectors.MediaFile, error) {
	o, blob, b, err := s.ForDelivery(ctx, h, p)
	if err != nil {
		return connectors.MediaFile{}, err
	}
	return connectors.MediaFile{Hash: blob.Hash, Name: o.Name, Type: blob.Type, Data: b}, nil
}
