package bloghttp_test

import (
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/folioblog/folio/blog/bloghttp"
)

func TestTrustedProxyClientIP(t *testing.T) {
	local := netip.MustParsePrefix("127.0.0.1/32")
	lan := netip.MustParsePrefix("10.0.0.0/8")
	for _, tc := range []struct {
		name    string
		trusted []netip.Prefix
		remote  string
		xff     []string
		want    string
	}{
		{"NoProxyTrusted", nil, "127.0.0.1:5000", []string{"198.51.100.7"}, "127.0.0.1"},
		{"FromTrustedProxy", []netip.Prefix{local}, "127.0.0.1:5000", []string{"198.51.100.7"}, "198.51.100.7"},
		{"FromUntrustedPeer", []netip.Prefix{local}, "203.0.113.9:5000", []string{"198.51.100.7"}, "203.0.113.9"},
		{"NoHeader", []netip.Prefix{local}, "127.0.0.1:5000", nil, "127.0.0.1"},
		{"RightmostUntrusted", []netip.Prefix{local, lan}, "127.0.0.1:5000",
			[]string{"192.0.2.66, 198.51.100.7, 10.1.2.3"}, "198.51.100.7"},
		{"SeveralHeaders", []netip.Prefix{local, lan}, "127.0.0.1:5000",
			[]string{"192.0.2.66", "198.51.100.7, 10.1.2.3"}, "198.51.100.7"},
		{"Garbage", []netip.Prefix{local}, "127.0.0.1:5000", []string{"not an address"}, "127.0.0.1"},
		{"AllTrusted", []netip.Prefix{local, lan}, "127.0.0.1:5000", []string{"10.9.9.9"}, "127.0.0.1"},
		{"IPv6", []netip.Prefix{netip.MustParsePrefix("::1/128")}, "[::1]:5000", []string{"2001:db8::5"}, "2001:db8::5"},
		{"MappedPeer", []netip.Prefix{local}, "[::ffff:127.0.0.1]:5000", []string{"198.51.100.7"}, "198.51.100.7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/comments", nil)
			r.RemoteAddr = tc.remote
			for _, h := range tc.xff {
				r.Header.Add("X-Forwarded-For", h)
			}
			assert.Equal(t, tc.want, bloghttp.TrustedProxyClientIP(tc.trusted...)(r))
		})
	}
}

// FuzzTrustedProxyClientIP checks that no header makes a trusted
// proxy's own address, or a request's peer that is not trusted, pass for
// another: an address in the trusted range comes only from RemoteAddr.
func FuzzTrustedProxyClientIP(f *testing.F) {
	f.Add("127.0.0.1:1", "198.51.100.7, 10.0.0.1")
	f.Add("[::1]:1", ",,,")
	f.Fuzz(func(t *testing.T, remote, xff string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		r.Header.Set("X-Forwarded-For", xff)
		got := bloghttp.TrustedProxyClientIP(netip.MustParsePrefix("127.0.0.0/8"))(r)
		if a, err := netip.ParseAddr(got); err == nil && a.Is4() && netip.MustParsePrefix("127.0.0.0/8").Contains(a) {
			// A trusted address is only ever the peer itself.
			assert.Contains(t, remote, got)
		}
	})
}
