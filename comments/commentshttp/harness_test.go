package commentshttp_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/memstore"
)

// testKey is a fixed token key, so tests never depend on a random one.
var testKey = []byte("0123456789abcdef0123456789abcdef")

// clock is a fake clock tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// openThreads takes every thread key to name an open thread.
var openThreads = comments.ThreadPolicyFunc(func(context.Context, string) (comments.ThreadInfo, error) {
	return comments.ThreadInfo{Open: true}, nil
})

// harness is a Service over a fresh memstore with a fake clock. Its
// tokens need no minimum age.
type harness struct {
	svc   *comments.Service
	store *memstore.Store
	clock *clock
}

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func newHarness(t testing.TB, opts ...comments.Option) *harness {
	t.Helper()
	return newHarnessThreads(t, openThreads, opts...)
}

// newHarnessThreads is newHarness with the thread policy threads.
func newHarnessThreads(t testing.TB, threads comments.ThreadPolicy, opts ...comments.Option) *harness {
	t.Helper()
	h := &harness{store: memstore.New(), clock: &clock{now: time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)}}
	base := []comments.Option{
		comments.WithClock(h.clock.Now),
		comments.WithTokenKey(testKey),
		comments.WithTokenAge(0, 24*time.Hour),
		comments.WithLogger(quietLogger()),
	}
	svc, err := comments.NewService(h.store, threads, append(base, opts...)...)
	require.NoError(t, err)
	h.svc = svc
	return h
}

func mustList(t testing.TB, h *harness, thread string) []*comments.Comment {
	t.Helper()
	list, err := h.store.ListComments(context.Background(), comments.CommentQuery{Thread: thread})
	require.NoError(t, err)
	return list
}
