package store_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"testing"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/media"
	"github.com/tongfa/tongfa/store"
)

func putRandom(t *testing.T, db *store.DB, size int) ([]byte, tongfa.Blob) {
	t.Helper()
	data := make([]byte, size)
	rand.Read(data)
	b, err := db.PutBlob(context.Background(), tongfa.Blob{Hash: media.Sum(data), Size: int64(size), Type: "mp4"}, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return data, b
}

func TestMediaBlobRoundTrip30MB(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	data, b := putRandom(t, f.db, 30<<20+12345)
	if b.Size != int64(len(data)) || b.CreatedAt.IsZero() {
		t.Fatalf("blob %+v", b)
	}
	got, err := f.db.GetBlob(ctx, b.Hash)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("get: %d bytes, %v", len(got), err)
	}
	var n int
	f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM media_chunks WHERE hash = $1`, b.Hash[:]).Scan(&n)
	if n != (len(data)+store.ChunkSize-1)/store.ChunkSize {
		t.Fatalf("%d chunks", n)
	}
	// The same bytes again are not stored again.
	if _, err := f.db.PutBlob(ctx, b, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM media_blobs`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d blobs after storing the same bytes twice", n)
	}
	r, err := f.db.OpenBlob(ctx, b.Hash)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	off := int64(store.ChunkSize*3 - 100) // a range across a chunk boundary
	if _, err := r.Seek(off, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	part := make([]byte, 1000)
	if _, err := io.ReadFull(r, part); err != nil || !bytes.Equal(part, data[off:off+1000]) {
		t.Fatalf("range read: %v", err)
	}
	r.Seek(-10, io.SeekEnd)
	if rest, _ := io.ReadAll(r); !bytes.Equal(rest, data[len(data)-10:]) {
		t.Fatal("read from the end")
	}
}

func TestMediaBlobRefusesWrongBytes(t *testing.T) {
	f := setup(t)
	data := []byte("some bytes")
	b := tongfa.Blob{Hash: media.Sum([]byte("other bytes")), Size: int64(len(data)), Type: "txt"}
	if _, err := f.db.PutBlob(context.Background(), b, bytes.NewReader(data)); err == nil {
		t.Fatal("stored bytes under another hash")
	}
	if _, err := f.db.StatBlob(context.Background(), b.Hash); tongfa.ErrorCode(err) != tongfa.ENotFound {
		t.Fatalf("half a blob left: %v", err)
	}
}

func TestMediaObjectsPerUnit(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	_, b := putRandom(t, f.db, 1000)
	o := &tongfa.MediaObject{Blob: b, UnitID: f.unit.ID, UploadedBy: f.author.ID, Name: "名单.xlsx"}
	if err := f.db.AddObject(ctx, o); err != nil || o.ID == 0 || o.UploadedBy != f.author.ID {
		t.Fatalf("%+v %v", o, err)
	}
	again := &tongfa.MediaObject{Blob: b, UnitID: f.unit.ID, Name: "另一个名字.xlsx"}
	if err := f.db.AddObject(ctx, again); err != nil || again.ID != o.ID || again.Name != "名单.xlsx" {
		t.Fatalf("the same bytes again: %+v %v", again, err)
	}
	var other *tongfa.Unit
	f.db.InTx(ctx, func(tx *store.Tx) (err error) { other, err = tx.CreateUnit(ctx, "另一个单位", nil); return })
	if _, err := f.db.Object(ctx, other.ID, b.Hash); tongfa.ErrorCode(err) != tongfa.ENotFound {
		t.Fatalf("another unit sees the object: %v", err)
	}
	if err := f.db.DescribeObject(ctx, other.ID, b.Hash, "x", ""); tongfa.ErrorCode(err) != tongfa.ENotFound {
		t.Fatalf("another unit describes the object: %v", err)
	}
	if err := f.db.DescribeObject(ctx, f.unit.ID, b.Hash, "会议现场", "图为会议现场"); err != nil {
		t.Fatal(err)
	}
	f.db.SetPublished(ctx, f.unit.ID, b.Hash, true)
	got, _ := f.db.Object(ctx, f.unit.ID, b.Hash)
	if got.Alt != "会议现场" || got.Caption != "图为会议现场" || !got.Published {
		t.Fatalf("%+v", got)
	}
	_, v := putRandom(t, f.db, 10)
	if _, err := f.db.Variant(ctx, b.Hash, "weibo"); tongfa.ErrorCode(err) != tongfa.ENotFound {
		t.Fatalf("variant before any: %v", err)
	}
	if err := f.db.PutVariant(ctx, b.Hash, "weibo", v.Hash); err != nil {
		t.Fatal(err)
	}
	if h, err := f.db.Variant(ctx, b.Hash, "weibo"); err != nil || h != v.Hash {
		t.Fatalf("variant %s %v", h, err)
	}
}
