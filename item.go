package tongfa

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"hash"
	"slices"
	"time"

	"github.com/emmansun/gmsm/sm3"
)

// Importance is declared by the editor and sets the minimum tier.
type Importance string

const (
	ImportanceRoutine   Importance = "routine"
	ImportanceImportant Importance = "important"
	ImportanceMajor     Importance = "major"
)

// Urgency marks items that race the first-report clock (R5).
type Urgency string

const (
	UrgencyNormal Urgency = "normal"
	UrgencyUrgent Urgency = "urgent"
)

// Kind distinguishes original work from reprints (R4).
type Kind string

const (
	KindOriginal Kind = "original"
	KindReprint  Kind = "reprint"
)

// Categories of items. The website maps them to columns with different
// update requirements (R6); interpretations link to a policy document (R8).
const (
	CategoryNews           = "news"
	CategoryPolicy         = "policy"
	CategoryInterpretation = "interpretation"
	CategoryNotice         = "notice"
	CategoryService        = "service"
	CategoryOther          = "other"
)

// Categories lists the valid categories with their Chinese labels.
var Categories = map[string]string{
	CategoryNews:           "新闻动态",
	CategoryPolicy:         "政策文件",
	CategoryInterpretation: "政策解读",
	CategoryNotice:         "通知公告",
	CategoryService:        "便民服务",
	CategoryOther:          "其他",
}

// Exemption types allow personal data to stay in published text (R3).
const (
	ExemptionDisciplinary = "disciplinary"         // 惩戒公示
	ExemptionMandatory    = "mandatory_disclosure" // 强制性信息披露
)

// ItemState is the lifecycle of an item. Transitions are owned by the store.
type ItemState string

const (
	StateDraft      ItemState = "draft"
	StateInReview   ItemState = "in_review"
	StateApproved   ItemState = "approved"
	StateScheduled  ItemState = "scheduled" // approved, waiting for its publish_at
	StatePublishing ItemState = "publishing"
	StatePublished  ItemState = "published"
	StateRejected   ItemState = "rejected"
	StateWithdrawn  ItemState = "withdrawn"
	// StateFailed is settled: every delivery of the approved version ended
	// and none reached its channel (a retry sends the item publishing again).
	StateFailed ItemState = "failed"
)

// ItemStates lists every item state in lifecycle order.
var ItemStates = []ItemState{StateDraft, StateInReview, StateApproved, StateScheduled, StatePublishing, StatePublished, StateFailed, StateRejected, StateWithdrawn}

// Valid reports whether s is a known state.
func (s ItemState) Valid() bool { return slices.Contains(ItemStates, s) }

// Label is the Chinese name shown to operators.
func (s ItemState) Label() string {
	return labelOf(s, map[ItemState]string{StateDraft: "草稿", StateInReview: "审核中", StateApproved: "已审签", StateScheduled: "定时待发",
		StatePublishing: "发布中", StatePublished: "已发布", StateRejected: "已退回", StateWithdrawn: "已撤回",
		StateFailed: "发布失败"})
}

// Outcome is how an item's publication reads to operators: 部分发布失败
// when it is published but failing channels did not get it (failing > 0),
// otherwise its state's label (发布失败 when none got it).
func (s ItemState) Outcome(failing int) string {
	if s == StatePublished && failing > 0 {
		return "部分发布失败"
	}
	return s.Label()
}

// Source attributes a reprint (R4).
type Source struct {
	Unit        string     `json:"unit"`
	Author      string     `json:"author"`
	Title       string     `json:"title"`
	URL         string     `json:"url"`
	ReprintedAt *time.Time `json:"reprinted_at"`
}

// Exemption states the legal basis for publishing personal data (R3).
type Exemption struct {
	Type  string `json:"type"`
	Basis string `json:"basis"`
}

// Content is everything an item version publishes or that affects its
// sign-off. Its hash is what signers approve.
type Content struct {
	Title        string     `json:"title"`
	Body         string     `json:"body"`
	Summary      string     `json:"summary"`
	Category     string     `json:"category"`
	Kind         Kind       `json:"kind"`
	Source       *Source    `json:"source"`
	Importance   Importance `json:"importance"`
	Urgency      Urgency    `json:"urgency"`
	EventTime    *time.Time `json:"event_time"`
	Exemption    *Exemption `json:"exemption"`
	Targets      []int64    `json:"targets"`
	Cover        string     `json:"cover"`
	PolicyItemID *int64     `json:"policy_item_id"`
	// Attachments are stored files (docx, xlsx, pdf, csv, txt) published
	// with the item, in the order shown.
	Attachments []MediaHash `json:"attachments,omitempty"`
	// Media is every stored file the version uses — a /media/ cover,
	// pictures in the body, attachments — derived from the fields above
	// (MediaUses), so who may read a file follows who may read an item
	// using it. Empty, it leaves the hash of older content unchanged.
	Media []MediaHash `json:"media,omitempty"`
	// ArchiveOnly (仅存档) says the item is kept on record and published
	// nowhere: only such an item may be submitted without targets. Omitted
	// when false, so the hashes of earlier versions stay as they were.
	ArchiveOnly bool `json:"archive_only,omitempty"`
	// Video is the item's video (Douyin and the manual video channels
	// post it); omitted without one, so earlier hashes stay as they were.
	Video *Video `json:"video,omitempty"`
}

