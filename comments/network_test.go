package comments_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/folioblog/folio/comments"
)

func TestNetworkKey(t *testing.T) {
	tests := []struct {
		name, addr, want string
	}{
		{"IPv4 is kept whole", "192.0.2.1", "192.0.2.1"},
		{"IPv4 neighbours differ", "192.0.2.2", "192.0.2.2"},
		{"IPv6 is cut to its /64", "2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"IPv6 in the same /64", "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"},
		{"IPv6 in the next /64", "2001:db8:1:3::1", "2001:db8:1:3::/64"},
		{"IPv6 written in full", "2001:0db8:0001:0002:0000:0000:0000:0001", "2001:db8:1:2::/64"},
		{"IPv4-mapped IPv6 is IPv4", "::ffff:192.0.2.1", "192.0.2.1"},
		{"zone dropped", "fe80::1%eth0", "fe80::/64"},
		{"spaces trimmed", " 192.0.2.1 ", "192.0.2.1"},
		{"not an address", "unix-socket", "unix-socket"},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, comments.NetworkKey(tc.addr))
		})
	}
}
