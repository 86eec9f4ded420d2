package registry

import (
	"context"
	"regexp"
	"sort"
	"strings"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
)

// Inconsistency is a unit whose accounts go by different names.
type Inconsistency struct {
	UnitID   int64             `json:"unit_id"`
	UnitName string            `json:"unit_name"`
	Names    map[string]string `json:"names"` // account name → platform
	Message  string            `json:"message"`
}

var platformWords = regexp.MustCompile(`[（(][^）)]*[）)]|微信公众号|公众号|官方微博|微博|客户端|移动客户端|政府网站|门户网站|网站|App|APP|app`)

// baseName strips what only says which platform an account is on, so
// 示范市发布（微博）and 示范市发布 compare equal.
func baseName(n string) string { return strings.TrimSpace(platformWords.ReplaceAllString(n, "")) }

// Inconsistencies compares the names of each unit's new-media accounts
// (R4: the same information, and the same identity, across platforms).
func (s *Service) Inconsistencies(ctx context.Context, p *access.Principal) ([]Inconsistency, error) {
	accounts, err := s.DB.Accounts(ctx, p.Tree.Readable(p.User))
	if err != nil {
		return nil, err
	}
	byUnit := map[int64][]tongfa.Account{}
	for _, a := range accounts {
		if a.Status != "closed" && a.Platform != "website" {
			byUnit[a.UnitID] = append(byUnit[a.UnitID], a)
		}
	}
	var out []Inconsistency
	for unit, as := range byUnit {
		bases := map[string]bool{}
		names := map[string]string{}
		for _, a := range as {
			bases[baseName(a.Name)] = true
			names[a.Name] = a.Platform.Label()
		}
		if len(bases) > 1 {
			out = append(out, Inconsistency{UnitID: unit, UnitName: p.Tree.Name(unit), Names: names,
				Message: "同一单位在各平台的账号名称不一致，请统一"})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UnitID < out[j].UnitID })
	return out, nil
}
