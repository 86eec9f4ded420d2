package media

import (
	"context"
	"path"
	"strings"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/media/attach"
	"github.com/tongfa/tongfa/media/picture"
	"github.com/tongfa/tongfa/media/sniff"
	"github.com/tongfa/tongfa/media/subtitles"
	"github.com/tongfa/tongfa/sensitive"
)

// CheckOptions tune the check of an attachment.
type CheckOptions struct {
	sensitive.Options
	// Allowed are the unit's allow-listed domains: a QR code in a picture
	// leading elsewhere is a review-level finding.
	Allowed AllowList
}

// CheckAttachment checks the unit's file h as an attachment of an item:
// a document's text piece by piece with the checker (findings located by
// cell, paragraph or page; personal data blocks as in the body), a
// picture as one a person must read, with its QR codes' links.
func (s *Service) CheckAttachment(ctx context.Context, unitID int64, h Hash, opts CheckOptions) (*Report, error) {
	o, b, release, err := s.load(ctx, unitID, h)
	if err != nil {
		return nil, err
	}
	defer release()
	doc, err := attach.Extract(b, o.Type)
	if err != nil {
		return nil, err
	}
	rep := attach.Check(ctx, s.checker, doc, opts.Options)
	if o.Type.Image() {
		codes, err := qrCodes(b, o.Type)
		if err != nil {
			return nil, err
		}
		for _, f := range QRFindings(codes, opts.Allowed) {
			rep.Findings = append(rep.Findings, f)
		}
	}
	return rep, nil
}

// Links returns the contents of the QR codes in the unit's picture h, for
// the item check to treat like the links of the body (QRFindings).
func (s *Service) Links(ctx context.Context, unitID int64, h Hash) ([]string, error) {
	o, b, release, err := s.load(ctx, unitID, h)
	if err != nil {
		return nil, err
	}
	defer release()
	if !o.Type.Image() {
		return nil, tongfa.Errorf(tongfa.EInvalid, "只有图片可以识别二维码")
	}
	return qrCodes(b, o.Type)
}

func qrCodes(b []byte, t sniff.Type) ([]string, error) {
	p, err := picture.Decode(b, t)
	if err != nil {
		return nil, err
	}
	return picture.QRCodes(p.Frame), nil
}

// MaskAttachment writes a masked copy of the unit's document h (xlsx,
// docx, csv, txt) as a new object of the unit, derived from h, and returns
// it. A PDF or a picture cannot be masked, nor a copy the mask missed
// something in: content_blocked with the reason.
func (s *Service) MaskAttachment(ctx context.Context, unitID, userID int64, h Hash) (*Object, error) {
	o, b, release, err := s.load(ctx, unitID, h)
	if err != nil {
		return nil, err
	}
	doc, err := attach.Extract(b, o.Type)
	var out []byte
	if err == nil {
		out, err = attach.Mask(ctx, s.checker, doc)
	}
	release()
	if err != nil {
		return nil, err
	}
	from := o.Hash
	masked := &Object{Blob: Blob{Type: o.Type}, UnitID: unitID, UploadedBy: userID, Name: maskedName(o.Name, o.Type), DerivedFrom: &from}
	return s.putBytes(ctx, masked, out)
}

// maskedName marks a file name as the masked copy: 名单.xlsx → 名单（已脱敏）.xlsx.
func maskedName(name string, t sniff.Type) string {
	ext := path.Ext(name)
	if ext == "" {
		ext = t.Ext()
	}
	return strings.TrimSuffix(name, path.Ext(name)) + "（已脱敏）" + ext
}

// load returns the unit's object h and its bytes, holding a decoding
// slot until release is called.
func (s *Service) load(ctx context.Context, unitID int64, h Hash) (o *Object, b []byte, release func(), err error) {
	if o, err = s.store.Object(ctx, unitID, h); err != nil {
		return nil, nil, nil, err
	}
	if b, err = s.store.GetBlob(ctx, h); err != nil {
		return nil, nil, nil, err
	}
	if release, err = s.acquire(ctx); err != nil {
		return nil, nil, nil, err
	}
	return o, b, release, nil
}

// CheckSubtitles checks the unit's file h as a video's subtitles (SRT or
// WebVTT): every cue's text with the checker, findings located by cue
// number and time (字幕第 3 条（00:01:02.500）), personal data blocking as
// in the body. A file that is not subtitles is refused with the reason.
func (s *Service) CheckSubtitles(ctx context.Context, unitID int64, h Hash, opts CheckOptions) (*Report, error) {
	o, b, release, err := s.load(ctx, unitID, h)
	if err != nil {
		return nil, err
	}
	defer release()
	cues, err := ParseSubtitles(o, b)
	if err != nil {
		return nil, err
	}
	doc := &attach.Document{Type: o.Type}
	for _, c := range cues {
		doc.Segments = append(doc.Segments, attach.Segment{Location: c.Location(), Text: c.Text})
	}
	return attach.Check(ctx, s.checker, doc, opts.Options), nil
}

// ParseSubtitles reads o's bytes b as subtitles; anything but a text file
// of SRT or WebVTT cues is refused (validation_failed) with the reason.
func ParseSubtitles(o *Object, b []byte) ([]subtitles.Cue, error) {
	if o.Type != sniff.TXT && o.Type != sniff.CSV {
		return nil, &tongfa.Error{Code: tongfa.EInvalid, Message: "字幕文件应为 SRT 或 WebVTT 文本：「" + o.Name + "」不是文本文件",
			Fields: map[string]string{"video.subtitles": "字幕文件应为 SRT 或 WebVTT 文本"}}
	}
	cues, err := subtitles.Parse(b)
	if err != nil {
		return nil, &tongfa.Error{Code: tongfa.EInvalid, Message: "「" + o.Name + "」：" + err.Error(),
			Fields: map[string]string{"video.subtitles": err.Error()}}
	}
	return cues, nil
}
