package media

import (
	"bytes"
	"context"
	"errors"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/media/picture"
)

// Variant returns the copy of the unit's picture h that platform p takes,
// made once and kept (content-addressed like any blob). A picture for the
// website must have alt text first (DescribeObject): without it this is a
// validation_failed error on the field "alt" — the rule lives here, so no
// path to the website can skip it.
func (s *Service) Variant(ctx context.Context, unitID int64, h Hash, p picture.Platform) (Blob, error) {
	o, err := s.store.Object(ctx, unitID, h)
	if err != nil {
		return Blob{}, err
	}
	spec, ok := picture.Specs[p]
	switch {
	case !ok:
		return Blob{}, tongfa.Errorf(tongfa.EInvalid, "未知的发布平台：%s", p)
	case !o.Type.Image():
		return Blob{}, tongfa.Errorf(tongfa.EInvalid, "只有图片可以生成平台副本")
	case spec.NeedsAlt && o.Alt == "":
		return Blob{}, &tongfa.Error{Code: tongfa.EInvalid, Message: "网站图片须填写替代文字（alt），供读屏软件朗读",
			Fields: map[string]string{"alt": "请填写图片的替代文字"}}
	}
	if v, err := s.store.Variant(ctx, h, string(p)); err == nil {
		return s.store.StatBlob(ctx, v)
	} else if !errors.Is(err, tongfa.ErrNotFound) && tongfa.ErrorCode(err) != tongfa.ENotFound {
		return Blob{}, err
	}
	return s.makeVariant(ctx, o, p, spec)
}

func (s *Service) makeVariant(ctx context.Context, o *Object, p picture.Platform, spec picture.Spec) (Blob, error) {
	b, err := s.store.GetBlob(ctx, o.Hash)
	if err != nil {
		return Blob{}, err
	}
	release, err := s.acquire(ctx)
	if err != nil {
		return Blob{}, err
	}
	pic, err := picture.Decode(b, o.Type)
	if err == nil {
		pic, err = picture.Fit(pic, spec)
	}
	release()
	if err != nil {
		return Blob{}, err
	}
	v := Blob{Hash: Sum(pic.Bytes), Size: int64(len(pic.Bytes)), Type: pic.Type, Width: pic.Width, Height: pic.Height}
	if v, err = s.store.PutBlob(ctx, v, bytes.NewReader(pic.Bytes)); err != nil {
		return Blob{}, err
	}
	return v, s.store.PutVariant(ctx, o.Hash, string(p), v.Hash)
}
