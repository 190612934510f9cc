package bloghttp

import (
	"net/http"
	"net/netip"
	"strings"
)

// TrustedProxyClientIP returns a function for [WithClientIP] that believes
// the X-Forwarded-For header only on requests whose r.RemoteAddr is in
// one of the trusted prefixes: the proxies the host runs in front of the
// site. The visitor's address is then the rightmost address of the header
// not itself in a trusted prefix (each proxy appends the address it got
// the request from, so addresses to its left are whatever the client
// wrote). A request from anywhere else, or without the header, or with a
// header that does not parse, gets the host part of r.RemoteAddr, as by
// default. With no prefixes nothing is trusted.
func TrustedProxyClientIP(trusted ...netip.Prefix) func(*http.Request) string {
	isTrusted := func(a netip.Addr) bool {
		a = a.Unmap()
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	return func(r *http.Request) string {
		remote := remoteIP(r)
		peer, err := netip.ParseAddr(remote)
		if err != nil || !isTrusted(peer) {
			return remote
		}
		var hops []string
		for _, h := range r.Header.Values("X-Forwarded-For") {
			hops = append(hops, strings.Split(h, ",")...)
		}
		for i := len(hops) - 1; i >= 0; i-- {
			a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				return remote
			}
			if !isTrusted(a) {
				return a.Unmap().String()
			}
		}
		return remote
	}
}
