package connectors

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/tongfa/tongfa"
)

// Payload is the channel-specific rendering of one approved version
// (package render makes it). Each platform uses the fields it has:
//
//	WeChat:  Title ≤ 64, Digest ≤ 120, HTML (WeChat's tags), Cover, Link (阅读原文), Author
//	Weibo:   Text (≤ 140 Weibo characters, carries Link), Title for matching
//	App:     Title, Digest, HTML, Cover, Attribution, Reprint, Link, DeepLink
//	Website: Title, Digest, HTML, Cover, Attribution, Reprint, Column
//	Douyin:  Text (the post's description, with attribution), Title for matching,
//	         Video (a video post, with Cover) or Images (an image post)
type Payload struct {
	Title       string   `json:"title"`
	Digest      string   `json:"digest,omitempty"`      // summary: WeChat ≤ 120, app card, website abstract
	HTML        string   `json:"html,omitempty"`        // WeChat article, app and website body
	Text        string   `json:"text,omitempty"`        // Weibo status
	Cover       string   `json:"cover,omitempty"`       // cover image URL
	Link        string   `json:"link,omitempty"`        // the item's public URL (website article)
	Author      string   `json:"author,omitempty"`      // shown as the article's author
	Attribution string   `json:"attribution,omitempty"` // R4 in one line: source, original author and title, reprint time
	Reprint     *Reprint `json:"reprint,omitempty"`     // the same, structured, for channels that lay it out
	Column      string   `json:"column,omitempty"`      // website column id
	DeepLink    string   `json:"deep_link,omitempty"`   // app
	// Video and Images name media for platforms that post media rather
	// than articles (Douyin); a media source resolves the references.
	// Empty, they leave the hash of every other payload unchanged.
	Video  string   `json:"video,omitempty"`
	Images []string `json:"images,omitempty"`
	// Attachments are documents of the media library the app and the
	// website publish with the article (uploaded first).
	Attachments []tongfa.MediaHash `json:"attachments,omitempty"`
}

// Reprint attributes reprinted content (R4).
type Reprint struct {
	Unit        string     `json:"unit"`
	Author      string     `json:"author,omitempty"`
	Title       string     `json:"title,omitempty"`
	URL         string     `json:"url,omitempty"`
	ReprintedAt *time.Time `json:"reprinted_at,omitempty"`
}

// Hash fingerprints what a channel received, so R4's "the same information
// is consistent across platforms" can be checked afterwards. It is the hex
// SHA-256 of a versioned canonical encoding: fields in declaration order,
// times in UTC to the second.
func (p Payload) Hash() string {
	if p.Reprint != nil && p.Reprint.ReprintedAt != nil {
		r := *p.Reprint
		t := r.ReprintedAt.UTC().Truncate(time.Second)
		r.ReprintedAt, p.Reprint = &t, &r
	}
	b, err := json.Marshal(p)
	if err != nil {
		panic("connectors: payload is always encodable: " + err.Error())
	}
	sum := sha256.Sum256(append([]byte("tongfa.payload.v1\n"), b...))
	return hex.EncodeToString(sum[:])
}
