package redisconn

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/redis/go-redis/v9"
)

// ClusterOpt is the asynq connection option of a Redis Cluster. Unlike
// asynq's RedisClusterClientOpt it keeps every go-redis option the URL
// set (pool size, retries, timeouts), so the queue's connections are
// tuned like the rest.
type ClusterOpt struct{ Options *redis.ClusterOptions }

// MakeRedisClient returns a new client for the cluster (asynq.RedisConnOpt).
func (c ClusterOpt) MakeRedisClient() any {
	o := *c.Options
	return redis.NewClusterClient(&o)
}

// ParseCluster reads
//
//	redis-cluster://[user[:password]@]host:port[,host:port…][?option=value&…]
//	rediss-cluster://…   (TLS)
//
// The hosts are seeds: any reachable node tells the client the rest. The
// options are go-redis's cluster URL options (dial_timeout, read_timeout,
// write_timeout, pool_size, max_retries, max_redirects, …) and, for TLS,
// tls_server_name (the name every node's certificate is checked against;
// by default the host each node is dialled by) and tls_ca_file (PEM roots
// instead of the system's). A cluster has database 0 only.
func ParseCluster(raw string) (*redis.ClusterOptions, error) {
	u, hosts, err := splitHosts(raw)
	if err != nil {
		return nil, err
	}
	if u.Path != "" && u.Path != "/" && u.Path != "/0" {
		return nil, errors.New("redis: a cluster has database 0 only; remove the path from the url")
	}
	q := u.Query()
	serverName, caFile := q.Get("tls_server_name"), q.Get("tls_ca_file")
	q.Del("tls_server_name")
	q.Del("tls_ca_file")
	useTLS := u.Scheme == "rediss-cluster"
	if !useTLS && (serverName != "" || caFile != "") {
		return nil, errors.New("redis: tls_server_name and tls_ca_file need rediss-cluster://")
	}
	for i, h := range hosts {
		if _, _, err := net.SplitHostPort(h); err != nil {
			hosts[i] = net.JoinHostPort(h, "6379")
		}
		if i > 0 {
			q.Add("addr", hosts[i])
		}
	}
	// go-redis parses the options (and refuses unknown ones) from its own
	// form: the first node in the authority, the others as addr=.
	seed := url.URL{Scheme: "redis", User: u.User, Host: hosts[0], RawQuery: q.Encode()}
	o, err := redis.ParseClusterURL(seed.String())
	if err != nil {
		return nil, fmt.Errorf("redis: parse cluster url: %w", err)
	}
	if useTLS {
		if o.TLSConfig, err = clusterTLS(serverName, caFile); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// splitHosts takes the host list out of raw before url.Parse sees it (Go
// refuses a host list whose last host has no port) and parses the rest
// around a placeholder host.
func splitHosts(raw string) (*url.URL, []string, error) {
	scheme, rest, _ := strings.Cut(raw, "://")
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority, tail := rest[:end], rest[end:]
	user, list := "", authority
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		user, list = authority[:i+1], authority[i+1:]
	}
	hosts := strings.Split(list, ",")
	if slices.Contains(hosts, "") {
		return nil, nil, fmt.Errorf("redis: cluster url needs host:port[,host:port…], got %q", list)
	}
	u, err := url.Parse(scheme + "://" + user + "seed" + tail)
	if err != nil {
		return nil, nil, fmt.Errorf("redis: parse cluster url: %w", err)
	}
	return u, hosts, nil
}

// clusterTLS leaves ServerName empty unless told: crypto/tls then checks
// each node against the address it is dialled by, which for the nodes the
// cluster announces is not the seed's name.
func clusterTLS(serverName, caFile string) (*tls.Config, error) {
	c := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: serverName}
	if caFile == "" {
		return c, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("redis: tls_ca_file: %w", err)
	}
	c.RootCAs = x509.NewCertPool()
	if !c.RootCAs.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("redis: tls_ca_file %s holds no PEM certificate", caFile)
	}
	return c, nil
}
