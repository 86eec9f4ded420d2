package web_test

import (
	"strings"
	"testing"
)

// TestBrowserReports opens the report page on a desktop and on a phone,
// checks it with axe-core, and changes the period with the picker.
func TestBrowserReports(t *testing.T) {
	h, q := setupReports(t)
	for _, screen := range screens {
		t.Run(screen.name, func(t *testing.T) {
			tb := newTab(t, h.ts.URL, screen.width, screen.height, screen.mobile)
			tb.login("cityadmin")
			tb.open("/reports?kind=quarter&from=2026-01-01&unit=" + itoa(q.City))
			tb.waitFor("the tables", `document.querySelectorAll("table.report").length === 10`)
			tb.audit("reports-" + screen.name)
			if got := tb.text(`document.getElementById("h-report").textContent`); !strings.Contains(got, "2026 年第 1 季度") {
				t.Fatalf("heading %q", got)
			}
			tb.text(`(function(){document.getElementById("r-kind").value="month"; document.getElementById("r-from").value="2026-02-10";
				document.querySelector("form.report-picker").submit(); return ""})()`)
			tb.waitFor("the February report", `document.getElementById("h-report") && document.getElementById("h-report").textContent.includes("2026 年 2 月")`)
			tb.audit("reports-month-" + screen.name)
		})
	}
}