// Video is an item's video: an MP4 of the media library with a library
// picture as its cover, its own title and description (what video
// platforms show beside it) and optionally a subtitles file (SRT or
// WebVTT, stored as text). The checker reads the title, the description
// and every subtitle.
type Video struct {
	File        MediaHash  `json:"file"`
	Cover       MediaHash  `json:"cover"`
	Title       string     `json:"title"`
	Description string     `json:"description,omitempty"`
	Subtitles   *MediaHash `json:"subtitles,omitempty"`
}

// Canonical returns a copy with order-insensitive and time-zone-dependent
// fields normalised, so equal content always encodes to equal bytes.
func (c Content) Canonical() Content {
	c.Targets = slices.Clone(c.Targets)
	slices.Sort(c.Targets)
	c.Targets = slices.Compact(c.Targets)
	if c.Targets == nil {
		c.Targets = []int64{}
	}
	c.EventTime = utcSecond(c.EventTime)
	c.Media = slices.Clone(c.Media)
	slices.SortFunc(c.Media, func(a, b MediaHash) int { return bytes.Compare(a[:], b[:]) })
	c.Media = slices.Compact(c.Media)
	if c.Source != nil {
		s := *c.Source
		s.ReprintedAt = utcSecond(s.ReprintedAt)
		c.Source = &s
	}
	return c
}

func utcSecond(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC().Truncate(time.Second)
	return &u
}

// Hash is the hex SHA-256 of the canonical JSON encoding of c. The encoding
// is versioned by its prefix so a future field can be added without
// silently changing every existing hash.
func (c Content) Hash() string { return c.HashWith(sha256.New) }

// HashWith is Hash under another 256-bit hash function: SM3 where the
// installation runs the national suite (ContentHashFor). A version keeps
// the hash it was stored with: hashes identify versions and are compared,
// never recomputed, so a switch applies to new versions only.
func (c Content) HashWith(h func() hash.Hash) string {
	b, err := json.Marshal(c.Canonical())
	if err != nil {
		panic("tongfa: content is always encodable: " + err.Error())
	}
	d := h()
	d.Write([]byte("tongfa.content.v1\n"))
	d.Write(b)
	return hex.EncodeToString(d.Sum(nil))
}

// ContentHashFor is the hash function of version hashes under a
// cryptography suite (TONGFA_CRYPTO): SM3 for "sm", SHA-256 otherwise.
func ContentHashFor(suite string) func() hash.Hash {
	if suite == "sm" {
		return sm3.New
	}
	return sha256.New
}

// Item is a piece of content moving through check, sign-off and delivery.
type Item struct {
	ID            int64     `json:"id"`
	UnitID        int64     `json:"unit_id"`
	AuthorID      int64     `json:"author_id"`
	State         ItemState `json:"state"`
	VersionNumber int       `json:"version_number"`
	RequiredTier  Tier      `json:"required_tier,omitempty"`
	Level         int       `json:"level"` // 1-based index into the chain while in review
	// PublishAt is when the item goes out (nil: as soon as it is
	// approved). It is not part of the signed content: rescheduling
	// makes no new version (see items.Service.Reschedule).
	PublishAt *time.Time `json:"publish_at,omitempty"`
	// SignedPublishAt is PublishAt as the final sign-off saw it.
	SignedPublishAt *time.Time `json:"signed_publish_at,omitempty"`
	// NotAfter is the item's 时效截止 (embargo): time-bound content that
	// must not be published after it (a notice of an event, a deadline, a
	// closure). Scheduling past it is refused; no worker sends past it.
	NotAfter  *time.Time `json:"not_after,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	Version   *Version   `json:"version,omitempty"`
}

// Version is one immutable revision of an item.
type Version struct {
	ItemID    int64     `json:"item_id"`
	Number    int       `json:"number"`
	Hash      string    `json:"hash"`
	AuthorID  int64     `json:"author_id"`
	CreatedAt time.Time `json:"created_at"`
	Content   Content   `json:"content"`
}
