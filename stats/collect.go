package stats

import (
	"context"
	"errors"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/store"
)

// collect reads the days [from, to] and saves each day answered with its
// cursor. When the read fails part-way the days it finished are kept and
// the failure is recorded on the first day it left.
func (c *Collector) collect(ctx context.Context, a *account, from, to time.Time) (int, error) {
	targets, err := c.DB.StatsTargets(ctx, a.row.ID, start(from).Add(-trackFor), start(to.AddDate(0, 0, 1)))
	if err != nil {
		return 0, err
	}
	byID, posts := named(a.acc.Platform, targets)
	days, readErr := a.reader.Stats(ctx, a.acc, from, to, posts)
	saved := 0
	for _, ds := range days {
		w, err := c.write(ctx, a, ds, byID, from)
		if err == nil {
			err = c.DB.SaveStatsDay(ctx, w)
		}
		if err != nil {
			return saved, err
		}
		saved++
	}
	if readErr == nil {
		return saved, nil
	}
	failed := from.AddDate(0, 0, saved)
	if snapshots[a.acc.Platform] || failed.After(to) {
		failed = to
	}
	return saved, errors.Join(readErr, c.DB.FailStatsDay(ctx, a.row.ID, failed, reason(readErr)))
}

// named maps our posts by the id the platform answers with, and lists
// them for the platforms that answer only for named posts. WeChat's
// datacube names an article "<msg_data_id>_<index>": a mass send's ids
// when the hub recorded them on the delivery, else the freepublish id
// (which datacube does not report: only mass-sent articles have figures).
func named(p tongfa.Platform, targets []store.StatsTarget) (map[string]store.StatsTarget, []connectors.StatsPost) {
	byID := make(map[string]store.StatsTarget, len(targets))
	posts := make([]connectors.StatsPost, 0, len(targets))
	for _, t := range targets {
		id := postKey(p, t)
		if id == "" {
			continue
		}
		byID[id] = t
		posts = append(posts, connectors.StatsPost{ID: id, Published: t.DeliveredAt})
	}
	return byID, posts
}

// postKey is the id a platform's statistics name a post of ours by; ""
// when they cannot name it.
func postKey(p tongfa.Platform, t store.StatsTarget) string {
	if p == tongfa.PlatformWeChat {
		return msgID(t)
	}
	return t.PlatformPostID
}

// targetOf is a delivery as the collector names it.
func targetOf(d *tongfa.Delivery) store.StatsTarget {
	t := store.StatsTarget{DeliveryID: d.ID, ItemID: d.ItemID, PlatformPostID: d.PlatformPostID, MsgDataID: d.Steps["msg_data_id"],
		ArticleIdx: d.Steps["article_idx"], PublishID: d.Steps["publish_id"]}
	if d.DeliveredAt != nil {
		t.DeliveredAt = *d.DeliveredAt
	}
	return t
}

func msgID(t store.StatsTarget) string {
	idx := t.ArticleIdx
	if idx == "" {
		idx = "1"
	}
	switch {
	case t.MsgDataID != "":
		return t.MsgDataID + "_" + idx
	case t.PublishID != "":
		return t.PublishID + "_1"
	}
	return ""
}

// write turns a day's answer into rows.
func (c *Collector) write(ctx context.Context, a *account, ds connectors.DayStats, byID map[string]store.StatsTarget,
	from time.Time) (store.StatsDayWrite, error) {
	w := store.StatsDayWrite{AccountID: a.row.ID, Day: ds.Day, Complete: ds.Complete}
	if ds.Totals {
		w.From = from
		return w, c.fromTotals(ctx, &w, ds, byID)
	}
	for _, p := range ds.Posts {
		w.Posts = append(w.Posts, postRow(p, byID, ds.Day, store.StatsPlatform, store.StatsFigures(p.Figures)))
	}
	if row, ok := accountRow(ds.Day, ds.Account, store.StatsPlatform); ok {
		w.Accounts = append(w.Accounts, row)
	}
	return w, nil
}

// postRow is one day of a post; a post of ours is tied to its delivery
// and counts as published on the day it was delivered.
func postRow(p connectors.PostStats, byID map[string]store.StatsTarget, day time.Time, source string,
	f store.StatsFigures) store.StatsPostDay {
	r := store.StatsPostDay{PlatformPostID: p.ID, Title: p.Title, Position: p.Position, Day: day, Source: source, StatsFigures: f}
	if !p.Published.IsZero() {
		r.PublishedOn = DayOf(p.Published)
	}
	if t, ok := byID[p.ID]; ok {
		r.DeliveryID, r.ItemID, r.PublishedOn = t.DeliveryID, t.ItemID, DayOf(t.DeliveredAt)
	}
	return r
}

// accountRow is the account's day, unless the platform said nothing of it.
func accountRow(day time.Time, a connectors.AccountStats, source string) (store.StatsAccountDay, bool) {
	f := store.StatsFigures(a.Figures)
	if a.Followers == nil && a.NewFollowers == nil && a.LostFollowers == nil && f == (store.StatsFigures{}) {
		return store.StatsAccountDay{}, false
	}
	return store.StatsAccountDay{Day: day, Followers: a.Followers, NewFollowers: a.NewFollowers, LostFollowers: a.LostFollowers,
		Source: source, StatsFigures: f}, true
}

// reason is what the cursor records of a failure: the operator's message
// when the platform gave one.
func reason(err error) string {
	var ce *connectors.Error
	if errors.As(err, &ce) {
		return ce.Message
	}
	return err.Error()
}
