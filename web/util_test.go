package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/tongfa/tongfa/store"
)

func readAll(resp *http.Response) string {
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func storeFilter(action string) store.AuditFilter { return store.AuditFilter{Action: action} }

func revoke(t *testing.T, h *harness, userID, tokenID int64) {
	t.Helper()
	err := h.db.InTx(context.Background(), func(tx *store.Tx) error { return tx.RevokeToken(context.Background(), userID, tokenID) })
	if err != nil {
		t.Fatal(err)
	}
}

func fmtJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

const time1h = time.Hour

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
