package comments

import (
	"net/netip"
	"strings"
	"sync"
	"time"
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

// maxFloodNetworks bounds the flood guard's memory of networks.
const maxFloodNetworks = 10000

// floodNetworks is the flood guard's memory of when each network
// ([NetworkKey]) last had a comment stored. The store is asked about the
// very address and email; this adds the rest of an IPv6 /64, which the
// store cannot match. It serves one process; its zero value is ready.
type floodNetworks struct {
	mu   sync.Mutex
	last map[string]time.Time
}

// wait returns how long network must wait at now before it may comment
// again, interval after its last comment; 0 if it may now.
func (f *floodNetworks) wait(network string, now time.Time, interval time.Duration) time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	last, ok := f.last[network]
	if !ok || network == "" {
		return 0
	}
	since := now.Sub(last)
	if since >= interval {
		return 0
	}
	return min(interval-max(since, 0), interval)
}

// record notes a comment from network at at. When the memory is full it
// forgets the networks whose interval has passed, then the oldest.
func (f *floodNetworks) record(network string, at time.Time, interval time.Duration) {
	if network == "" {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.last == nil {
		f.last = make(map[string]time.Time)
	}
	if _, ok := f.last[network]; !ok && len(f.last) >= maxFloodNetworks {
		oldest, first := "", true
		for k, t := range f.last {
			if at.Sub(t) >= interval {
				delete(f.last, k)
			} else if first || t.Before(f.last[oldest]) {
				oldest, first = k, false
			}
		}
		if len(f.last) >= maxFloodNetworks {
			delete(f.last, oldest)
		}
	}
	if t, ok := f.last[network]; !ok || at.After(t) {
		f.last[network] = at
	}
}
