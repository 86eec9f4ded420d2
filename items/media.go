package items

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/media"
	"github.com/tongfa/tongfa/sanitize"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/validate"
)

// Files is what items need of the media library (media.Service).
type Files interface {
	Object(ctx context.Context, unitID int64, h tongfa.MediaHash) (*tongfa.MediaObject, error)
	CheckAttachment(ctx context.Context, unitID int64, h tongfa.MediaHash, opts media.CheckOptions) (*media.Report, error)
	Links(ctx context.Context, unitID int64, h tongfa.MediaHash) ([]string, error)
	MaskAttachment(ctx context.Context, unitID, userID int64, h tongfa.MediaHash) (*tongfa.MediaObject, error)
	CheckSubtitles(ctx context.Context, unitID int64, h tongfa.MediaHash, opts media.CheckOptions) (*media.Report, error)
}

// Importer brings a remote picture into a unit's library (media.Importer),
// or refuses it with the field named.
type Importer interface {
	Import(ctx context.Context, unit, user int64, ref, field string) (tongfa.MediaHash, error)
}

// importImages imports the http(s) pictures of c's body and its cover
// into unit's library and points c at them: delivery only ever sends
// library files. Without an importer they are refused.
func (s *Service) importImages(ctx context.Context, unit, user int64, c *tongfa.Content) error {
	var imp Importer = s.Import
	if imp == nil {
		imp = (*media.Importer)(nil) // refuses every host
	}
	for _, src := range media.RemoteImages(c.Body) {
		h, err := imp.Import(ctx, unit, user, media.SrcURL(src), "body")
		if err != nil {
			return err
		}
		c.Body = media.ReplaceSrc(c.Body, src, h.Ref())
	}
	if lower := strings.ToLower(c.Cover); strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") {
		h, err := imp.Import(ctx, unit, user, c.Cover, "cover")
		if err != nil {
			return err
		}
		c.Cover = h.Ref()
	}
	c.Media = c.MediaUses()
	return nil
}

// setMedia reads the attachments of in into c and lists every file c
// uses in c.Media.
func setMedia(c *tongfa.Content, in *Input) error {
	if strings.HasPrefix(in.Cover, tongfa.MediaPath) {
		if _, ok := tongfa.ParseMediaRef(in.Cover); !ok {
			return validate.Invalid("cover", "封面图片应为媒体库中的图片")
		}
	}
	c.Attachments = nil
	for _, a := range in.Attachments {
		h, err := tongfa.ParseMediaHash(a)
		if err != nil {
			return validate.Invalid("attachments", "附件标识无效")
		}
		if !slices.Contains(c.Attachments, h) {
			c.Attachments = append(c.Attachments, h)
		}
	}
	if err := setVideo(c, in.Video); err != nil {
		return err
	}
	c.Media = c.MediaUses()
	return nil
}

// setVideo reads the video of an input into c.
func setVideo(c *tongfa.Content, in *VideoInput) error {
	c.Video = nil
	if in == nil {
		return nil
	}
	ref := func(field, s, msg string) (tongfa.MediaHash, error) {
		h, ok := tongfa.MediaRef(strings.TrimSpace(s))
		if !ok {
			return h, validate.Invalid(field, msg)
		}
		return h, nil
	}
	v := &tongfa.Video{Title: sanitize.Text(in.Title), Description: sanitize.Text(in.Description)}
	var err error
	if v.File, err = ref("video.file", in.File, "视频文件应为媒体库中的 MP4 视频"); err != nil {
		return err
	}
	if v.Cover, err = ref("video.cover", in.Cover, "视频封面应为媒体库中的图片"); err != nil {
		return err
	}
	if v.Cover == v.File {
		return validate.Invalid("video.cover", "视频封面应为图片，不能是视频文件本身")
	}
	if strings.TrimSpace(in.Subtitles) != "" {
		h, err := ref("video.subtitles", in.Subtitles, "字幕文件应为媒体库中的 SRT 或 WebVTT 文件")
		if err != nil {
			return err
		}
		v.Subtitles = &h
	}
	if v.Title == "" {
		return validate.Invalid("video.title", "视频标题不能只包含标记或空白")
	}
	c.Video = v
	return nil
}

// errFiles marks a check that could not read the files a version uses.
var errFiles = errors.New("items: files unavailable")

