package web

import (
	"context"
	"strings"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/items"
)

// precheck is the whole-item check the compose preview shows, as
// submission will run it: every field (the reprint source's too), the
// unit's leaders table, leaders judged on the item's day.
type precheck struct {
	*items.Check
	Day string // YYYY-MM-DD the leaders are judged on
	// Elsewhere are the findings in fields the live check beside the form
	// does not cover (the reprint source).
	Elsewhere []items.FieldFinding
}

// precheckOf checks c as an item of unit (0: p's own); nil when p may not
// check for that unit.
func (s *Server) precheckOf(ctx context.Context, p *access.Principal, unit int64, c tongfa.Content) *precheck {
	ch, err := s.Items.CheckDraft(ctx, p, unit, c)
	if err != nil {
		return nil
	}
	out := &precheck{Check: ch, Day: items.CheckDay(c, s.Now()).String()}
	for _, f := range ch.Findings {
		if strings.HasPrefix(f.Field, "source.") {
			out.Elsewhere = append(out.Elsewhere, f)
		}
	}
	return out
}
