package web

import (
	"context"
	"fmt"
	"slices"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/items"
	"github.com/tongfa/tongfa/sensitive"
)

// fileView is one file an item version uses, as the item and compose
// pages show it: what it is to the item, its findings located inside it
// and whether its personal data can be masked into a new version.
type fileView struct {
	Object   *tongfa.MediaObject
	Role     string // cover, body, attachments
	Label    string // 封面, 正文图片, 附件
	Findings []items.FieldFinding
	NoAlt    bool // a picture without alternative text (required on the website)
	Maskable bool // an attachment whose personal data masking rewrites (xlsx, docx, csv, txt)
}

// Size is the file's size for people (e.g. 12.5 KB).
func (f fileView) Size() string {
	n := float64(f.Object.Size)
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", n/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", n/(1<<10))
	}
	return fmt.Sprintf("%d 字节", f.Object.Size)
}

var fileRoles = map[string]string{"cover": "封面", "body": "正文图片", "attachments": "附件"}

// maskable are the types masking rewrites in place (a PDF or a picture
// cannot be masked reliably).
var maskable = []tongfa.MediaType{tongfa.MediaXLSX, tongfa.MediaDOCX, tongfa.MediaCSV, tongfa.MediaTXT}

// filesOf lists the files content c uses with the findings of check ch
// that lie in each (nil ch: none). A file p may not read is left out.
func (s *Server) filesOf(ctx context.Context, p *access.Principal, c tongfa.Content, ch *items.Check) ([]fileView, error) {
	if s.Media == nil {
		return nil, nil
	}
	var out []fileView
	for _, h := range c.MediaUses() {
		o, err := s.Media.Get(ctx, p, h)
		if tongfa.ErrorCode(err) == tongfa.ENotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		role := "body"
		switch {
		case slices.Contains(c.Attachments, h):
			role = "attachments"
		case c.Cover == h.Ref():
			role = "cover"
		}
		f := fileView{Object: o, Role: role, Label: fileRoles[role], NoAlt: o.Type.Image() && o.Alt == ""}
		var pii bool
		if ch != nil {
			for _, fd := range ch.Findings {
				if fd.Media != nil && *fd.Media == h {
					f.Findings = append(f.Findings, fd)
					pii = pii || fd.Kind == "pii" && fd.Level == sensitive.LevelBlock
				}
			}
		}
		f.Maskable = role == "attachments" && pii && slices.Contains(maskable, o.Type)
		out = append(out, f)
	}
	return out, nil
}
