package redistest

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// failoverWait bounds how long a replica may take to be promoted.
const failoverWait = 30 * time.Second

// KillMaster SIGKILLs the cluster master serving key's slot and waits
// until one of its replicas serves the slot instead. It returns the dead
// and the new master's addresses. The cluster must be a plain one (no
// password, no TLS).
func (l *Local) KillMaster(t testing.TB, key string) (dead, promoted string) {
	t.Helper()
	ctx := context.Background()
	probe := redis.NewClient(&redis.Options{Addr: l.addr(0)})
	defer probe.Close()
	slot, err := probe.ClusterKeySlot(ctx, key).Result()
	if err == nil {
		dead, err = l.slotMaster(ctx, int(slot), "")
	}
	if err == nil {
		err = killNode(ctx, dead)
	}
	if err != nil {
		t.Fatalf("redistest: kill the master of %q: %v", key, err)
	}
	for end := time.Now().Add(failoverWait); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		if promoted, err = l.slotMaster(ctx, int(slot), dead); err == nil && promoted != dead {
			return dead, promoted
		}
	}
	t.Fatalf("redistest: no replica took over slot %d from %s within %s (last: %v)", slot, dead, failoverWait, err)
	return "", ""
}

// slotMaster asks the live nodes (all but skip) which master serves slot;
// a node that lists one that does not itself answer as a master is not
// believed yet.
func (l *Local) slotMaster(ctx context.Context, slot int, skip string) (string, error) {
	err := fmt.Errorf("no node answered")
	for i := range 6 {
		if l.addr(i) == skip {
			continue
		}
		c := redis.NewClient(&redis.Options{Addr: l.addr(i)})
		slots, e := c.ClusterSlots(ctx).Result()
		c.Close()
		if e != nil {
			err = e
			continue
		}
		for _, s := range slots {
			if s.Start <= slot && slot <= s.End && len(s.Nodes) > 0 {
				if m := s.Nodes[0].Addr; m != skip && isMaster(ctx, m) {
					return m, nil
				}
			}
		}
	}
	return "", err
}

// KillPrimary SIGKILLs the Sentinel-managed primary and waits until the
// sentinels have promoted the replica. It returns the dead and the new
// primary's addresses.
func (l *Local) KillPrimary(t testing.TB) (dead, promoted string) {
	t.Helper()
	ctx := context.Background()
	s := redis.NewSentinelClient(&redis.Options{Addr: l.addr(2)})
	defer s.Close()
	primary := func() (string, error) {
		hp, err := s.GetMasterAddrByName(ctx, "tongfa").Result()
		if err != nil {
			return "", err
		}
		return net.JoinHostPort(hp[0], hp[1]), nil
	}
	dead, err := primary()
	if err == nil {
		err = killNode(ctx, dead)
	}
	if err != nil {
		t.Fatalf("redistest: kill the primary: %v", err)
	}
	for end := time.Now().Add(failoverWait); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		if promoted, err = primary(); err == nil && promoted != dead && isMaster(ctx, promoted) {
			return dead, promoted
		}
	}
	t.Fatalf("redistest: the sentinels promoted no replica within %s (last: %v)", failoverWait, err)
	return "", ""
}

func (l *Local) addr(i int) string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(l.Port+i)) }

func isMaster(ctx context.Context, addr string) bool {
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	role, err := c.Do(ctx, "ROLE").Slice()
	return err == nil && len(role) > 0 && role[0] == "master"
}
