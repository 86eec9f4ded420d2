package clocks

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/access"
	"github.com/tongfa/tongfa/store"
	"github.com/tongfa/tongfa/workday"
)

// Calendars holds the current working-day calendar: the embedded years plus
// every override file administrators imported. Import swaps it at once.
type Calendars struct {
	DB  *store.DB
	cur atomic.Pointer[workday.Calendar]
}

// Load builds the calendar from the database.
func (c *Calendars) Load(ctx context.Context) error {
	files, err := c.DB.CalendarOverrides(ctx)
	if err != nil {
		return err
	}
	sets := []workday.Overrides{workday.Embedded()}
	for i, f := range files {
		o, err := workday.Parse(strings.NewReader(f))
		if err != nil {
			return fmt.Errorf("clocks: stored calendar override %d: %w", i+1, err)
		}
		sets = append(sets, o)
	}
	c.cur.Store(workday.New(sets...))
	return nil
}

// Current returns the calendar in force (the embedded one before Load).
func (c *Calendars) Current() *workday.Calendar {
	if cal := c.cur.Load(); cal != nil {
		return cal
	}
	return workday.Default()
}

// CanImport reports whether p may change the installation's holiday
// calendar: system administrators only, since every unit's deadlines
// follow it.
func (c *Calendars) CanImport(p *access.Principal) bool { return p.Tree.IsSysAdmin(p.User) }

// ImportAs is Import on p's behalf, for system administrators only.
func (c *Calendars) ImportAs(ctx context.Context, p *access.Principal, source, content string) (workday.Overrides, error) {
	if !c.CanImport(p) {
		return workday.Overrides{}, &tongfa.Error{Code: tongfa.EForbidden, Message: "只有系统管理员可以导入节假日数据"}
	}
	if _, err := workday.Parse(strings.NewReader(content)); err != nil {
		return workday.Overrides{}, &tongfa.Error{Code: tongfa.EInvalid, Message: "节假日数据有误：" + err.Error(), Err: err}
	}
	return c.Import(ctx, source, content, &p.User.ID, store.UserActor(p.User, p.IP))
}

// Import checks an override file, stores it and makes it current.
func (c *Calendars) Import(ctx context.Context, source, content string, by *int64, actor store.Actor) (workday.Overrides, error) {
	o, err := workday.Parse(strings.NewReader(content))
	if err != nil {
		return o, err
	}
	err = c.DB.InTx(ctx, func(tx *store.Tx) error {
		tx.Audit(actor, "calendar.import", "calendar", nil, map[string]any{"source": source, "days": len(o.Days), "years": len(o.Years)})
		return tx.AddCalendarOverride(ctx, source, content, by)
	})
	if err != nil {
		return o, err
	}
	return o, c.Load(ctx)
}

// Missing names the years around now without calendar data: the console
// and /readyz say so loudly instead of guessing.
func (c *Calendars) Missing(now time.Time) []int {
	return c.Current().MissingYears(now, now.AddDate(0, 3, 0))
}
