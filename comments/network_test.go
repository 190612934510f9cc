package comments_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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

func TestService_Submit_floodPerNetwork(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		first, then string
		flood       bool
	}{
		{"another address of the same IPv6 /64", "2001:db8:1:2::1", "2001:db8:1:2:ffff::9", true},
		{"an IPv4 address and its IPv4-mapped IPv6 form", "192.0.2.1", "::ffff:192.0.2.1", true},
		{"another IPv6 /64", "2001:db8:1:2::1", "2001:db8:1:3::1", false},
		{"IPv4 neighbours", "192.0.2.1", "192.0.2.2", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, comments.WithRules())
			first := h.sub("post-1", "Ann", "ann@example.com", "first")
			first.IP = tc.first
			_, err := h.svc.Submit(context.Background(), first)
			require.NoError(t, err)
			h.clock.Advance(5 * time.Second)
			then := h.sub("post-1", "Bob", "bob@example.com", "second")
			then.IP = tc.then
			_, err = h.svc.Submit(context.Background(), then)
			if !tc.flood {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, comments.ErrFlood)
			var fe *comments.FloodError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, comments.DefaultFloodInterval-5*time.Second, fe.RetryAfter)

			h.clock.Advance(comments.DefaultFloodInterval)
			third := h.sub("post-1", "Bob", "bob@example.com", "third")
			third.IP = tc.then
			_, err = h.svc.Submit(context.Background(), third)
			assert.NoError(t, err, "the network may comment again after the interval")
		})
	}
}
