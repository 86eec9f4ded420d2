package all

import (
	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/app"
	"github.com/tongfa/tongfa/connectors/douyin"
	"github.com/tongfa/tongfa/connectors/website"
	"github.com/tongfa/tongfa/connectors/wechat"
	"github.com/tongfa/tongfa/connectors/weibo"
)

// Every connector the registry hands out reads statistics too.
var (
	_ connectors.StatsReader = (*wechat.Client)(nil)
	_ connectors.StatsReader = (*weibo.Client)(nil)
	_ connectors.StatsReader = (*app.Client)(nil)
	_ connectors.StatsReader = (*website.Client)(nil)
	_ connectors.StatsReader = (*douyin.Client)(nil)
)

// StatsReader returns the statistics reader of acc's platform; manual
// channels have none (an operator types their figures).
func (r *Registry) StatsReader(acc connectors.Account) (connectors.StatsReader, error) {
	c, err := r.connector(acc, "统计")
	if err != nil {
		return nil, err
	}
	return c.(connectors.StatsReader), nil
}
