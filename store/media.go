package store

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"
	"github.com/tongfa/tongfa"
)

// ChunkSize is the size of a media chunk row: large enough that a 50 MB
// attachment is 200 rows, small enough that one row is cheap to read for
// a range request.
const ChunkSize = 256 << 10

const blobColumns = `hash, type, size, width, height, created_at`

func scanBlob(row pgx.Row, b *tongfa.Blob, extra ...any) error {
	var h []byte
	if err := row.Scan(append([]any{&h, &b.Type, &b.Size, &b.Width, &b.Height, &b.CreatedAt}, extra...)...); err != nil {
		return err
	}
	copy(b.Hash[:], h)
	return nil
}

// StatBlob returns a blob's record.
func (db *DB) StatBlob(ctx context.Context, h tongfa.MediaHash) (tongfa.Blob, error) {
	var b tongfa.Blob
	err := scanBlob(db.Pool.QueryRow(ctx, `SELECT `+blobColumns+` FROM media_blobs WHERE hash = $1`, h[:]), &b)
	if err == pgx.ErrNoRows {
		return b, notFound("media blob", h)
	}
	if err != nil {
		return b, fmt.Errorf("store: stat media blob %s: %w", h, err)
	}
	return b, nil
}

// PutBlob stores r as b in chunks, in one transaction with its record, and
// refuses bytes whose size or hash are not b's. A blob stored already is
// not read again.
func (db *DB) PutBlob(ctx context.Context, b tongfa.Blob, r io.Reader) (tongfa.Blob, error) {
	if got, err := db.StatBlob(ctx, b.Hash); err == nil {
		return got, nil
	}
	err := db.InTx(ctx, func(tx *Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO media_blobs (hash, type, size, width, height, chunks, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (hash) DO NOTHING`,
			b.Hash[:], b.Type, b.Size, b.Width, b.Height, (b.Size+ChunkSize-1)/ChunkSize, tx.now)
		if err != nil || tag.RowsAffected() == 0 {
			return err // or stored meanwhile by another writer
		}
		src := &chunks{r: io.LimitReader(r, b.Size+1), hash: b.Hash, sum: sha256.New()}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"media_chunks"}, []string{"hash", "n", "data"}, src); err != nil {
			return err
		}
		return src.verify(b)
	})
	if err != nil {
		return tongfa.Blob{}, fmt.Errorf("store: put media blob %s: %w", b.Hash, translate(err))
	}
	return db.StatBlob(ctx, b.Hash)
}

// chunks feeds COPY with ChunkSize pieces of r, hashing as it goes.
type chunks struct {
	r    io.Reader
	hash tongfa.MediaHash
	sum  interface {
		io.Writer
		Sum([]byte) []byte
	}
	n    int
	size int64
	cur  []byte
	err  error
}

func (c *chunks) Next() bool {
	buf := make([]byte, ChunkSize) // COPY may keep the slice until the batch is sent
	n, err := io.ReadFull(c.r, buf)
	if n == 0 {
		if err != io.EOF {
			c.err = err
		}
		return false
	}
	if err != nil && err != io.ErrUnexpectedEOF {
		c.err = err
		return false
	}
	c.cur, c.size = buf[:n], c.size+int64(n)
	c.sum.Write(c.cur)
	return true
}

func (c *chunks) Values() ([]any, error) {
	c.n++
	return []any{c.hash[:], c.n - 1, c.cur}, nil
}

func (c *chunks) Err() error { return c.err }

// verify refuses bytes that are not what the blob's record says.
func (c *chunks) verify(b tongfa.Blob) error {
	var got tongfa.MediaHash
	copy(got[:], c.sum.Sum(nil))
	if c.size != b.Size || got != b.Hash {
		return fmt.Errorf("store: media blob %s: read %d bytes hashing to %s, want %d", b.Hash, c.size, got, b.Size)
	}
	return nil
}

// GetBlob returns a blob's bytes.
func (db *DB) GetBlob(ctx context.Context, h tongfa.MediaHash) ([]byte, error) {
	b, err := db.StatBlob(ctx, h)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, b.Size)
	rows, err := db.Pool.Query(ctx, `SELECT data FROM media_chunks WHERE hash = $1 ORDER BY n`, h[:])
	if err != nil {
		return nil, fmt.Errorf("store: get media blob %s: %w", h, err)
	}
	defer rows.Close()
	for rows.Next() {
		out = append(out, rows.RawValues()[0]...)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: get media blob %s: %w", h, err)
	}
	if int64(len(out)) != b.Size {
		return nil, fmt.Errorf("store: media blob %s: %d of %d bytes", h, len(out), b.Size)
	}
	return out, nil
}

// OpenBlob reads a blob a chunk at a time, seeking as a range request
// needs.
func (db *DB) OpenBlob(ctx context.Context, h tongfa.MediaHash) (io.ReadSeekCloser, error) {
	b, err := db.StatBlob(ctx, h)
	if err != nil {
		return nil, err
	}
	return &blobReader{ctx: ctx, db: db, blob: b, chunk: -1}, nil
}

type blobReader struct {
	ctx   context.Context
	db    *DB
	blob  tongfa.Blob
	off   int64
	chunk int64 // the index of buf's chunk
	buf   []byte
}

func (r *blobReader) Read(p []byte) (int, error) {
	if r.off >= r.blob.Size {
		return 0, io.EOF
	}
	if n := r.off / ChunkSize; n != r.chunk {
		if err := r.db.Pool.QueryRow(r.ctx, `SELECT data FROM media_chunks WHERE hash = $1 AND n = $2`, r.blob.Hash[:], n).Scan(&r.buf); err != nil {
			return 0, fmt.Errorf("store: read media blob %s chunk %d: %w", r.blob.Hash, n, err)
		}
		r.chunk = n
	}
	k := copy(p, r.buf[r.off-r.chunk*ChunkSize:])
	r.off += int64(k)
	return k, nil
}

func (r *blobReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		offset += r.off
	case io.SeekEnd:
		offset += r.blob.Size
	}
	if offset < 0 {
		return r.off, fmt.Errorf("store: seek media blob %s to %d", r.blob.Hash, offset)
	}
	r.off = offset
	return offset, nil
}

func (r *blobReader) Close() error { return nil }
