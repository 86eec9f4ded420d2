package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/reports"
	"github.com/tongfa/tongfa/web/console"
)

// reportView is the console's report page: the period picker, the
// report's tables and charts, its downloads and the red and black lists.
type reportView struct {
	Params   reports.Params
	Kinds    []console.Option
	Units    []console.Option
	Accounts []console.Option
	// Error and Fields explain a request the page could not read.
	Error      string
	Fields     map[string]string
	Report     *reports.Report
	Tables     []tableView
	Charts     []barChart
	Red, Black []rankEntry
	CSV        string
	XLSX       string
}

// tableView is a report table as the page shows it: every cell as text,
// "—" where there is nothing to judge.
type tableView struct {
	Key, Title string
	Header     []string
	Rows       [][]string
}

func (s *Server) consoleReports(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx, p, q := r.Context(), principal(r), r.URL.Query()
	d := reportView{Params: reportParams(q.Get("kind"), q)}
	if d.Params.Kind == "" {
		d.Params.Kind = string(reports.Quarter)
	}
	if err := s.reportChoices(ctx, p, &d); err != nil {
		return err
	}
	status := http.StatusOK
	req, err := d.Params.Parse(s.Now())
	if err == nil {
		d.Report, err = s.Reports.For(ctx, p, req)
	}
	var e *tongfa.Error
	switch {
	case err == nil:
		d.show(req)
	case errors.As(err, &e) && e.Code == tongfa.EBadQuery:
		status, d.Error, d.Fields = http.StatusBadRequest, e.Message, e.Fields
	default:
		return err
	}
	v.Title, v.Nav, v.Data = "考核报表", "reports", d
	return s.render(w, status, "reports", "layout", v)
}

// reportChoices fills the picker: period kinds, readable units and their
// accounts in service.
func (s *Server) reportChoices(ctx context.Context, p *access.Principal, d *reportView) error {
	for _, k := range reports.Kinds {
		d.Kinds = append(d.Kinds, console.Option{Value: string(k), Label: k.Label()})
	}
	units := readable(p)
	for _, u := range units {
		d.Units = append(d.Units, console.Option{Value: strconv.FormatInt(u, 10), Label: p.Tree.Name(u)})
	}
	accounts, err := s.Registry.ActiveAccounts(ctx, p)
	if err != nil {
		return err
	}
	for _, a := range accounts {
		d.Accounts = append(d.Accounts, console.Option{Value: strconv.FormatInt(a.ID, 10),
			Label: fmt.Sprintf("%s · %s（%s）", p.Tree.Name(a.UnitID), a.Name, a.Platform.Label())})
	}
	return nil
}

// show lays out a built report: its tables (the lists are drawn apart),
// charts and download links for the same request.
func (d *reportView) show(req reports.Request) {
	for _, t := range d.Report.Tables() {
		if t.Key != "lists" {
			d.Tables = append(d.Tables, textTable(t))
		}
	}
	d.Red, d.Black = rankEntries(d.Report.Red), rankEntries(d.Report.Black)
	d.Charts = []barChart{channelChart(d.Report), complianceChart(d.Report)}
	q := url.Values{"from": {d.Report.From}, "to": {d.Report.To}}
	if req.Unit != 0 {
		q.Set("unit", strconv.FormatInt(req.Unit, 10))
	}
	if req.Account != 0 {
		q.Set("account", strconv.FormatInt(req.Account, 10))
	}
	base := "/api/v1/reports/" + string(d.Report.Kind) + "?"
	q.Set("format", reports.FormatCSV)
	d.CSV = base + q.Encode()
	q.Set("format", reports.FormatXLSX)
	d.XLSX = base + q.Encode()
}

// rankEntry is one account of the red or black list.
type rankEntry struct{ Name, Platform, Unit, Score string }

func rankEntries(rows []reports.AccountRow) []rankEntry {
	out := make([]rankEntry, len(rows))
	for i, a := range rows {
		out[i] = rankEntry{Name: a.Name, Platform: a.PlatformLabel, Unit: a.UnitName, Score: reports.Text(reports.Dec{V: a.Score, Places: 1})}
	}
	return out
}

func textTable(t reports.Table) tableView {
	out := tableView{Key: t.Key, Title: t.Title, Header: t.Header}
	for _, row := range t.Rows {
		cells := make([]string, len(row))
		for i, c := range row {
			if cells[i] = reports.Text(c); cells[i] == "" {
				cells[i] = "—"
			}
		}
		out.Rows = append(out.Rows, cells)
	}
	return out
}
