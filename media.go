package tongfa

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"slices"
	"strings"
	"time"
)

// MediaHash is the SHA-256 of a stored file's bytes: its name everywhere
// (URLs, rows, a future bucket's keys). The same bytes are stored once.
type MediaHash [sha256.Size]byte

// SumMedia returns the hash of b.
func SumMedia(b []byte) MediaHash { return sha256.Sum256(b) }

func (h MediaHash) String() string { return hex.EncodeToString(h[:]) }

// MarshalText writes the hash in hex, as JSON and URLs carry it.
func (h MediaHash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText reads a hash in hex.
func (h *MediaHash) UnmarshalText(b []byte) error {
	p, err := ParseMediaHash(string(b))
	*h = p
	return err
}

// Ref is how content refers to a stored file: the path it is served at,
// /media/<hash>, as a cover or an <img src>.
func (h MediaHash) Ref() string { return MediaPath + h.String() }

// MediaPath is where stored files are served.
const MediaPath = "/media/"

// ParseMediaRef reads a Ref; ok is false for anything else (a URL).
func ParseMediaRef(s string) (h MediaHash, ok bool) {
	rest, found := strings.CutPrefix(s, MediaPath)
	if !found {
		return h, false
	}
	h, err := ParseMediaHash(rest)
	return h, err == nil
}

var mediaSrc = regexp.MustCompile(`<img\b[^>]*\bsrc="/media/([0-9a-f]{64})"`)

// BodyMedia returns the stored pictures a body shows (<img src="/media/…">),
// each once, in order.
func BodyMedia(html string) []MediaHash {
	var out []MediaHash
	for _, m := range mediaSrc.FindAllStringSubmatch(html, -1) {
		h, err := ParseMediaHash(m[1])
		if err == nil && !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}

// MediaUses returns every stored file c uses: its cover, the pictures in
// its body, its attachments and its video (the file, its cover and its
// subtitles), each once, in that order.
func (c Content) MediaUses() []MediaHash {
	var out []MediaHash
	if h, ok := ParseMediaRef(c.Cover); ok {
		out = append(out, h)
	}
	uses := append(BodyMedia(c.Body), c.Attachments...)
	if v := c.Video; v != nil {
		uses = append(uses, v.File, v.Cover)
		if v.Subtitles != nil {
			uses = append(uses, *v.Subtitles)
		}
	}
	for _, h := range uses {
		if !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}

// ParseMediaHash reads 64 hex digits.
func ParseMediaHash(s string) (MediaHash, error) {
	var h MediaHash
	if len(s) != 2*len(h) {
		return h, Errorf(EInvalid, "文件标识无效")
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return h, Errorf(EInvalid, "文件标识无效")
	}
	return h, nil
}

// MediaType is a stored file's type, decided from its bytes (never its
// name): jpeg, png, gif, webp, pdf, docx, xlsx, csv, txt, mp4.
type MediaType string

// The types Tongfa stores.
const (
	MediaJPEG MediaType = "jpeg"
	MediaPNG  MediaType = "png"
	MediaGIF  MediaType = "gif"
	MediaWebP MediaType = "webp"
	MediaPDF  MediaType = "pdf"
	MediaDOCX MediaType = "docx"
	MediaXLSX MediaType = "xlsx"
	MediaCSV  MediaType = "csv"
	MediaTXT  MediaType = "txt"
	MediaMP4  MediaType = "mp4"
)

var mimes = map[MediaType]string{
	MediaJPEG: "image/jpeg", MediaPNG: "image/png", MediaGIF: "image/gif", MediaWebP: "image/webp", MediaPDF: "application/pdf",
	MediaDOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	MediaXLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	MediaCSV:  "text/csv; charset=utf-8", MediaTXT: "text/plain; charset=utf-8", MediaMP4: "video/mp4",
}

// MIME is the type's media type, for Content-Type headers and uploads.
func (t MediaType) MIME() string { return mimes[t] }

// Ext is the usual file name extension, with its dot.
func (t MediaType) Ext() string {
	if t == MediaJPEG {
		return ".jpg"
	}
	return "." + string(t)
}

// Image reports whether t is a picture Tongfa decodes and cleans.
func (t MediaType) Image() bool {
	return t == MediaJPEG || t == MediaPNG || t == MediaGIF || t == MediaWebP
}

// Document reports whether t is an attachment whose text Tongfa checks.
func (t MediaType) Document() bool {
	return t == MediaPDF || t == MediaDOCX || t == MediaXLSX || t == MediaCSV || t == MediaTXT
}

// Blob is stored bytes and what is known of them without a unit.
type Blob struct {
	Hash      MediaHash `json:"hash"`
	Type      MediaType `json:"type"`
	Size      int64     `json:"size"`
	Width     int       `json:"width,omitempty"` // pictures
	Height    int       `json:"height,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// MediaObject is a unit's upload of a blob: visible to that unit only (and
// to what the caller's access rules derive from it). The same bytes
// uploaded by two units are one blob and two objects.
type MediaObject struct {
	Blob
	ID          int64      `json:"id"`
	UnitID      int64      `json:"unit_id"`
	UploadedBy  int64      `json:"uploaded_by"`
	Name        string     `json:"name"` // the uploaded file name: shown, never trusted
	Alt         string     `json:"alt"`  // alternative text, required on the website
	Caption     string     `json:"caption"`
	Published   bool       `json:"published"`
	DerivedFrom *MediaHash `json:"derived_from,omitempty"` // a masked copy's original
}

// MediaRef reads a reference to a media library file: its hash alone, or
// a URL or path whose path is /media/<hash>, with an optional extension
// (/media/<hash>.mp4 names a video in an item's body). Such references
// are read from the library by hash, never fetched over the network.
func MediaRef(ref string) (MediaHash, bool) {
	m := mediaRefRe.FindStringSubmatch(ref)
	if m == nil {
		return MediaHash{}, false
	}
	h, err := ParseMediaHash(m[1])
	return h, err == nil
}

var mediaRefRe = regexp.MustCompile(`^(?:(?:https?://[^/?#]+)?/media/)?([0-9a-f]{64})(?:\.[a-z0-9]{1,5})?$`)
