package main

import (
	"flag"
	"fmt"
	"net/http"
	"net/netip"
	"strings"

	"github.com/folioblog/folio/blog/bloghttp"
)

// proxyFlag is -trusted-proxy: the address ranges of reverse proxies whose
// X-Forwarded-For header gives the visitor's address. Empty (the default)
// trusts no header: a visitor can then write any address there.
type proxyFlag []netip.Prefix

func (p *proxyFlag) String() string {
	var s []string
	for _, x := range *p {
		s = append(s, x.String())
	}
	return strings.Join(s, ",")
}

// Set takes one CIDR prefix, or several separated by commas; the flag may
// be repeated.
func (p *proxyFlag) Set(v string) error {
	for _, part := range strings.Split(v, ",") {
		pre, err := netip.ParsePrefix(strings.TrimSpace(part))
		if err != nil {
			return fmt.Errorf("not a CIDR prefix: %q", part)
		}
		*p = append(*p, pre.Masked())
	}
	return nil
}

// addProxyFlag registers -trusted-proxy on fs.
func addProxyFlag(fs *flag.FlagSet, cfg *config) {
	fs.Var(&cfg.trustedProxies, "trusted-proxy", "trust X-Forwarded-For from reverse proxies in `CIDR` (repeatable; default none)")
}

// proxyClientIP returns how the site finds a visitor's address with
// -trusted-proxy, or nil (the host part of RemoteAddr) without it.
func proxyClientIP(cfg config) func(*http.Request) string {
	if len(cfg.trustedProxies) == 0 {
		return nil
	}
	return bloghttp.TrustedProxyClientIP(cfg.trustedProxies...)
}
