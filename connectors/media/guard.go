package media

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"syscall"
)

// rule is a range of addresses a URL from content may not reach, and what
// the refusal calls it.
type rule struct {
	prefix netip.Prefix
	kind   string
}

const (
	kindInvalid   = "无效地址"
	kindLoopback  = "本机地址"
	kindPrivate   = "内网地址"
	kindLinkLocal = "链路本地地址（含云服务器元数据地址）"
	kindMulticast = "组播地址"
	kindReserved  = "保留地址"
)

var rules = []rule{
	{netip.MustParsePrefix("0.0.0.0/8"), kindInvalid},
	{netip.MustParsePrefix("10.0.0.0/8"), kindPrivate},
	{netip.MustParsePrefix("100.64.0.0/10"), kindPrivate}, // carrier-grade NAT: often the hub's own network
	{netip.MustParsePrefix("127.0.0.0/8"), kindLoopback},
	{netip.MustParsePrefix("169.254.0.0/16"), kindLinkLocal},
	{netip.MustParsePrefix("172.16.0.0/12"), kindPrivate},
	{netip.MustParsePrefix("192.168.0.0/16"), kindPrivate},
	{netip.MustParsePrefix("224.0.0.0/4"), kindMulticast},
	{netip.MustParsePrefix("240.0.0.0/4"), kindReserved}, // and the broadcast address
	{netip.MustParsePrefix("::/128"), kindInvalid},
	{netip.MustParsePrefix("::1/128"), kindLoopback},
	{netip.MustParsePrefix("fc00::/7"), kindPrivate},
	{netip.MustParsePrefix("fec0::/10"), kindPrivate}, // deprecated site-local, still routed by some networks
	{netip.MustParsePrefix("fe80::/10"), kindLinkLocal},
	{netip.MustParsePrefix("ff00::/8"), kindMulticast},
}

// nat64 is the well-known NAT64 prefix: a gateway on the hub's network
// would carry 64:ff9b::10.0.0.1 to 10.0.0.1.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// classify says which forbidden range ip is in, or "" when content may
// reach it. IPv4 addresses written as IPv6 (mapped, NAT64) are judged as
// the IPv4 address they reach.
func classify(ip netip.Addr) string {
	if !ip.IsValid() {
		return kindInvalid
	}
	ip = ip.WithZone("").Unmap() // a prefix never contains an address with a zone
	if nat64.Contains(ip) {
		b := ip.As16()
		ip = netip.AddrFrom4([4]byte(b[12:]))
	}
	for _, r := range rules {
		if r.prefix.Contains(ip) {
			return r.kind
		}
	}
	return ""
}

// refusedError is a connection the guard would not make.
type refusedError struct {
	addr string     // host:port as dialled
	host string     // its host, as the URL names it
	ip   netip.Addr // what it resolved to
	kind string
}

func (e *refusedError) Error() string {
	return fmt.Sprintf("media: %s resolves to %s, an address content may not reach", e.addr, e.ip)
}

// allowList holds the hosts, or host:port pairs, an administrator trusts
// whatever they resolve to (TONGFA_MEDIA_HOSTS).
type allowList map[string]bool

func newAllowList(entries []string) allowList {
	a := allowList{}
	for _, e := range entries {
		e = strings.ToLower(strings.TrimSpace(e))
		if h, p, err := net.SplitHostPort(e); err == nil {
			a[net.JoinHostPort(strings.TrimSuffix(h, "."), p)] = true
		} else if e != "" {
			a[strings.TrimSuffix(strings.Trim(e, "[]"), ".")] = true
		}
	}
	return a
}

func (a allowList) has(host, port string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	return a[host] || a[net.JoinHostPort(host, port)]
}

// guard dials for the fetcher. The check runs in the dialer's Control
// hook, on the very address each connection is about to use after name
// resolution, so a name that resolves one way when looked at and another
// when connected to (DNS rebinding) gets no second chance.
type guard struct {
	allow    allowList
	resolver *net.Resolver
}

func (g *guard) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	d := &net.Dialer{Resolver: g.resolver}
	if !g.allow.has(host, port) {
		d.Control = func(_, address string, _ syscall.RawConn) error { return check(addr, address) }
	}
	return d.DialContext(ctx, network, addr)
}

// check refuses a connection to address (ip:port) made for addr, the
// host:port being dialled.
func check(addr, address string) error {
	host, _, _ := net.SplitHostPort(addr)
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &refusedError{addr: addr, host: host, kind: kindInvalid}
	}
	if kind := classify(ap.Addr()); kind != "" {
		return &refusedError{addr: addr, host: host, ip: ap.Addr().WithZone("").Unmap(), kind: kind}
	}
	return nil
}
