package inbox_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
)

// BenchmarkWebhookIntake pushes signed messages to the website webhook
// over loopback HTTP from 64 parallel clients, as a busy website would: each
// is verified, checked for replay, classified and stored with dedup. One
// push in ten repeats an earlier message id (a platform retrying), which
// must not be stored again.
func BenchmarkWebhookIntake(b *testing.B) {
	e := newEnv(b)
	url := fmt.Sprintf("%s/callback/website/%d", e.hub.URL, e.accounts[tongfa.PlatformWebsite].ID)
	// The recorder in front of the hub is for replay tests; bypass it.
	e.pushes = nil
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 128}}
	var seq, nonce atomic.Int64
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := seq.Add(1)
			id := n
			if n%10 == 0 {
				id = n - 5 // a repeat
			}
			body, _ := json.Marshal(map[string]any{"id": fmt.Sprint(id), "kind": "comment", "user": "u", "text": fmt.Sprintf("第%d条：建议优化办事流程", id),
				"created_at": time.Now(), "sent_at": time.Now().Unix(), "nonce": nonce.Add(1)})
			m := hmac.New(sha256.New, []byte(hookKey))
			m.Write(body)
			req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
			req.Header.Set("X-Tongfa-Signature", "sha256="+hex.EncodeToString(m.Sum(nil)))
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNoContent {
				b.Errorf("push answered %d", resp.StatusCode)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	total := seq.Load()
	var got int64
	e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM messages`).Scan(&got) //nolint:errcheck
	if want := total - total/10; got != want {
		b.Fatalf("%d stored, want %d (one in ten pushes repeats a message)", got, want)
	}
}
