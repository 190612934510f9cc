package comments

import (
	"net/netip"
	"strings"
)

// NetworkKey returns the key under which Folio counts what a visitor at
// addr does (the flood guard, form tokens, failed sign-ins, likes): an
// IPv4 address as it is, an IPv6 address reduced to its /64 ("2001:db8::/64"),
// since one household, phone or server is given a whole /64 and picks any
// address in it at will. An IPv4-mapped IPv6 address (::ffff:192.0.2.1)
// is its IPv4 address; a zone (%eth0) is dropped. Text that is no address
// is returned trimmed of spaces, as it is.
func NetworkKey(addr string) string {
	addr = strings.TrimSpace(addr)
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	return netip.PrefixFrom(a, 64).Masked().String()
}
