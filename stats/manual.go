package stats

import (
	"context"
	"fmt"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/store"
)

// Manual are figures an operator typed: for a manual channel (视频号,
// 今日头条, 小红书: no API to ask), or to correct a day a platform got
// wrong. Collections never overwrite them. With neither DeliveryID nor
// Post they are the account's own figures of the day.
type Manual struct {
	AccountID int64 `json:"account_id"`
	Day       Date  `json:"day"`
	// DeliveryID names a post published through Tongfa; Post (its id or
	// address on the platform) one posted there directly, with Title and
	// Published.
	DeliveryID int64  `json:"delivery_id,omitempty"`
	Post       string `json:"post,omitempty"`
	Title      string `json:"title,omitempty"`
	Published  *Date  `json:"published,omitempty"`
	Figures
	Followers *int64 `json:"followers,omitempty"` // the account's, at the end of the day
}

// RecordManual saves what an operator typed, in the audit log under
// stats.manual.
func (s *Service) RecordManual(ctx context.Context, actor store.Actor, m Manual) error {
	acc, err := s.DB.Account(ctx, m.AccountID)
	if err != nil {
		return err
	}
	if err := m.check(DayOf(s.DB.Now())); err != nil {
		return err
	}
	w := store.StatsDayWrite{AccountID: acc.ID, Day: m.Day.Time}
	f := store.StatsFigures(m.Figures)
	switch {
	case m.DeliveryID != 0:
		d, err := s.DB.Delivery(ctx, m.DeliveryID)
		if err != nil || d.AccountID != acc.ID || d.DeliveredAt == nil || postKey(acc.Platform, targetOf(d)) == "" {
			return invalid("delivery_id", "该稿件未在此账号发布")
		}
		t := targetOf(d)
		w.Posts = []store.StatsPostDay{{PlatformPostID: postKey(acc.Platform, t), DeliveryID: d.ID, ItemID: d.ItemID,
			PublishedOn: DayOf(t.DeliveredAt), Day: m.Day.Time, Source: store.StatsManual, StatsFigures: f}}
	case m.Post != "":
		p := store.StatsPostDay{PlatformPostID: m.Post, Title: m.Title, Day: m.Day.Time, Source: store.StatsManual, StatsFigures: f}
		if m.Published != nil {
			p.PublishedOn = m.Published.Time
		}
		w.Posts = []store.StatsPostDay{p}
	}
	if w.Posts == nil || m.Followers != nil {
		a := store.StatsAccountDay{Day: m.Day.Time, Followers: m.Followers, Source: store.StatsManual}
		if w.Posts == nil {
			a.StatsFigures = f
		}
		w.Accounts = []store.StatsAccountDay{a}
	}
	return s.DB.SaveManualStats(ctx, actor, acc.UnitID, w)
}

// check refuses a day to come, a negative figure, or nothing at all.
func (m Manual) check(today time.Time) error {
	if m.Day.IsZero() || !m.Day.Before(today) {
		return invalid("day", "只能录入昨天及以前的数据")
	}
	if m.Published != nil && m.Published.After(m.Day.Time) {
		return invalid("published", "发布日期不能晚于统计日期")
	}
	given := false
	for name, v := range map[string]*int64{"reads": m.Reads, "likes": m.Likes, "wows": m.Wows, "shares": m.Shares,
		"comments": m.Comments, "followers": m.Followers} {
		if v != nil && *v < 0 {
			return invalid(name, "不能为负数")
		}
		given = given || v != nil
	}
	if !given {
		return invalid("reads", "请至少填写一项数据")
	}
	return nil
}

func invalid(field, msg string) error {
	return &tongfa.Error{Code: tongfa.EInvalid, Message: fmt.Sprintf("统计数据不正确：%s", msg), Fields: map[string]string{field: msg}}
}
