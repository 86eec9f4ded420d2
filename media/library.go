package media

import (
	"context"
	"io"
	"slices"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/media/picture"
)

// Lister finds objects across units; the PostgreSQL store implements it.
type Lister interface {
	// ListObjects returns one page of the objects of units, newest first,
	// and how many there are.
	ListObjects(ctx context.Context, units []int64, limit, offset int) ([]*Object, int, error)
	// ObjectsOf returns every unit's object of h.
	ObjectsOf(ctx context.Context, h Hash) ([]*Object, error)
}

// ItemReaders tells who may read the items using a file (package items):
// a file used by an item is readable by whoever may read the item (a
// co-signing unit's reviewer, say), and public once the item is.
type ItemReaders interface {
	// MediaAccess reports whether p (nil: nobody signed in) may read an
	// item using h, and whether an item is published with h.
	MediaAccess(ctx context.Context, p *access.Principal, h Hash) (readable, published bool, err error)
}

var errNoFile = tongfa.Errorf(tongfa.ENotFound, "文件不存在")

// UploadAs stores a file p uploads for unit (0: p's own editor unit).
// Only the unit's editors upload: the library is what they compose with.
func (s *Service) UploadAs(ctx context.Context, p *access.Principal, unit int64, name string, r io.Reader) (*Object, error) {
	unit, err := uploadUnit(p, unit)
	if err != nil {
		return nil, err
	}
	return s.Upload(ctx, unit, p.User.ID, name, r)
}

// uploadUnit picks the unit a file is uploaded to: the one asked for,
// else the user's own, else their only editor unit.
func uploadUnit(p *access.Principal, asked int64) (int64, error) {
	units := p.Tree.WithRole(p.User, tongfa.RoleEditor)
	switch {
	case asked != 0 && slices.Contains(units, asked):
		return asked, nil
	case asked != 0 || len(units) == 0:
		return 0, tongfa.Errorf(tongfa.EForbidden, "只有本单位采编人员可以上传文件")
	case slices.Contains(units, p.User.UnitID):
		return p.User.UnitID, nil
	case len(units) == 1:
		return units[0], nil
	}
	return 0, &tongfa.Error{Code: tongfa.EInvalid, Message: "您在多个单位担任采编，请选择上传到哪个单位",
		Fields: map[string]string{"unit_id": "请选择单位"}}
}

// List returns one page of the files of the units p may read (of unit
// alone, when not 0), newest first, and how many there are.
func (s *Service) List(ctx context.Context, p *access.Principal, unit int64, page, perPage int) ([]*Object, int, error) {
	units := p.Tree.Readable(p.User)
	if unit != 0 {
		units = slices.DeleteFunc(units, func(u int64) bool { return u != unit })
	}
	return s.store.ListObjects(ctx, units, perPage, (max(page, 1)-1)*perPage)
}

// Get returns the object of h in a unit p may read (their own first);
// another unit's file is not found.
func (s *Service) Get(ctx context.Context, p *access.Principal, h Hash) (*Object, error) {
	objs, err := s.store.ObjectsOf(ctx, h)
	if err != nil {
		return nil, err
	}
	return pick(objs, func(o *Object) bool { return p.Tree.CanRead(p.User, o.UnitID) }, p.User.UnitID)
}

// pick returns the object ok accepts, the one of unit first.
func pick(objs []*Object, ok func(*Object) bool, unit int64) (*Object, error) {
	var found *Object
	for _, o := range objs {
		if ok(o) && (found == nil || o.UnitID == unit) {
			found = o
		}
	}
	if found == nil {
		return nil, errNoFile
	}
	return found, nil
}

// Describe sets the alt text and caption of the file h of a unit where p
// is an editor.
func (s *Service) Describe(ctx context.Context, p *access.Principal, h Hash, alt, caption string) (*Object, error) {
	o, err := s.Get(ctx, p, h)
	if err != nil {
		return nil, err
	}
	objs, err := s.store.ObjectsOf(ctx, h)
	if err != nil {
		return nil, err
	}
	o, err = pick(objs, func(o *Object) bool { return p.Tree.Has(p.User, o.UnitID, tongfa.RoleEditor) }, o.UnitID)
	if err != nil {
		return nil, tongfa.Errorf(tongfa.EForbidden, "只有本单位采编人员可以修改文件说明")
	}
	if err := s.store.DescribeObject(ctx, o.UnitID, h, alt, caption); err != nil {
		return nil, err
	}
	o.Alt, o.Caption = alt, caption
	return o, nil
}

// Check checks the file h of a unit p may read as an attachment (located
// findings; a picture's QR codes against allowed).
func (s *Service) Check(ctx context.Context, p *access.Principal, h Hash, opts CheckOptions) (*Report, error) {
	o, err := s.Get(ctx, p, h)
	if err != nil {
		return nil, err
	}
	return s.CheckAttachment(ctx, o.UnitID, h, opts)
}

// Open returns a stored file for serving at /media/{hash}: to anyone once
// an item using it is published (or it was marked published); before,
// only to p when p may read its unit or an item using it. Everyone else
// is told it does not exist.
func (s *Service) Open(ctx context.Context, p *access.Principal, h Hash) (*Object, io.ReadSeekCloser, error) {
	o, err := s.servable(ctx, p, h)
	if err != nil {
		return nil, nil, err
	}
	r, err := s.store.OpenBlob(ctx, h)
	if err != nil {
		return nil, nil, err
	}
	return o, r, nil
}

func (s *Service) servable(ctx context.Context, p *access.Principal, h Hash) (*Object, error) {
	objs, err := s.store.ObjectsOf(ctx, h)
	if err != nil || len(objs) == 0 {
		return nil, errNoFile
	}
	if p != nil {
		if o, err := pick(objs, func(o *Object) bool { return p.Tree.CanRead(p.User, o.UnitID) }, p.User.UnitID); err == nil {
			return o, nil
		}
	}
	if o, err := pick(objs, func(o *Object) bool { return o.Published }, 0); err == nil {
		return o, nil
	}
	if s.Items == nil {
		return nil, errNoFile
	}
	readable, published, err := s.Items.MediaAccess(ctx, p, h)
	if err != nil {
		return nil, err
	}
	if !readable && !published {
		return nil, errNoFile
	}
	return objs[0], nil
}

// ForDelivery returns file h as an approved item delivers it: the copy of
// a picture fitted to platform, or with platform "" the file as stored,
// and the object it was uploaded as (its name). Saving the item checked
// that its unit holds h; the website's copy takes the alt text of an
// upload that has one.
func (s *Service) ForDelivery(ctx context.Context, h Hash, platform picture.Platform) (*Object, Blob, []byte, error) {
	objs, err := s.store.ObjectsOf(ctx, h)
	if err != nil {
		return nil, Blob{}, nil, err
	}
	o, err := pick(objs, func(*Object) bool { return true }, 0)
	if err != nil {
		return nil, Blob{}, nil, err
	}
	if described, err := pick(objs, func(o *Object) bool { return o.Alt != "" }, 0); err == nil {
		o = described
	}
	blob := o.Blob
	if platform != "" {
		if blob, err = s.Variant(ctx, o.UnitID, h, platform); err != nil {
			return nil, Blob{}, nil, err
		}
	}
	b, err := s.store.GetBlob(ctx, blob.Hash)
	return o, blob, b, err
}

// MayUpload says whether p may add files to unit's library: editors of
// the unit do (the rule UploadAs applies).
func MayUpload(p *access.Principal, unit int64) bool {
	return slices.Contains(p.Tree.WithRole(p.User, tongfa.RoleEditor), unit)
}
