// Command loginstorm is the login-storm harness of issue 16 (finding 6):
// it starts a hub (`tongfa serve`) as its own process, sends it N
// concurrent anonymous logins for a while — each worker from its own
// loopback address (127.0.0.2, 127.0.0.3, …) and for a fresh unknown
// username, the most expensive case the throttles allow — and meanwhile
// samples the hub's resident memory and the latency of GET /healthz.
//
//	go build -o bin/tongfa ./cmd/tongfa
//	TONGFA_DATABASE_URL=postgres://127.0.0.1:5432/test TONGFA_REDIS_URL=redis://127.0.0.1:6379/9 \
//	  go run ./scripts/loginstorm -bin bin/tongfa -clients 64 -duration 60s
//
// It exits 1 when resident memory exceeds -max-rss or the p99 of
// /healthz exceeds -max-p99 (docs/benchmarks.md has the figures).
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	bin := flag.String("bin", "bin/tongfa", "the tongfa binary")
	listen := flag.String("listen", "127.0.0.1:18080", "where the hub listens")
	clients := flag.Int("clients", 64, "concurrent anonymous logins")
	addrs := flag.Int("addresses", 0, "client addresses to spread them over (0: one per client; 1: all from one)")
	duration := flag.Duration("duration", 60*time.Second, "how long the storm lasts")
	maxRSS := flag.Int64("max-rss", 400, "fail above this resident memory, MB")
	maxP99 := flag.Duration("max-p99", 100*time.Millisecond, "fail above this /healthz p99")
	flag.Parse()
	if *addrs == 0 {
		*addrs = *clients
	}
	if err := run(*bin, *listen, *clients, *addrs, *duration, *maxRSS, *maxP99); err != nil {
		fmt.Fprintln(os.Stderr, "loginstorm:", err)
		os.Exit(1)
	}
}

func run(bin, listen string, clients, addrs int, duration time.Duration, maxRSS int64, maxP99 time.Duration) error {
	hub := exec.Command(bin, "serve")
	hub.Env = append(os.Environ(), "TONGFA_LISTEN="+listen, "TONGFA_LOG_LEVEL=error")
	hub.Stdout, hub.Stderr = io.Discard, os.Stderr
	if err := hub.Start(); err != nil {
		return err
	}
	defer func() { hub.Process.Kill(); hub.Wait() }() //nolint:errcheck
	base := "http://" + listen
	if err := waitReady(base); err != nil {
		return err
	}
	idle := rss(hub.Process.Pid)

	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	var wg sync.WaitGroup
	var peak atomic.Int64
	peak.Store(idle)
	wg.Add(1)
	go func() { // resident memory, every 100 ms
		defer wg.Done()
		for ctx.Err() == nil {
			if r := rss(hub.Process.Pid); r > peak.Load() {
				peak.Store(r)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	var lat []time.Duration
	var probeErrs int
	wg.Add(1)
	go func() { // /healthz, every 50 ms, on its own connection
		defer wg.Done()
		c := &http.Client{Timeout: 5 * time.Second}
		for ctx.Err() == nil {
			t0 := time.Now()
			resp, err := c.Get(base + "/healthz")
			if err == nil {
				io.Copy(io.Discard, resp.Body) //nolint:errcheck
				resp.Body.Close()
			}
			if err != nil || resp.StatusCode != 200 {
				probeErrs++
			} else {
				lat = append(lat, time.Since(t0))
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	var mu sync.Mutex
	statuses := map[int]int{}
	var seq atomic.Int64
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ip := net.IPv4(127, 0, byte(2+(i%addrs)/250), byte(2+(i%addrs)%250))
			c := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
				DialContext:         (&net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}}).DialContext,
				MaxIdleConnsPerHost: 1,
			}}
			for ctx.Err() == nil {
				body := fmt.Sprintf(`{"username":"storm%d","password":"wrong-password"}`, seq.Add(1))
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/session", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				resp, err := c.Do(req)
				st := 0
				if err == nil {
					io.Copy(io.Discard, resp.Body) //nolint:errcheck
					resp.Body.Close()
					st = resp.StatusCode
				} else if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
					return
				}
				mu.Lock()
				statuses[st]++
				mu.Unlock()
				if st == http.StatusTooManyRequests {
					time.Sleep(time.Second) // a polite attacker; an impolite one only gets more 429s
				}
			}
		}()
	}
	wg.Wait()
	after := rss(hub.Process.Pid)

	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(float64(len(lat))*p))]
	}
	fmt.Printf("clients %d from %d addresses for %s\n", clients, addrs, duration)
	fmt.Printf("logins by status: %v\n", statuses)
	fmt.Printf("resident memory: idle %d MB, peak %d MB, after %d MB\n", idle>>20, peak.Load()>>20, after>>20)
	fmt.Printf("/healthz: %d probes, p50 %s, p99 %s, max %s, failed %d\n", len(lat), pct(.50), pct(.99), pct(1), probeErrs)
	var fails []string
	if peak.Load()>>20 > maxRSS {
		fails = append(fails, fmt.Sprintf("peak resident memory %d MB > %d MB", peak.Load()>>20, maxRSS))
	}
	if pct(.99) > maxP99 {
		fails = append(fails, fmt.Sprintf("/healthz p99 %s > %s", pct(.99), maxP99))
	}
	if probeErrs > 0 {
		fails = append(fails, fmt.Sprintf("%d /healthz probes failed", probeErrs))
	}
	if len(fails) > 0 {
		return errors.New(strings.Join(fails, "; "))
	}
	return nil
}

func waitReady(base string) error {
	for range 200 {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("the hub did not answer /healthz in 20 s")
}

// rss is a process's resident memory in bytes (VmRSS), 0 when unknown.
func rss(pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
