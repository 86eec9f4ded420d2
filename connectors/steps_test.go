package connectors_test

import (
	"context"
	"testing"

	"github.com/tongfa/tongfa/connectors"
	"github.com/tongfa/tongfa/connectors/connectortest"
)

type manySaver struct {
	*connectortest.Steps
	writes int
}

func (m *manySaver) SaveMany(ctx context.Context, kv map[string]string) error {
	m.writes++
	for k, v := range kv {
		if err := m.Steps.Save(ctx, k, v); err != nil {
			return err
		}
	}
	return nil
}

// TestSaveSteps: checkpoints that belong together are written at once
// where the Steps can, one by one otherwise; either way all are kept.
func TestSaveSteps(t *testing.T) {
	ctx := context.Background()
	plain := connectortest.NewSteps()
	if err := connectors.SaveSteps(ctx, plain, "post_id", "42", "url", "http://x/42"); err != nil {
		t.Fatal(err)
	}
	many := &manySaver{Steps: connectortest.NewSteps()}
	if err := connectors.SaveSteps(ctx, many, "post_id", "42", "url", "http://x/42"); err != nil {
		t.Fatal(err)
	}
	for _, s := range []connectors.Steps{plain, many} {
		id, _ := s.Get("post_id")
		u, _ := s.Get("url")
		if id != "42" || u != "http://x/42" {
			t.Fatalf("saved %q %q", id, u)
		}
	}
	if many.writes != 1 {
		t.Fatalf("%d writes, want 1", many.writes)
	}
}
