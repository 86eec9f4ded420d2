package registry

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/tongfa/tongfa/sensitive"
)

// KindLeaders is the config_versions kind of a unit's leaders table; its
// scope is the unit id.
const KindLeaders = "leaders"

// LeaderTables gives the checker the leaders table that applies to a
// unit's content: the tables of its supervising units from the top down,
// then its own, merged (sensitive.Merge), each merge built once per
// combination of active versions (chain).
type LeaderTables = unitData[*sensitive.Leaders, leadersSpec]

type leadersSpec struct{}

func (leadersSpec) kind() string { return KindLeaders }
func (leadersSpec) parse(version int, content string) (*sensitive.Leaders, error) {
	return parseLeaders(version, content)
}
func (leadersSpec) merge(ts ...*sensitive.Leaders) *sensitive.Leaders { return sensitive.Merge(ts...) }

// parseLeaders reads a stored version.
func parseLeaders(version int, content string) (*sensitive.Leaders, error) {
	return sensitive.ParseLeaders(fmt.Sprintf("领导名单第 %d 版", version), strings.NewReader(content))
}

// watch calls reload every period until ctx ends, logging failures.
func watch(ctx context.Context, every time.Duration, log *slog.Logger, what string, reload func(context.Context) (bool, error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := reload(ctx); err != nil && ctx.Err() == nil {
				log.Error(what, slog.Any("error", err))
			}
		}
	}
}
