package media

import (
	"context"
	"io"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/media/attach"
)

// Hash, Blob and Object are the domain's (package tongfa): the store
// keeps them without importing this package.
type (
	Hash   = tongfa.MediaHash
	Blob   = tongfa.Blob
	Object = tongfa.MediaObject
)

// Sum returns the hash of b.
func Sum(b []byte) Hash { return tongfa.SumMedia(b) }

// ParseHash reads 64 hex digits.
func ParseHash(s string) (Hash, error) { return tongfa.ParseMediaHash(s) }

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
	PutVariant(ctx context.Context, source Hash, platform string, variant Hash) error
	// Variant returns the cached copy of source for platform, or not_found.
	Variant(ctx context.Context, source Hash, platform string) (Hash, error)
}

// Store is everything the Service keeps.
type Store interface {
	Blobs
	Catalog
	Lister
}

// Finding is a checker finding with its place in a file.
type Finding = attach.Finding

// Report is the check of an attachment.
type Report = attach.Report
