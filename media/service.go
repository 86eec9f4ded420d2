package media

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/media/attach"
	"github.com/tongfa/tongfa/media/picture"
	"github.com/tongfa/tongfa/media/sniff"
	"github.com/tongfa/tongfa/sensitive"
)

// Limits bound uploads, in bytes, before cleaning.
type Limits struct {
	// Image: a phone photo is 3–12 MB, a 50 MP one or a print poster up
	// to about 20 MB; cleaning then holds the decoded picture (up to
	// picture.MaxPixels) in memory.
	Image int64
	// Attachment: a 100,000-row workbook is about 5–10 MB, a scanned
	// notice of a few dozen pages 20–40 MB; a document is held whole
	// while its text is read.
	Attachment int64
	// Video is streamed through a temporary file, never held: a few
	// minutes of 1080p is 100–400 MB.
	Video int64
}

// DefaultLimits are the limits of a zero Limits.
var DefaultLimits = Limits{Image: 20 << 20, Attachment: 50 << 20, Video: 512 << 20}

// Service is what the API, the item check and the connectors call. Build
// it with New; it is safe for concurrent use.
type Service struct {
	store   Store
	checker *sensitive.Checker
	limits  Limits
	// slots bounds the pictures decoded and documents read at once: each
	// may hold a few hundred megabytes.
	slots chan struct{}
	// Items tells who may read the items using a file (set by the
	// composition root; nil: a file is readable in its units only).
	Items ItemReaders
}

// New returns a service over store (which lists objects too: Lister),
// checking with checker. parallel
// bounds concurrent decoding (0: 2).
func New(store Store, checker *sensitive.Checker, limits Limits, parallel int) *Service {
	if limits == (Limits{}) {
		limits = DefaultLimits
	}
	if parallel <= 0 {
		parallel = 2
	}
	return &Service{store: store, checker: checker, limits: limits, slots: make(chan struct{}, parallel)}
}

// acquire takes a decoding slot, or gives up with ctx.
func (s *Service) acquire(ctx context.Context) (func(), error) {
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func tooLarge(what string, limit int64) error {
	return tongfa.Errorf(tongfa.ETooLarge, "%s超过 %d MB 的上限", what, limit>>20)
}

// Upload reads a file for unitID from userID, decides its type by its
// bytes (name is kept for display only), cleans a picture, refuses a
// document whose text cannot be read, stores it and returns the unit's
// object. Uploading the same bytes again returns the same object.
func (s *Service) Upload(ctx context.Context, unitID, userID int64, name string, r io.Reader) (*Object, error) {
	br := bufio.NewReaderSize(r, 64)
	head, _ := br.Peek(16)
	if t, err := sniff.Detect(head); err == nil && t == sniff.MP4 {
		return s.uploadVideo(ctx, unitID, userID, name, br)
	}
	b, err := io.ReadAll(io.LimitReader(br, s.limits.Attachment+1))
	if err != nil {
		return nil, fmt.Errorf("media: read upload: %w", err)
	}
	t, err := sniff.Detect(b)
	if err != nil {
		return nil, err
	}
	blob, body, err := s.prepare(ctx, b, t)
	if err != nil {
		return nil, err
	}
	return s.putBytes(ctx, &Object{Blob: blob, UnitID: unitID, UploadedBy: userID, Name: cleanName(name)}, body)
}

// prepare cleans a picture and checks that a document can be read; it
// returns the bytes to store.
func (s *Service) prepare(ctx context.Context, b []byte, t sniff.Type) (Blob, []byte, error) {
	switch {
	case t.Image() && int64(len(b)) > s.limits.Image:
		return Blob{}, nil, tooLarge("图片", s.limits.Image)
	case int64(len(b)) > s.limits.Attachment:
		return Blob{}, nil, tooLarge("附件", s.limits.Attachment)
	}
	release, err := s.acquire(ctx)
	if err != nil {
		return Blob{}, nil, err
	}
	defer release()
	if t.Image() {
		p, err := picture.Clean(b, t)
		if err != nil {
			return Blob{}, nil, err
		}
		return Blob{Type: p.Type, Width: p.Width, Height: p.Height}, p.Bytes, nil
	}
	if _, err := attach.Extract(b, t); err != nil {
		return Blob{}, nil, err
	}
	return Blob{Type: t}, b, nil
}

// keep stores body as o's blob and records the object.
func (s *Service) keep(ctx context.Context, o *Object, body io.Reader) (*Object, error) {
	blob, err := s.store.PutBlob(ctx, o.Blob, body)
	if err != nil {
		return nil, err
	}
	o.Blob = blob
	if err := s.store.AddObject(ctx, o); err != nil {
		return nil, err
	}
	return o, nil
}

// putBytes fills in the hash and size of b's blob and keeps o.
func (s *Service) putBytes(ctx context.Context, o *Object, b []byte) (*Object, error) {
	o.Hash, o.Size = Sum(b), int64(len(b))
	return s.keep(ctx, o, bytes.NewReader(b))
}

// cleanName keeps a file name printable and short: it is shown, and it
// may come from anywhere.
func cleanName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7F || r == '/' || r == '\\' {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	for utf8.RuneCountInString(name) > 200 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return name
}

// Object returns the unit's object of h, or not_found.
func (s *Service) Object(ctx context.Context, unitID int64, h Hash) (*Object, error) {
	return s.store.Object(ctx, unitID, h)
}
