package web

import "testing"

func TestChinaTimes(t *testing.T) {
	for name, c := range map[string]struct{ in, want string }{
		"utc":        {`{"at":"2026-12-05T06:30:00Z"}`, `{"at":"2026-12-05T14:30:00+08:00"}`},
		"fraction":   {`["2026-12-05T06:30:00.25Z"]`, `["2026-12-05T14:30:00.25+08:00"]`},
		"other zone": {`{"at":"2026-12-05T06:30:00-05:00"}`, `{"at":"2026-12-05T19:30:00+08:00"}`},
		"china":      {`{"at":"2026-12-05T14:30:00+08:00"}`, `{"at":"2026-12-05T14:30:00+08:00"}`},
		"not a time": {`{"title":"2026-12-05 会议","n":20261205}`, `{"title":"2026-12-05 会议","n":20261205}`},
		"escaped":    {`{"s":"say \"2026-12-05T06:30:00Z\"","t":"2026-12-05T06:30:00Z"}`, `{"s":"say \"2026-12-05T06:30:00Z\"","t":"2026-12-05T14:30:00+08:00"}`},
	} {
		if got := string(chinaTimes([]byte(c.in))); got != c.want {
			t.Errorf("%s: %s, want %s", name, got, c.want)
		}
	}
}
