package reports_test

import (
	"errors"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/reports"
	"github.com/tongfa/tongfa/reports/reportstest"
)

func TestParsePeriod(t *testing.T) {
	now := reportstest.CST(2026, 5, 20, 23, 30, 0) // Wednesday
	for _, tc := range []struct {
		name, kind, from, to string
		wantFrom, wantTo     string
		label                string
	}{
		{"week of today", "week", "", "", "2026-05-18", "2026-05-25", "2026 年第 21 周（2026-05-18 至 2026-05-24）"},
		{"week of a Sunday", "week", "2026-01-04", "", "2025-12-29", "2026-01-05", "2026 年第 1 周（2025-12-29 至 2026-01-04）"},
		{"month", "month", "2026-02-14", "", "2026-02-01", "2026-03-01", "2026 年 2 月"},
		{"month with its end", "month", "2026-12-01", "2027-01-01", "2026-12-01", "2027-01-01", "2026 年 12 月"},
		{"quarter", "quarter", "2026-03-31", "", "2026-01-01", "2026-04-01", "2026 年第 1 季度"},
		{"fourth quarter", "quarter", "2026-11-02", "", "2026-10-01", "2027-01-01", "2026 年第 4 季度"},
		{"year", "year", "2025-07-01", "", "2025-01-01", "2026-01-01", "2025 年"},
		{"custom", "custom", "2026-01-10", "2026-02-10", "2026-01-10", "2026-02-10", "2026-01-10 至 2026-02-09"},
		{"custom longest", "custom", "2024-01-01", "2024-12-31", "2024-01-01", "2024-12-31", "2024-01-01 至 2024-12-30"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := reports.ParsePeriod(tc.kind, tc.from, tc.to, now)
			if err != nil {
				t.Fatal(err)
			}
			if f, to := p.From.Format(time.DateOnly), p.To.Format(time.DateOnly); f != tc.wantFrom || to != tc.wantTo || p.Label() != tc.label {
				t.Errorf("got %s – %s %q", f, to, p.Label())
			}
			if p.From.Location().String() != "Asia/Shanghai" || p.From.Hour() != 0 {
				t.Errorf("from %v", p.From)
			}
		})
	}
}

func TestParsePeriodRefuses(t *testing.T) {
	now := reportstest.CST(2026, 5, 20, 12, 0, 0)
	for _, tc := range []struct{ name, kind, from, to, field string }{
		{"unknown kind", "decade", "", "", "kind"},
		{"bad date", "month", "2026/01/01", "", "from"},
		{"impossible date", "month", "2026-02-30", "", "from"},
		{"end not the period's", "quarter", "2026-01-01", "2026-03-31", "to"},
		{"custom without from", "custom", "", "2026-02-01", "from"},
		{"custom without to", "custom", "2026-01-01", "", "to"},
		{"custom backwards", "custom", "2026-02-01", "2026-01-01", "to"},
		{"custom empty", "custom", "2026-02-01", "2026-02-01", "to"},
		{"custom too long", "custom", "2024-01-01", "2025-01-02", "to"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := reports.ParsePeriod(tc.kind, tc.from, tc.to, now)
			var e *tongfa.Error
			if !errors.As(err, &e) || e.Code != tongfa.EBadQuery || e.Fields[tc.field] == "" {
				t.Fatalf("err %v, want %s on %s", err, tongfa.EBadQuery, tc.field)
			}
		})
	}
	if _, err := reports.ParseFormat("pdf"); tongfa.ErrorCode(err) != tongfa.EBadQuery {
		t.Errorf("format pdf: %v", err)
	}
}
