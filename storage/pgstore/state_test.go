package pgstore_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog/bloghttp"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/pgstore"
)

var (
	_ bloghttp.AuthStore   = (*pgstore.Store)(nil)
	_ comments.NonceKeeper = (*pgstore.Store)(nil)
)

func TestUseTokenNonce_OnceAcrossStores(t *testing.T) {
	schema := newSchema(t)
	stores := []comments.NonceKeeper{openStore(t, schema), openStore(t, schema)}
	ctx := context.Background()
	expires := time.Now().Add(time.Hour)
	for round := range 5 {
		nonce := fmt.Sprintf("nonce-%d", round)
		var fresh atomic.Int32
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				ok, err := stores[i%2].UseTokenNonce(ctx, nonce, expires)
				assert.NoError(t, err)
				if ok {
					fresh.Add(1)
				}
			})
		}
		wg.Wait()
		assert.Equal(t, int32(1), fresh.Load(), "round %d: exactly one use of a nonce is fresh, across instances", round)
	}
}

func TestRevokeSession_SeenByAnotherStore(t *testing.T) {
	schema := newSchema(t)
	a, b := openStore(t, schema), openStore(t, schema)
	ctx := context.Background()
	gone, err := b.SessionRevoked(ctx, "s1")
	require.NoError(t, err)
	assert.False(t, gone)
	require.NoError(t, a.RevokeSession(ctx, "s1", time.Now().Add(time.Hour)))
	require.NoError(t, a.RevokeSession(ctx, "s1", time.Now().Add(time.Hour)), "revoking twice is no error")
	gone, err = b.SessionRevoked(ctx, "s1")
	require.NoError(t, err)
	assert.True(t, gone)
}

func TestLoginFailures_Window(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	const window = 15 * time.Minute
	tests := []struct {
		name      string
		fail      []time.Duration // failures, after t0
		at        time.Duration   // asked at, after t0
		wantN     int
		wantUntil time.Duration // after t0; ignored when wantN is 0
	}{
		{"none", nil, 0, 0, 0},
		{"counted in the window", []time.Duration{0, time.Minute, 2 * time.Minute}, 3 * time.Minute, 3, window},
		{"window passed", []time.Duration{0, time.Minute}, window, 0, 0},
		{"failure after the window starts a new one", []time.Duration{0, time.Minute, window + time.Minute}, window + 2*time.Minute, 1, window + time.Minute + window},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			network := fmt.Sprintf("192.0.2.%d", i)
			for _, d := range tt.fail {
				require.NoError(t, s.LoginFailed(ctx, network, t0.Add(d), window))
			}
			n, until, err := s.LoginFailures(ctx, network, t0.Add(tt.at))
			require.NoError(t, err)
			assert.Equal(t, tt.wantN, n)
			if tt.wantN > 0 {
				assert.True(t, t0.Add(tt.wantUntil).Equal(until), "window ends at %v, got %v", t0.Add(tt.wantUntil), until)
			}
			require.NoError(t, s.ForgetLoginFailures(ctx, network))
			n, _, err = s.LoginFailures(ctx, network, t0.Add(tt.at))
			require.NoError(t, err)
			assert.Zero(t, n, "forgotten")
		})
	}
}

func TestSharedState_PurgesExpiredRows(t *testing.T) {
	schema := newSchema(t)
	s := openStore(t, schema)
	ctx := context.Background()
	long := time.Now().Add(-48 * time.Hour)
	for i := range 10 {
		_, err := s.UseTokenNonce(ctx, fmt.Sprintf("old-%d", i), long)
		require.NoError(t, err)
		require.NoError(t, s.RevokeSession(ctx, fmt.Sprintf("old-%d", i), long))
	}
	_, err := s.UseTokenNonce(ctx, "new", time.Now().Add(time.Hour))
	require.NoError(t, err)
	require.NoError(t, s.RevokeSession(ctx, "new", time.Now().Add(time.Hour)))
	for _, table := range []string{"form_nonces", "revoked_sessions"} {
		var n int
		require.NoError(t, adminPool(t).QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{schema, table}.Sanitize()).Scan(&n))
		assert.Equal(t, 1, n, "%s: a write purges the rows that expired long ago", table)
	}
	gone, err := s.SessionRevoked(ctx, "new")
	require.NoError(t, err)
	assert.True(t, gone)
}
