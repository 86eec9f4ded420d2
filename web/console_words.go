package web

import (
	"net/http"

	"github.com/tongfa/tongfa/registry"
	"github.com/tongfa/tongfa/web/console"
)

// The unit words page reads a unit's words through the service GET
// /api/v1/units/{id}/words uses; its forms go to PUT …/words and POST
// …/words/rollback.

type wordsView struct {
	Unit  int64
	Units []console.Option
	Words *registry.UnitWordsView
	Edit  bool
}

// consoleWords shows a unit's own words with their versions, how many
// words the units above add, and to its administrators the upload and
// rollback forms.
func (s *Server) consoleWords(w http.ResponseWriter, r *http.Request, v *view) error {
	p := principal(r)
	units := unitOptions(p, p.Tree.Readable(p.User))
	unit, err := chosenUnit(r, units)
	if err != nil {
		return err
	}
	words, err := s.Registry.UnitWords(r.Context(), p, unit)
	if err != nil {
		return err
	}
	v.Title, v.Nav = "本单位词库", "words"
	v.Data = wordsView{Unit: unit, Units: units, Words: words, Edit: registry.CanChangeUnitData(p, unit)}
	return s.render(w, http.StatusOK, "words", "layout", v)
}
