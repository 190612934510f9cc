package reliability_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/memstore"
)

// TestFlood_OneAddress: one address sending comments as fast as it can
// gets one through and 429 with Retry-After for every other within the
// flood window, while another visitor can still comment and pages keep
// being served promptly.
func TestFlood_OneAddress(t *testing.T) {
	floodFor := 3 * time.Second
	if isLong() {
		floodFor = 12 * time.Second // still within the 15 s window
	}
	secret := newSecret(t)
	site := startSite(t, siteOptions{secret: secret})
	post := findOpenPost(t, site.base)
	mint := newTokenMinter(secret)

	// Tokens are minted ahead so the flood measures the site, not the
	// minting.
	const workers = 4
	type result struct {
		status     int
		retryAfter string
	}
	var (
		mu       sync.Mutex
		results  []result
		sent     atomic.Int64
		floodEnd = time.Now().Add(floodFor)
		wg       sync.WaitGroup
	)
	for w := range workers {
		wg.Go(func() {
			c := clientFrom("127.0.0.2")
			for n := 0; time.Now().Before(floodEnd); n++ {
				form := commentForm(post.thread, "Flo Od", fmt.Sprintf("flood %d from worker %d", n, w), mint.ready(t, post.thread))
				p, err := postForm(c, site.base, "/comments", form)
				if err != nil {
					t.Errorf("flood request failed: %v", err)
					return
				}
				sent.Add(1)
				mu.Lock()
				results = append(results, result{p.status, p.header.Get("Retry-After")})
				mu.Unlock()
			}
		})
	}

	// Page views during the flood, from a third address.
	var latencies []time.Duration
	var readerErr error
	wg.Go(func() {
		c := clientFrom("127.0.0.4")
		paths := []string{"/", post.path, "/feed/"}
		for i := 0; time.Now().Before(floodEnd); i++ {
			start := time.Now()
			resp, err := c.Get(site.base + paths[i%len(paths)])
			if err != nil {
				readerErr = err
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				readerErr = fmt.Errorf("GET %s: %d", paths[i%len(paths)], resp.StatusCode)
				return
			}
			latencies = append(latencies, time.Since(start))
		}
	})

	// Another visitor comments in the middle of the flood.
	time.Sleep(floodFor / 3)
	other := commentForm(post.thread, "Quiet Reader", "A calm comment while someone else floods the form.", mint.ready(t, post.thread))
	op, err := postForm(clientFrom("127.0.0.3"), site.base, "/comments", other)
	require.NoError(t, err)
	assert.Equal(t, http.StatusSeeOther, op.status, "a visitor at another address comments during the flood")

	wg.Wait()
	require.NoError(t, readerErr)
	require.NotEmpty(t, results)
	var taken, flooded int
	for _, r := range results {
		switch r.status {
		case http.StatusSeeOther:
			taken++
		case http.StatusTooManyRequests:
			flooded++
			secs, err := strconv.Atoi(r.retryAfter)
			if assert.NoError(t, err, "Retry-After %q", r.retryAfter) {
				assert.True(t, secs >= 1 && secs <= 15, "Retry-After %d s", secs)
			}
		default:
			t.Errorf("flood answer %d, want 303 once then 429", r.status)
		}
	}
	assert.Equal(t, 1, taken, "exactly one comment of the flood is taken")
	assert.Equal(t, len(results)-1, flooded, "every other one is refused with 429")

	require.NotEmpty(t, latencies)
	slices.Sort(latencies)
	p99 := latencies[(len(latencies)*99)/100]
	if len(latencies) < 100 {
		p99 = latencies[len(latencies)-1]
	}
	assert.Less(t, p99, 2*time.Second, "page views starve during the flood")
	t.Logf("flood: %d comments sent from one address in %v: %d taken, %d refused with 429; %d page views meanwhile, p50 %v, p99 %v",
		len(results), floodFor, taken, flooded, len(latencies), latencies[len(latencies)/2], p99)
}

// TestNonceCache_BoundedUnderManyVisitors: the used-token memory of the
// comment service holds at most its limit, however many visitors send
// forms, and a replay by a visitor still remembered is refused.
func TestNonceCache_BoundedUnderManyVisitors(t *testing.T) {
	visitors := 5000
	if isLong() {
		visitors = 50000
	}
	const limit = 1000
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	cache := comments.NewNonceCache(limit, clock)
	svc, err := comments.NewService(memstore.New(), anyThread,
		comments.WithClock(clock),
		comments.WithLogger(slog.New(slog.DiscardHandler)),
		comments.WithTokenKey([]byte("a key of at least thirty-two bytes, for tests")),
		comments.WithTokenAge(0, comments.DefaultTokenMaxAge),
		comments.WithNonceStore(cache))
	require.NoError(t, err)
	ctx := context.Background()
	tok := svc.NewToken("42") // one cached form served to everyone
	for i := range visitors {
		ip := fmt.Sprintf("10.%d.%d.%d", i>>16&0xff, i>>8&0xff, i&0xff)
		require.NoError(t, svc.VerifyToken(ctx, tok, "42", ip), "visitor %s", ip)
		require.LessOrEqual(t, cache.Len(), limit)
	}
	assert.Equal(t, limit, cache.Len(), "the cache fills up to its limit and no further")
	last := fmt.Sprintf("10.%d.%d.%d", (visitors-1)>>16&0xff, (visitors-1)>>8&0xff, (visitors-1)&0xff)
	assert.ErrorIs(t, svc.VerifyToken(ctx, tok, "42", last), comments.ErrBadToken, "a replay by a remembered visitor")

	// The default cache of a service is bounded by DefaultNonceLimit.
	def := comments.NewNonceCache(comments.DefaultNonceLimit, clock)
	for i := range comments.DefaultNonceLimit + 500 {
		fresh, err := def.Use(ctx, strconv.Itoa(i), now.Add(time.Hour))
		require.NoError(t, err)
		require.True(t, fresh)
	}
	assert.Equal(t, comments.DefaultNonceLimit, def.Len())
}
