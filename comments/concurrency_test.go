package comments_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/memstore"
)

func TestService_concurrentUse(t *testing.T) {
	t.Parallel()
	h := newHarness(t, comments.WithRules())
	ctx := context.Background()
	const n = 32
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range n {
		wg.Go(func() {
			s := h.sub("p", fmt.Sprintf("Visitor %d", i), fmt.Sprintf("v%d@example.com", i), fmt.Sprintf("comment %d", i))
			s.IP = fmt.Sprintf("198.51.100.%d", i)
			_, err := h.svc.Submit(ctx, s)
			errs <- err
			_, err = h.svc.Thread(ctx, "p", 1, 10)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	tp, err := h.svc.Thread(ctx, "p", 1, 0)
	require.NoError(t, err)
	assert.Equal(t, n, tp.Total)
}

func TestService_VerifyToken_concurrentReplay(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tok := h.svc.NewToken("p")
	const n = 16
	var wg sync.WaitGroup
	results := make(chan error, n)
	for range n {
		wg.Go(func() { results <- h.svc.VerifyToken(context.Background(), tok, "p", "192.0.2.1") })
	}
	wg.Wait()
	close(results)
	accepted, reused := 0, 0
	for err := range results {
		var te *comments.TokenError
		switch {
		case err == nil:
			accepted++
		case errors.As(err, &te) && te.Problem == comments.TokenReused:
			reused++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	assert.Equal(t, 1, accepted, "a token is accepted once, however many race")
	assert.Equal(t, n-1, reused)
}

// plainStore hides every method of a store but those of comments.Store,
// so the Service cannot use comments.GuardedStore.
type plainStore struct{ comments.Store }

func TestService_Submit_guards(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		guarded bool
	}{{"guarded store", true}, {"plain store", false}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := comments.Store(memstore.New())
			if !tt.guarded {
				store = plainStore{store}
			}
			_, isGuarded := store.(comments.GuardedStore)
			require.Equal(t, tt.guarded, isGuarded)
			clk := newClock()
			svc, err := comments.NewService(store, openThreads, comments.WithRules(), comments.WithClock(clk.Now),
				comments.WithTokenKey(testKey), comments.WithTokenAge(0, time.Hour), comments.WithLogger(quietLogger()))
			require.NoError(t, err)
			h := &harness{svc: svc}
			ctx := context.Background()

			_, err = svc.Submit(ctx, h.sub("p", "Ann", "ann@example.com", "one"))
			require.NoError(t, err)
			_, err = svc.Submit(ctx, h.sub("p", "Ann", "ann@example.com", "one"))
			assert.ErrorIs(t, err, comments.ErrDuplicate)
			clk.Advance(10 * time.Second)
			_, err = svc.Submit(ctx, h.sub("p", "Ann", "ann@example.com", "two"))
			var fe *comments.FloodError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, 5*time.Second, fe.RetryAfter)
			clk.Advance(5 * time.Second)
			_, err = svc.Submit(ctx, h.sub("p", "Ann", "ann@example.com", "two"))
			assert.NoError(t, err)
		})
	}
}

// TestService_Submit_racingDuplicates needs a comments.GuardedStore: with
// one, identical submissions racing each other are stored once.
func TestService_Submit_racingDuplicates(t *testing.T) {
	t.Parallel()
	h := newHarness(t, comments.WithRules())
	const n = 8
	subs := make([]comments.Submission, n)
	for i := range subs {
		subs[i] = h.sub("p", "Ann", "ann@example.com", "the same words")
		subs[i].IP = fmt.Sprintf("198.51.100.%d", i)
	}
	var wg sync.WaitGroup
	results := make(chan error, n)
	for _, s := range subs {
		wg.Go(func() {
			_, err := h.svc.Submit(context.Background(), s)
			results <- err
		})
	}
	wg.Wait()
	close(results)
	stored := 0
	for err := range results {
		if err == nil {
			stored++
			continue
		}
		assert.True(t, errors.Is(err, comments.ErrDuplicate) || errors.Is(err, comments.ErrFlood), "%v", err)
	}
	assert.Equal(t, 1, stored)
	assert.Len(t, mustList(t, h, "p"), 1)
}
