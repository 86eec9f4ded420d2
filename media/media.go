package media

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/media/attach"
	"github.com/tongfa/tongfa/media/picture"
	"github.com/tongfa/tongfa/media/sniff"
)

// Hash is the SHA-256 of a blob's bytes: its name everywhere (URLs, rows,
// a future bucket's keys). The same bytes are stored once.
type Hash [sha256.Size]byte

// Sum returns the hash of b.
func Sum(b []byte) Hash { return sha256.Sum256(b) }

func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// MarshalText writes the hash in hex, as JSON and URLs carry it.
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText reads a hash in hex.
func (h *Hash) UnmarshalText(b []byte) error {
	p, err := ParseHash(string(b))
	*h = p
	return err
}

// ParseHash reads 64 hex digits.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) != 2*len(h) {
		return h, tongfa.Errorf(tongfa.EInvalid, "文件标识无效")
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return h, tongfa.Errorf(tongfa.EInvalid, "文件标识无效")
	}
	return h, nil
}

// Blob is stored bytes and what is known of them without a unit.
type Blob struct {
	Hash      Hash       `json:"hash"`
	Type      sniff.Type `json:"type"`
	Size      int64      `json:"size"`
	Width     int        `json:"width,omitempty"` // pictures
	Height    int        `json:"height,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
}

// Object is a unit's upload of a blob: visible to that unit only (and to
// what the caller's access rules derive from it). The same bytes uploaded
// by two units are one blob and two objects.
type Object struct {
	Blob
	ID          int64  `json:"id"`
	UnitID      int64  `json:"unit_id"`
	UploadedBy  int64  `json:"uploaded_by"`
	Name        string `json:"name"` // the uploaded file name: shown, never trusted
	Alt         string `json:"alt"`  // alternative text, required on the website
	Caption     string `json:"caption"`
	Published   bool   `json:"published"`
	DerivedFrom *Hash  `json:"derived_from,omitempty"` // a masked copy's original
}

// Blobs holds bytes by hash. PostgreSQL holds them today (store.DB, in
// chunks, so every worker on every machine reads the same bytes); an
// S3-compatible bucket can take over by implementing these four methods
// with the hash as the key (docs/media.md).
type Blobs interface {
	// PutBlob stores what r yields as b. b.Hash and b.Size are what the
	// bytes must be; a store that reads otherwise refuses them. A blob
	// already stored is not written again: its existing record returns.
	PutBlob(ctx context.Context, b Blob, r io.Reader) (Blob, error)
	StatBlob(ctx context.Context, h Hash) (Blob, error)
	// OpenBlob reads a blob lazily, with Seek, for serving ranges.
	OpenBlob(ctx context.Context, h Hash) (io.ReadSeekCloser, error)
	GetBlob(ctx context.Context, h Hash) ([]byte, error)
}

// Catalog keeps what units know of blobs, and the platform copies made;
// it stays in PostgreSQL whatever holds the bytes.
type Catalog interface {
	// AddObject records o (ID and CreatedAt set); when the unit already
	// has these bytes, o becomes that object and no row is added.
	AddObject(ctx context.Context, o *Object) error
	// Object returns the unit's object of h, or a not_found error.
	Object(ctx context.Context, unitID int64, h Hash) (*Object, error)
	DescribeObject(ctx context.Context, unitID int64, h Hash, alt, caption string) error
	SetPublished(ctx context.Context, unitID int64, h Hash, published bool) error
	PutVariant(ctx context.Context, source Hash, p picture.Platform, variant Hash) error
	// Variant returns the cached copy of source for p, or not_found.
	Variant(ctx context.Context, source Hash, p picture.Platform) (Hash, error)
}

// Store is everything the Service keeps.
type Store interface {
	Blobs
	Catalog
}

// Finding is a checker finding with its place in a file.
type Finding = attach.Finding

// Report is the check of an attachment.
type Report = attach.Report
