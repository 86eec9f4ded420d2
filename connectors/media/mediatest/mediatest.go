// Package mediatest gives tests of the media guard names that resolve
// where the test says, so that "a name resolving to an internal address"
// can be checked without real DNS.
package mediatest

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net"
	"net/netip"
	"strings"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

// Resolver returns a resolver whose DNS server answers the names in hosts
// (name → IP address) and "no such host" for any other. The server runs
// on 127.0.0.1 until the test ends; names in /etc/hosts still resolve from
// there, as they would in production.
func Resolver(t testing.TB, hosts map[string]string) *net.Resolver {
	t.Helper()
	known := map[string]netip.Addr{}
	for name, ip := range hosts {
		known[strings.ToLower(strings.TrimSuffix(name, "."))] = netip.MustParseAddr(ip)
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go serve(pc, known)
	addr := pc.LocalAddr().String()
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", addr)
	}}
}

func serve(pc net.PacketConn, known map[string]netip.Addr) {
	buf := make([]byte, 512)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		if out, err := answer(buf[:n], known); err == nil {
			pc.WriteTo(out, from) //nolint:errcheck // the resolver asks again
		}
	}
}

// answer builds the reply to one query: the address when its family
// matches the question, nothing otherwise, NXDOMAIN for unknown names.
func answer(query []byte, known map[string]netip.Addr) ([]byte, error) {
	var p dnsmessage.Parser
	h, err := p.Start(query)
	if err != nil {
		return nil, err
	}
	q, err := p.Question()
	if err != nil {
		return nil, err
	}
	ip, ok := known[strings.ToLower(strings.TrimSuffix(q.Name.String(), "."))]
	rh := dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionDesired: h.RecursionDesired, RecursionAvailable: true}
	if !ok {
		rh.RCode = dnsmessage.RCodeNameError
	}
	b := dnsmessage.NewBuilder(nil, rh)
	if err := b.StartQuestions(); err != nil {
		return nil, err
	}
	if err := b.Question(q); err != nil {
		return nil, err
	}
	if err := b.StartAnswers(); err != nil {
		return nil, err
	}
	rr := dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 1}
	switch {
	case ok && q.Type == dnsmessage.TypeA && ip.Is4():
		err = b.AResource(rr, dnsmessage.AResource{A: ip.As4()})
	case ok && q.Type == dnsmessage.TypeAAAA && ip.Is6():
		err = b.AAAAResource(rr, dnsmessage.AAAAResource{AAAA: ip.As16()})
	}
	if err != nil {
		return nil, err
	}
	return b.Finish()
}

// PNG returns a real one-pixel PNG image.
func PNG(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
