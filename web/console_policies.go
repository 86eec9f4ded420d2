package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/registry"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/web/console"
)

// The policy and calendar pages read what review, the clocks and the
// calendar use; their forms go to PUT /api/v1/units/{id}/policies/{kind}
// and POST /api/v1/holidays.

// maxPolicyVersions bounds the version list of each policy.
const maxPolicyVersions = 10

type policiesView struct {
	Unit     int64
	Units    []console.Option
	Policies []policyView
}

// policyView is one kind of a unit's policy.
type policyView struct {
	Kind      string // tier or clock, as in the API path
	Title     string
	Help      string
	Effective string // the default with the unit's override applied, as YAML
	Override  string // the unit's own settings; "" keeps the default
	Versions  []store.ConfigVersion
	Problem   string // the stored override no longer parses: shown, and fixable here
	Edit      bool
}

var policyTitles = map[string][2]string{
	"tier":  {"审签策略", "稿件需要的审签层级（R1）：严格三级审核、稿源单位、各类检查结果和紧急、豁免稿件的最低层级、催办时限。"},
	"clock": {"时限策略", "紧急稿件各渠道首发时限（R5）、更新频率（R6）、政策解读时限（R8）和提醒比例。"},
}

// consolePolicies shows a unit's tier and clock policies; administrators
// of the unit edit its override, others read.
func (s *Server) consolePolicies(w http.ResponseWriter, r *http.Request, v *view) error {
	p := principal(r)
	units := unitOptions(p, p.Tree.Readable(p.User))
	unit, err := chosenUnit(r, units)
	if err != nil {
		return err
	}
	d := policiesView{Unit: unit, Units: units}
	for _, kind := range []string{"tier", "clock"} {
		pv, err := s.policyView(r.Context(), p, kind, unit)
		if err != nil {
			return err
		}
		d.Policies = append(d.Policies, pv)
	}
	v.Title, v.Nav, v.Data = "审签与时限策略", "policies", d
	return s.render(w, http.StatusOK, "policies", "layout", v)
}

func (s *Server) policyView(ctx context.Context, p *access.Principal, kind string, unit int64) (policyView, error) {
	pv := policyView{Kind: kind, Title: policyTitles[kind][0], Help: policyTitles[kind][1], Edit: registry.CanChangeUnitData(p, unit)}
	var effective any
	var bad error
	override, versions, err := s.Registry.PolicyOverride(ctx, p, kind, unit)
	if err != nil {
		return pv, err
	}
	pv.Override = override
	if kind == "tier" {
		effective, bad = s.Review.PolicyFor(ctx, unit)
	} else {
		effective, bad = s.Clocks.PolicyFor(ctx, unit)
	}
	if bad != nil {
		pv.Problem = bad.Error()
	} else if pv.Effective, err = policyYAML(effective); err != nil {
		return pv, err
	}
	pv.Versions = versions[:min(len(versions), maxPolicyVersions)]
	return pv, nil
}

// policyYAML renders a parsed policy as YAML, with durations written the
// way an administrator types them ("4h", not "4h0m0s").
func policyYAML(policy any) (string, error) {
	var n yaml.Node
	if err := n.Encode(policy); err != nil {
		return "", err
	}
	shortDurations(&n)
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return "", err
	}
	return b.String(), enc.Close()
}

func shortDurations(n *yaml.Node) {
	if _, err := time.ParseDuration(n.Value); n.Kind == yaml.ScalarNode && err == nil {
		if strings.HasSuffix(n.Value, "m0s") { // "10m0s" → "10m", "1h0m0s" → "1h0m"
			n.Value = strings.TrimSuffix(n.Value, "0s")
		}
		if strings.HasSuffix(n.Value, "h0m") { // "1h0m" → "1h"
			n.Value = strings.TrimSuffix(n.Value, "0m")
		}
	}
	for _, c := range n.Content {
		shortDurations(c)
	}
}

// unitOptions names units for a select, in the order given.
func unitOptions(p *access.Principal, units []int64) []console.Option {
	out := make([]console.Option, 0, len(units))
	for _, id := range units {
		out = append(out, console.Option{Value: strconv.FormatInt(id, 10), Label: p.Tree.Name(id)})
	}
	return out
}

// chosenUnit is the ?unit= of a page, which must be one of its options;
// without it, the first option.
func chosenUnit(r *http.Request, units []console.Option) (int64, error) {
	if len(units) == 0 {
		return 0, &tongfa.Error{Code: tongfa.ENotFound, Message: "没有可查看的单位"}
	}
	want := r.URL.Query().Get("unit")
	if want == "" {
		want = units[0].Value
	}
	if !slices.ContainsFunc(units, func(o console.Option) bool { return o.Value == want }) {
		return 0, &tongfa.Error{Code: tongfa.ENotFound, Message: "单位不存在"}
	}
	return strconv.ParseInt(want, 10, 64)
}

type holidaysView struct {
	Years   []int
	Missing []int
	Import  bool
}

// consoleHolidays shows which years the working-day calendar covers; the
// system administrators import the next year's notice.
func (s *Server) consoleHolidays(w http.ResponseWriter, r *http.Request, v *view) error {
	p := principal(r)
	d := holidaysView{Years: s.Calendar.Current().Years(), Missing: s.Calendar.Missing(s.Now()),
		Import: s.Calendar.CanImport(p)}
	v.Title, v.Nav, v.Data = "节假日", "holidays", d
	return s.render(w, http.StatusOK, "holidays", "layout", v)
}
