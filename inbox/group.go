package inbox

import (
	"context"
)

// ingest stores one pushed message and waits for it. Under load, pushes
// that arrive while an insert is running are stored together by the next
// single insert (package group): one transaction commit for many messages.
func (in *Intake) ingest(ctx context.Context, m Incoming) error {
	in.groupOnce.Do(func() {
		in.group.Flush = func(ctx context.Context, ms []Incoming) ([]struct{}, error) {
			_, err := in.Inbox.Ingest(ctx, ms)
			return make([]struct{}, len(ms)), err
		}
	})
	_, err := in.group.Do(ctx, m)
	return err
}
