package comments_test

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

// start is the fake clock's first reading.
var start = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

// clock is a fake clock tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: start} }

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

// recorder keeps the events a Service emits.
type recorder struct {
	mu     sync.Mutex
	events []comments.Event
}

func (r *recorder) Notify(_ context.Context, e comments.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	return nil
}

func (r *recorder) Kinds() []comments.EventKind {
	r.mu.Lock()
	defer r.mu.Unlock()
	var kinds []comments.EventKind
	for _, e := range r.events {
		kinds = append(kinds, e.Kind)
	}
	return kinds
}

// harness is a Service over a fresh memstore with a fake clock and an
// event recorder. Its tokens need no minimum age, so that tests other than
// the token tests need not move the clock.
type harness struct {
	svc    *comments.Service
	store  *memstore.Store
	clock  *clock
	events *recorder
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// openThreads takes every thread key to name an open thread, for the
// tests about anything but thread policies.
var openThreads = comments.ThreadPolicyFunc(func(context.Context, string) (comments.ThreadInfo, error) {
	return comments.ThreadInfo{Open: true}, nil
})

func newHarness(t testing.TB, opts ...comments.Option) *harness {
	t.Helper()
	return newHarnessThreads(t, openThreads, opts...)
}

// newHarnessThreads is newHarness with the thread policy threads.
func newHarnessThreads(t testing.TB, threads comments.ThreadPolicy, opts ...comments.Option) *harness {
	t.Helper()
	h := &harness{store: memstore.New(), clock: newClock(), events: &recorder{}}
	base := []comments.Option{
		comments.WithClock(h.clock.Now),
		comments.WithTokenKey(testKey),
		comments.WithTokenAge(0, 24*time.Hour),
		comments.WithLogger(quietLogger()),
		comments.WithNotifier(h.events),
	}
	svc, err := comments.NewService(h.store, threads, append(base, opts...)...)
	require.NoError(t, err)
	h.svc = svc
	return h
}

// sub returns a valid anonymous submission on thread with a fresh token.
func (h *harness) sub(thread, name, email, body string) comments.Submission {
	return comments.Submission{
		Thread:    thread,
		Author:    comments.Author{Name: name, Email: email},
		Body:      body,
		IP:        "192.0.2.1",
		UserAgent: "test-agent/1.0",
		Token:     h.svc.NewToken(thread),
	}
}

// submit submits s, requires it to be taken, and moves the clock past the
// flood interval so the next submission is not a flood.
func (h *harness) submit(t testing.TB, s comments.Submission) *comments.Comment {
	t.Helper()
	c, err := h.svc.Submit(context.Background(), s)
	require.NoError(t, err)
	h.clock.Advance(time.Minute)
	return c
}

// approved submits a trusted comment on thread, approved at once.
func (h *harness) approved(t testing.TB, thread string, parent int64, body string) *comments.Comment {
	t.Helper()
	s := h.sub(thread, "Moderator", "mod@example.com", body)
	s.ParentID = parent
	s.Trusted = true
	c := h.submit(t, s)
	require.Equal(t, comments.StatusApproved, c.Status)
	return c
}
