package console

import "testing"

// TestTemplatesParse: templates are parsed on first use, so a broken one
// would otherwise surface only when its page is first served.
func TestTemplatesParse(t *testing.T) {
	for _, p := range Pages {
		if Templates()[p] == nil {
			t.Errorf("page %s has no template", p)
		}
	}
}
