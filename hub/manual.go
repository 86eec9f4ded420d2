package hub

import (
	"context"
	"log/slog"

	"github.com/tongfa/tongfa/config"
	"github.com/tongfa/tongfa/connectors/all"
	"github.com/tongfa/tongfa/connectors/media"
	"github.com/tongfa/tongfa/manual"
	"github.com/tongfa/tongfa/store"
)

// newManual builds the manual channels' service. A reported page is read
// from public addresses only (no TONGFA_MEDIA_HOSTS: an office's internal
// image server is no place a channel publishes); the files to download
// come from the media library, or from the web like the connectors'.
func newManual(cfg config.Config, db *store.DB, log *slog.Logger) *manual.Service {
	web := media.New(media.Options{Allow: cfg.MediaHosts, Timeout: cfg.PlatformTimeout})
	return &manual.Service{DB: db, Pages: media.New(media.Options{Timeout: cfg.PlatformTimeout}),
		Files: libraryFiles{all.Library{Blobs: db, Web: web}}, Log: log}
}

// libraryFiles is the library as manual.Files.
type libraryFiles struct{ all.Library }

func (l libraryFiles) Open(ctx context.Context, ref string) (manual.File, error) {
	return l.Library.Open(ctx, ref)
}
