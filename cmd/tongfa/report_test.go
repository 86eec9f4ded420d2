package main

import (
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/tongfa/tongfa/reports/reportstest"
	"github.com/tongfa/tongfa/store/storetest"
)

// reportsRedisDB is the reports package's Redis database (docs/testing.md):
// the reports tests use none, so the hub of this test takes it.
const reportsRedisDB = 11

// TestReportCLIAgreesWithAPI: `tongfa report` and GET /api/v1/reports
// give the same figures for the same request, in JSON and in CSV, and the
// CLI writes the workbook to --out.
func TestReportCLIAgreesWithAPI(t *testing.T) {
	db, url := storetest.NewWithURL(t)
	q := reportstest.SeedQuarter(t, db, nil)
	cliOK(t, url, "Report-Passw0rd\n", "user", "add", "--username", "assessor", "--display-name", "吴考核", "--unit", "示范区人民政府办公室", "--role", "auditor", "--password-stdin")
	token := strings.TrimSpace(cliOK(t, url, "", "token", "create", "--user", "assessor"))
	m := startHubOn(t, url, reportsRedisDB)
	api := func(query string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", m.URL()+"/api/v1/reports/"+query, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", query, resp.StatusCode, b)
		}
		return string(b)
	}

	cliJSON := cliOK(t, url, "", "report", "quarter", "--from", "2026-01-01")
	apiJSON := api("quarter?from=2026-01-01")
	if a, b := withoutGeneratedAt(t, cliJSON), withoutGeneratedAt(t, apiJSON); a != b {
		t.Fatalf("JSON differs:\ncli %s\napi %s", a, b)
	}
	if !strings.Contains(cliJSON, `"posts":140`) {
		t.Fatalf("cli JSON %.300s", cliJSON)
	}
	edu := strconv.FormatInt(q.Edu, 10)
	cliCSV := cliOK(t, url, "", "report", "custom", "--from", "2026-01-01", "--to", "2026-02-01", "--unit", "示范区教育局", "--format", "csv")
	apiCSV := api("custom?from=2026-01-01&to=2026-02-01&format=csv&unit=" + edu)
	if a, b := withoutGeneratedRow(cliCSV), withoutGeneratedRow(apiCSV); a != b || !strings.Contains(a, "示范区教育局（含下级单位）") {
		t.Fatalf("CSV differs:\ncli %s\napi %s", a, b)
	}

	out := filepath.Join(t.TempDir(), "q1.xlsx")
	cliOK(t, url, "", "report", "quarter", "--from", "2026-01-01", "--format", "xlsx", "--out", out)
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// The 合计 row's posts, wherever the platforms above it end.
	rows, _ := f.GetRows("发布统计")
	var total string
	for _, r := range rows {
		if len(r) > 2 && r[0] == "合计" {
			total = r[2]
		}
	}
	if len(f.GetSheetList()) != 11 || total != "140" {
		t.Fatalf("workbook: %v, total posts %q", f.GetSheetList(), total)
	}
}

func TestReportCLIRefusesBadInput(t *testing.T) {
	_, url := storetest.NewWithURL(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"report"}, "请先给出报表周期"},
		{[]string{"report", "decade"}, "报表周期应为"},
		{[]string{"report", "custom", "--from", "2026-01-01"}, "自定义时段须同时给出"},
		{[]string{"report", "quarter", "--format", "xlsx"}, "Excel 格式须用 --out"},
		{[]string{"report", "quarter", "extra"}, "多余的参数「extra」"},
	} {
		if code, out := cli(t, url, "", tc.args...); code != 2 || !strings.Contains(out, tc.want) {
			t.Errorf("%v: exit %d %s", tc.args, code, out)
		}
	}
	if code, out := cli(t, url, "", "report", "quarter", "--unit", "没有这个单位"); code != 1 || !strings.Contains(out, "没有名为「没有这个单位」的单位") {
		t.Errorf("unknown unit: exit %d %s", code, out)
	}
}

func withoutGeneratedAt(t *testing.T, js string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		t.Fatalf("%v: %.200s", err, js)
	}
	delete(m, "generated_at")
	b, _ := json.Marshal(m)
	return string(b)
}

var generatedRow = regexp.MustCompile(`(?m)^生成时间,.*\r\n`)

func withoutGeneratedRow(csv string) string { return generatedRow.ReplaceAllString(csv, "") }

// TestReportCLIReadsTheReplica: with --database-replica-url (or
// TONGFA_DATABASE_REPLICA_URL) the report's records come from the
// replica; here it holds the known quarter and the primary nothing.
func TestReportCLIReadsTheReplica(t *testing.T) {
	_, primary := storetest.NewWithURL(t)
	replicaDB, replica := storetest.NewWithURL(t)
	reportstest.SeedQuarter(t, replicaDB, nil)
	if out := cliOK(t, primary, "", "report", "quarter", "--from", "2026-01-01"); !strings.Contains(out, `"posts":0`) {
		t.Fatalf("the primary holds no posts: %.300s", out)
	}
	if out := cliOK(t, primary, "", "report", "quarter", "--from", "2026-01-01", "--database-replica-url", replica); !strings.Contains(out, `"posts":140`) {
		t.Fatalf("report from the replica: %.300s", out)
	}
	code, out := cli(t, primary, "", "report", "quarter", "--database-replica-url", "postgres://127.0.0.1:1/none?connect_timeout=2")
	if code == 0 || !strings.Contains(out, "TONGFA_DATABASE_REPLICA_URL") {
		t.Fatalf("unreachable replica: exit %d: %s", code, out)
	}

	// serve: the API's report reads the replica too; the caller and the
	// scope are checked on the primary.
	cliOK(t, primary, "", "unit", "add", "--name", "省政府办公厅")
	cliOK(t, primary, "Report-Passw0rd\n", "user", "add", "--username", "assessor", "--display-name", "吴考核", "--unit", "省政府办公厅", "--role", "auditor", "--password-stdin")
	token := strings.TrimSpace(cliOK(t, primary, "", "token", "create", "--user", "assessor"))
	cfg := testConfig(t, primary, reportsRedisDB)
	cfg.DatabaseReplicaURL = replica
	m := runProcess(t, cfg, quietLogger(), true, false)
	status, body := request(t, "GET", m.URL()+"/api/v1/reports/quarter?from=2026-01-01", token, nil)
	if summary, _ := body["summary"].(map[string]any); status != 200 || summary["posts"] != float64(140) {
		t.Fatalf("API report with a replica: %d %v", status, body)
	}
}
