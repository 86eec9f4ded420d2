package media

import (
	"net/netip"
	"testing"
)

func TestClassify(t *testing.T) {
	cases := []struct {
		name, ip, want string
	}{
		{"public IPv4", "203.0.113.7", ""},
		{"public IPv6", "2001:db8::1", ""},
		{"just outside 10/8", "11.0.0.1", ""},
		{"just outside CGNAT", "100.128.0.1", ""},
		{"just outside 172.16/12", "172.32.0.1", ""},
		{"this network", "0.1.2.3", kindInvalid},
		{"unspecified IPv4", "0.0.0.0", kindInvalid},
		{"unspecified IPv6", "::", kindInvalid},
		{"loopback", "127.0.0.1", kindLoopback},
		{"loopback, anywhere in 127/8", "127.255.0.9", kindLoopback},
		{"IPv6 loopback", "::1", kindLoopback},
		{"RFC 1918 10/8", "10.1.2.3", kindPrivate},
		{"RFC 1918 172.16/12", "172.31.255.255", kindPrivate},
		{"RFC 1918 192.168/16", "192.168.0.1", kindPrivate},
		{"CGNAT", "100.64.0.1", kindPrivate},
		{"unique local", "fd12:3456::1", kindPrivate},
		{"site local", "fec0::1", kindPrivate},
		{"cloud metadata", "169.254.169.254", kindLinkLocal},
		{"IPv6 link local", "fe80::1", kindLinkLocal},
		{"IPv6 link local with a zone", "fe80::1%eth0", kindLinkLocal},
		{"multicast", "239.1.1.1", kindMulticast},
		{"IPv6 multicast", "ff02::1", kindMulticast},
		{"broadcast", "255.255.255.255", kindReserved},
		{"mapped loopback", "::ffff:127.0.0.1", kindLoopback},
		{"mapped private", "::ffff:10.0.0.1", kindPrivate},
		{"mapped metadata", "::ffff:169.254.169.254", kindLinkLocal},
		{"mapped public", "::ffff:203.0.113.7", ""},
		{"NAT64 of a private address", "64:ff9b::a00:1", kindPrivate},
		{"NAT64 of loopback", "64:ff9b::7f00:1", kindLoopback},
		{"NAT64 of a public address", "64:ff9b::cb00:7107", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := classify(netip.MustParseAddr(c.ip)); got != c.want {
				t.Errorf("classify(%s) = %q, want %q", c.ip, got, c.want)
			}
		})
	}
	if classify(netip.Addr{}) == "" {
		t.Error("an unparsed address must be refused")
	}
}

func TestCheckFailsClosed(t *testing.T) {
	if check("x:80", "not an address") == nil {
		t.Error("an address the guard cannot read must be refused")
	}
	if err := check("cdn.example:443", "203.0.113.7:443"); err != nil {
		t.Errorf("a public address refused: %v", err)
	}
	if err := check("cdn.example:80", "[::ffff:127.0.0.1]:80"); err == nil {
		t.Error("a mapped loopback address passed")
	}
}

func TestAllowList(t *testing.T) {
	a := newAllowList([]string{" Images.Office.GOV.cn ", "127.0.0.1:8090", "[::1]:9000", "fd00::5", "", "cms.local."})
	cases := []struct {
		host, port string
		want       bool
	}{
		{"images.office.gov.cn", "443", true},
		{"IMAGES.office.gov.cn.", "80", true}, // any port, any case, a trailing dot
		{"127.0.0.1", "8090", true},
		{"127.0.0.1", "8091", false}, // host:port allows that port only
		{"::1", "9000", true},
		{"::1", "80", false},
		{"fd00::5", "80", true},
		{"cms.local", "80", true},
		{"office.gov.cn", "443", false}, // no subdomain matching
		{"evil-images.office.gov.cn", "443", false},
		{"", "80", false},
	}
	for _, c := range cases {
		if got := a.has(c.host, c.port); got != c.want {
			t.Errorf("has(%q, %q) = %v, want %v", c.host, c.port, got, c.want)
		}
	}
}

// FuzzMappedAlike: an IPv4 address and its IPv4-mapped IPv6 form are
// judged alike, whatever the address.
func FuzzMappedAlike(f *testing.F) {
	f.Add([]byte{127, 0, 0, 1})
	f.Add([]byte{169, 254, 169, 254})
	f.Add([]byte{8, 8, 8, 8})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) != 4 {
			return
		}
		v4 := netip.AddrFrom4([4]byte(b))
		mapped := netip.AddrFrom16(v4.As16())
		if classify(v4) != classify(mapped) {
			t.Fatalf("%s is %q but %s is %q", v4, classify(v4), mapped, classify(mapped))
		}
	})
}
