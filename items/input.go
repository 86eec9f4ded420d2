package items

import (
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/validate"
)

// Input is what an editor sends to create or revise an item (POST and PUT
// /api/v1/items). Validation tags carry the limits; labels give the names
// operators see in error messages.
type Input struct {
	UnitID     int64           `json:"unit_id" validate:"omitempty,gt=0"`
	Title      string          `json:"title" validate:"required,max=200"`
	Body       string          `json:"body" validate:"required,max=500000"`
	Summary    string          `json:"summary" validate:"max=500"`
	Category   string          `json:"category" validate:"required,oneof=news policy interpretation notice service other"`
	Kind       tongfa.Kind     `json:"kind" validate:"required,oneof=original reprint"`
	Source     *SourceInput    `json:"source"`
	Importance string          `json:"importance" validate:"required,oneof=routine important major"`
	Urgency    string          `json:"urgency" validate:"omitempty,oneof=normal urgent"`
	EventTime  *time.Time      `json:"event_time"`
	Exemption  *ExemptionInput `json:"exemption"`
	Targets    []int64         `json:"targets" validate:"max=50,dive,gt=0"`
	// Cover is a picture of the unit's media library (/media/<hash>) or,
	// as before the library, an http(s) URL.
	Cover string `json:"cover" validate:"omitempty,max=2000,http_url|startswith=/media/"`
	// Attachments are hashes of documents in the unit's media library.
	Attachments  []string `json:"attachments" validate:"max=20,dive,len=64,hexadecimal"`
	PolicyItemID *int64   `json:"policy_item_id" validate:"omitempty,gt=0"`
	ArchiveOnly  bool     `json:"archive_only"`
	// Video is the item's video, its cover and text (nil: none).
	Video *VideoInput `json:"video"`
	// PublishAt schedules the item (RFC 3339; China time as operators
	// enter it). Nil: it goes out as soon as it is approved. Not part of
	// the signed content: see Service.Reschedule.
	PublishAt *time.Time `json:"publish_at"`
	// NotAfter is the item's 时效截止 (embargo): it must not be published
	// after this time (RFC 3339). Nil: no limit. Not part of the signed
	// content, like PublishAt.
	NotAfter *time.Time `json:"not_after"`
	// BaseVersion, on PUT, is the version the editor started from; a save
	// over a newer version is refused instead of silently overwriting it.
	BaseVersion int `json:"base_version" validate:"omitempty,gt=0"`
}

// VideoInput is an item's video: files of the unit's media library named
// by hash or /media/<hash> — an MP4, a picture as its cover, optionally a
// subtitles file (SRT or WebVTT) — with the title and description video
// platforms show.
type VideoInput struct {
	File        string `json:"file" validate:"required,max=200"`
	Cover       string `json:"cover" validate:"required,max=200"`
	Title       string `json:"title" validate:"required,max=100"`
	Description string `json:"description" validate:"max=1000"`
	Subtitles   string `json:"subtitles" validate:"max=200"`
}

// SourceInput attributes a reprint (R4).
type SourceInput struct {
	Unit        string     `json:"unit" validate:"max=100"`
	Author      string     `json:"author" validate:"max=100"`
	Title       string     `json:"title" validate:"max=200"`
	URL         string     `json:"url" validate:"omitempty,max=2000,http_url"`
	ReprintedAt *time.Time `json:"reprinted_at"`
}

// ExemptionInput keeps personal data in the text with a legal basis (R3).
type ExemptionInput struct {
	Type  string `json:"type" validate:"required,oneof=disciplinary mandatory_disclosure"`
	Basis string `json:"basis" validate:"required,min=4,max=500"`
}

var labels = validate.Labels{
	"unit_id": "发布单位", "title": "标题", "body": "正文", "summary": "摘要", "category": "栏目分类",
	"kind": "稿件类型", "importance": "重要程度", "urgency": "紧急程度", "event_time": "事件时间",
	"targets": "发布渠道", "cover": "封面图片", "policy_item_id": "关联政策文件", "attachments": "附件", "base_version": "基准版本", "archive_only": "仅存档", "publish_at": "定时发布时间",
	"source.unit": "来源单位", "source.author": "原作者", "source.title": "原标题", "source.url": "原文链接",
	"source.reprinted_at": "转载时间", "exemption.type": "豁免类型", "exemption.basis": "法定依据",
	"video.file": "视频文件", "video.cover": "视频封面", "video.title": "视频标题", "video.description": "视频简介",
	"video.subtitles": "字幕文件",
}

// reprintErrors enforces R4: a reprint names its source unit, original title
// and reprint time.
func (in *Input) reprintErrors() map[string]string {
	if in.Kind != tongfa.KindReprint {
		return nil
	}
	f := map[string]string{}
	s := in.Source
	if s == nil {
		s = &SourceInput{}
	}
	if s.Unit == "" {
		f["source.unit"] = "转载稿件必须注明来源单位"
	}
	if s.Title == "" {
		f["source.title"] = "转载稿件必须注明原标题"
	}
	if s.ReprintedAt == nil {
		f["source.reprinted_at"] = "转载稿件必须注明转载时间"
	}
	if len(f) == 0 {
		return nil
	}
	return f
}