// checkFiles refuses a version whose files are not its unit's, or of the
// wrong kind: pictures as cover and in the body, documents as attachments.
func checkFiles(ctx context.Context, files Files, unit int64, c tongfa.Content) error {
	if len(c.Media) > 0 && files == nil {
		return tongfa.Errorf(tongfa.EInvalid, "本系统未启用媒体库")
	}
	for _, h := range c.Media {
		field := fileField(c, h)
		if files == nil {
			break
		}
		o, err := files.Object(ctx, unit, h)
		if errors.Is(err, tongfa.ErrNotFound) || tongfa.ErrorCode(err) == tongfa.ENotFound {
			return &tongfa.Error{Code: tongfa.EInvalid, Message: "稿件引用的文件不在本单位媒体库中",
				Fields: map[string]string{field: "文件 " + h.String()[:12] + "… 不存在，请重新上传"}}
		}
		if err != nil {
			return err
		}
		var msg string
		switch field {
		case "attachments":
			if !o.Type.Document() {
				msg = "附件只能是 Word、Excel、PDF、CSV 或文本文件"
			}
		case "video.file":
			if o.Type != tongfa.MediaMP4 {
				msg = "视频文件只能是 MP4 视频"
			}
		case "video.subtitles":
			if o.Type != tongfa.MediaTXT && o.Type != tongfa.MediaCSV {
				msg = "字幕文件只能是 SRT 或 WebVTT 文本"
			}
		default:
			if !o.Type.Image() {
				msg = map[bool]string{true: "视频封面只能是图片", false: "封面和正文中只能使用图片"}[field == "video.cover"]
			}
		}
		if msg != "" {
			return &tongfa.Error{Code: tongfa.EInvalid, Message: msg, Fields: map[string]string{field: msg + "：" + o.Name}}
		}
		if field == "video.subtitles" { // refused now if it is not SRT or WebVTT
			if _, err := files.CheckSubtitles(ctx, unit, h, media.CheckOptions{}); tongfa.ErrorCode(err) == tongfa.EInvalid {
				return err
			}
		}
	}
	return nil
}

// fileField names the field of c that uses h.
func fileField(c tongfa.Content, h tongfa.MediaHash) string {
	switch {
	case slices.Contains(c.Attachments, h):
		return "attachments"
	case c.Cover == h.Ref():
		return "cover"
	case c.Video != nil && c.Video.File == h:
		return "video.file"
	case c.Video != nil && c.Video.Cover == h:
		return "video.cover"
	case c.Video != nil && c.Video.Subtitles != nil && *c.Video.Subtitles == h:
		return "video.subtitles"
	}
	return "body"
}

// checkMedia adds to ch the check of the files c uses: each attachment's
// text piece by piece (located by cell, paragraph or page; personal data
// blocks as in the body), the QR codes in the pictures (links outside the
// allowed domains are review findings) and every file's alt text and
// caption.
func (k Checker) checkMedia(ctx context.Context, unit int64, c tongfa.Content, opts sensitive.Options, ch *Check) error {
	if k.Files == nil || len(c.Media) == 0 {
		return nil
	}
	seen := map[string]bool{}
	for _, h := range c.Media {
		o, err := k.Files.Object(ctx, unit, h)
		if err != nil {
			return fmt.Errorf("%w: %s of unit %d: %w", errFiles, h, unit, err)
		}
		k.checkDescription(ctx, o, opts, ch, seen)
		rep, err := k.checkFile(ctx, unit, c, o, opts)
		if err != nil {
			return fmt.Errorf("%w: %s: %w", errFiles, h, err)
		}
		ch.addFile(o, fileField(c, h), rep, seen)
	}
	return nil
}

// checkFile checks an attachment as a document, a picture for its QR codes.
func (k Checker) checkFile(ctx context.Context, unit int64, c tongfa.Content, o *tongfa.MediaObject, opts sensitive.Options) (*media.Report, error) {
	if slices.Contains(c.Attachments, o.Hash) {
		return k.Files.CheckAttachment(ctx, unit, o.Hash, media.CheckOptions{Options: opts, Allowed: k.Allowed})
	}
	switch fileField(c, o.Hash) {
	case "video.subtitles":
		return k.Files.CheckSubtitles(ctx, unit, o.Hash, media.CheckOptions{Options: opts, Allowed: k.Allowed})
	case "video.file":
		return &media.Report{Type: o.Type, Findings: []media.Finding{}, RequiredTier: tongfa.TierRoutine}, nil
	}
	codes, err := k.Files.Links(ctx, unit, o.Hash)
	if err != nil {
		return nil, err
	}
	rep := &media.Report{Type: o.Type, Findings: media.QRFindings(codes, k.Allowed), RequiredTier: tongfa.TierRoutine}
	return rep, nil
}

