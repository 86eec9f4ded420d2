package web

import "testing"

func TestConsoleTextDiff(t *testing.T) {
	tests := []struct {
		name, a, b string
		want       []diffOp
	}{
		{"same", "市政府召开会议", "市政府召开会议", []diffOp{{0, "市政府召开会议"}}},
		{"han character changed", "国务院办公室牵头", "国务院办公厅牵头",
			[]diffOp{{0, "国务院办公"}, {-1, "室"}, {1, "厅"}, {0, "牵头"}}},
		{"latin words are tokens", "call 12345 now", "call 12346 now",
			[]diffOp{{0, "call "}, {-1, "12345"}, {1, "12346"}, {0, " now"}}},
		{"insertion at the end", "通知", "通知公告", []diffOp{{0, "通知"}, {1, "公告"}}},
		{"from empty", "", "新增", []diffOp{{1, "新增"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := textDiff(tt.a, tt.b)
			if len(got) != len(tt.want) {
				t.Fatalf("textDiff(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("textDiff(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
				}
			}
			if changed(got) != (tt.a != tt.b) {
				t.Errorf("changed = %v for %q → %q", changed(got), tt.a, tt.b)
			}
		})
	}
}

// TestConsoleTextDiffLarge keeps a long text within the LCS budget by
// falling back to lines.
func TestConsoleTextDiffLarge(t *testing.T) {
	var a, b []rune
	for i := range 3000 {
		a = append(a, rune('一'+i%50))
		b = append(b, rune('一'+i%50))
		if i%100 == 99 {
			a, b = append(a, '\n'), append(b, '\n')
		}
	}
	b[10] = '乙'
	ops := textDiff(string(a), string(b))
	if !changed(ops) {
		t.Fatal("no change found")
	}
}
