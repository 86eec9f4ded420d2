package media

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
)

// uploadVideo streams an MP4 through a temporary file: its hash is known
// only at the end, and it is too large to hold.
func (s *Service) uploadVideo(ctx context.Context, unitID, userID int64, name string, r io.Reader) (*Object, error) {
	f, err := os.CreateTemp("", "tongfa-video-*")
	if err != nil {
		return nil, fmt.Errorf("media: spool video: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(r, s.limits.Video+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("media: spool video: %w", err)
	case n > s.limits.Video:
		return nil, tooLarge("视频", s.limits.Video)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("media: spool video: %w", err)
	}
	o := &Object{UnitID: unitID, UploadedBy: userID, Name: cleanName(name)}
	o.Type, o.Size = "mp4", n
	copy(o.Hash[:], h.Sum(nil))
	return s.keep(ctx, o, f)
}