// checkDescription checks what is published with a file: its alt text
// and caption.
func (k Checker) checkDescription(ctx context.Context, o *tongfa.MediaObject, opts sensitive.Options, ch *Check, seen map[string]bool) {
	for _, f := range [][3]string{{"media.alt", "替代文字", o.Alt}, {"media.caption", "图片说明", o.Caption}} {
		if f[2] == "" {
			continue
		}
		rep := k.C.Check(ctx, f[2], opts)
		for _, fd := range rep.Findings {
			ch.Findings = append(ch.Findings, FieldFinding{Field: f[0], Location: o.Name + " " + f[1], Media: &o.Hash, Finding: fd})
		}
		ch.Blocked = ch.Blocked || rep.Blocked
		ch.RequiredTier = tongfa.MaxTier(ch.RequiredTier, rep.RequiredTier)
		ch.addReasons(seen, rep.Reasons...)
	}
}

// addFile merges the check of one file, its findings located in it.
func (ch *Check) addFile(o *tongfa.MediaObject, field string, rep *media.Report, seen map[string]bool) {
	for _, f := range rep.Findings {
		ch.Findings = append(ch.Findings, FieldFinding{Field: field, Location: joinLocation(o.Name, f.Location), Media: &o.Hash, Finding: f.Finding})
		if f.Level == sensitive.LevelBlock && f.Kind == "pii" {
			ch.Blocked = true
		}
	}
	ch.Blocked = ch.Blocked || rep.Blocked
	ch.RequiredTier = tongfa.MaxTier(ch.RequiredTier, rep.RequiredTier)
	for _, r := range rep.Reasons {
		ch.addReasons(seen, "「"+o.Name+"」："+r)
	}
}

func joinLocation(name, loc string) string {
	if loc == "" {
		return name
	}
	return name + " " + loc
}

// MediaAccess implements media.ItemReaders: p (nil: nobody signed in) may
// read a file an item p may read uses; an item published with it in its
// current version makes it public.
func (s *Service) MediaAccess(ctx context.Context, p *Principal, h tongfa.MediaHash) (readable, published bool, err error) {
	uses, err := s.DB.MediaUses(ctx, h, 200)
	if err != nil {
		return false, false, err
	}
	for _, u := range uses {
		published = published || u.Current && u.Item.State == tongfa.StatePublished
		readable = readable || p != nil && s.visible(ctx, p, u.Item)
	}
	return readable, published, nil
}

var _ media.ItemReaders = (*Service)(nil)

// MaskAttachment replaces attachment h of an item with a masked copy (the
// checker's masks in the cells or runs holding personal data, nothing else
// changed) as a new version of the item, and returns the item.
func (s *Service) MaskAttachment(ctx context.Context, p *Principal, id int64, h tongfa.MediaHash) (*tongfa.Item, error) {
	it, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(it.Version.Content.Attachments, h) {
		return nil, fmt.Errorf("items: item %d has no attachment %s: %w", id, h, tongfa.ErrNotFound)
	}
	if !p.Tree.Has(p.User, it.UnitID, tongfa.RoleEditor) {
		return nil, &tongfa.Error{Code: tongfa.EForbidden, Message: "只有本单位采编人员可以修改稿件"}
	}
	if s.Checker.Files == nil {
		return nil, tongfa.Errorf(tongfa.EInvalid, "本系统未启用媒体库")
	}
	masked, err := s.Checker.Files.MaskAttachment(ctx, it.UnitID, p.User.ID, h)
	if err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.LockItem(ctx, id)
		if err != nil {
			return err
		}
		c := cur.Version.Content
		i := slices.Index(c.Attachments, h)
		if i < 0 {
			return &tongfa.Error{Code: tongfa.EConflict, Message: "稿件已有更新的版本，请刷新后再脱敏"}
		}
		c.Attachments = slices.Clone(c.Attachments)
		c.Attachments[i] = masked.Hash
		c.Media = c.MediaUses()
		it = cur
		return s.revise(ctx, tx, p, it, c, cur.VersionNumber)
	})
	if err != nil {
		return nil, fmt.Errorf("items: mask attachment of %d: %w", id, err)
	}
	s.saved(ctx, it)
	return it, nil
}
