package reports

import (
	"context"
	"slices"
)

// DeliveryRow is how the deliveries planned for one kind of channel ended.
type DeliveryRow struct {
	Key       string `json:"key"` // platform, or "total"
	Label     string `json:"label"`
	Total     int    `json:"total"`
	Delivered int    `json:"delivered"`
	Failed    int    `json:"failed"` // failed or abandoned
	Withdrawn int    `json:"withdrawn"`
	Open      int    `json:"open"`
}

// deliveries counts the deliveries created in the period per channel.
func (b *builder) deliveries(ctx context.Context) error {
	counts, err := b.db.ReportDeliveries(ctx, b.sc, b.p.From, b.until)
	if err != nil {
		return err
	}
	rows := make([]DeliveryRow, len(platforms)+1)
	for i := range rows {
		rows[i].Key, rows[i].Label = channelKey(i)
	}
	for _, c := range counts {
		a := b.accounts[c.AccountID]
		if a == nil {
			continue // an account still requested cannot have deliveries
		}
		for _, r := range []*DeliveryRow{&rows[platformIndex(a.Platform)], &rows[len(platforms)]} {
			r.Total += c.Total
			r.Delivered += c.Delivered
			r.Failed += c.Failed
			r.Withdrawn += c.Withdrawn
			r.Open += c.Open
		}
	}
	b.r.Deliveries = rows
	return nil
}

// PatrolRow is what patrols found in published content, by kind (R11).
type PatrolRow struct {
	Key      string `json:"key"` // finding kind, or "total"
	Label    string `json:"label"`
	Findings int    `json:"findings"`
	Items    int    `json:"items"`
	Live     int    `json:"live_items"` // of Items, still published
}

// findingKinds are the checker's finding kinds with their Chinese names.
var findingKinds = []struct{ Key, Label string }{
	{"word", "敏感词"}, {"expression", "表述错误"}, {"secret", "涉密标识"}, {"ad", "商业广告"}, {"pii", "个人信息"},
	{"leader", "领导职务核对"},
}

// patrol counts the findings of the patrol runs started in the period.
func (b *builder) patrol(ctx context.Context) error {
	counts, err := b.db.ReportPatrol(ctx, b.sc, b.p.From, b.until)
	if err != nil {
		return err
	}
	rows := make([]PatrolRow, 0, len(findingKinds)+1)
	for _, k := range findingKinds {
		rows = append(rows, PatrolRow{Key: k.Key, Label: k.Label})
	}
	var all PatrolRow
	for _, c := range counts {
		row := PatrolRow{Key: c.Kind, Label: c.Kind, Findings: c.Findings, Items: c.Items, Live: c.Live}
		i := slices.IndexFunc(rows, func(r PatrolRow) bool { return r.Key == c.Kind })
		switch {
		case c.Kind == "":
			all = row
		case i >= 0:
			row.Label = rows[i].Label
			rows[i] = row
		default:
			rows = append(rows, row)
		}
	}
	all.Key, all.Label = total, "合计"
	b.r.Patrol = append(rows, all)
	return nil
}
