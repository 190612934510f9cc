package pgstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/pgstore"
)

// TestStore_LostConnectionIsUnavailable: a call whose connection the
// server terminates while the call waits fails with an error matching
// blog.ErrUnavailable (which the HTTP layer answers 503), and the next
// call succeeds on a new connection.
func TestStore_LostConnectionIsUnavailable(t *testing.T) {
	ctx := context.Background()
	admin := adminPool(t)
	schema := newSchema(t)
	var b [6]byte
	_, _ = rand.Read(b[:])
	app := "folio-unavailable-" + hex.EncodeToString(b[:])
	cfg, err := pgxpool.ParseConfig(testDSN(t))
	require.NoError(t, err)
	cfg.ConnConfig.RuntimeParams["application_name"] = app
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	st, err := pgstore.New(ctx, pool, pgstore.WithSchema(schema))
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	bl, err := blog.New(st)
	require.NoError(t, err)
	p, err := bl.CreatePost(ctx, &blog.Post{Title: "Held", Source: "Body.", Status: blog.StatusPublished})
	require.NoError(t, err)

	// Hold the post's row so the update waits on the lock, then cut the
	// store's connections.
	tx, err := admin.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	_, err = tx.Exec(ctx, "SELECT 1 FROM "+pgx.Identifier{schema, "posts"}.Sanitize()+" WHERE id = $1 FOR UPDATE", p.ID)
	require.NoError(t, err)

	errc := make(chan error, 1)
	go func() {
		q := p.Clone()
		q.Source = "Changed while the connection was cut."
		_, err := bl.UpdatePost(ctx, q)
		errc <- err
	}()
	require.Eventually(t, func() bool {
		var n int
		err := admin.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE application_name = $1 AND wait_event_type = 'Lock'`, app).Scan(&n)
		return err == nil && n > 0
	}, 10*time.Second, 20*time.Millisecond, "the update never waited on the row lock")
	_, err = admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, app)
	require.NoError(t, err)

	select {
	case err = <-errc:
	case <-time.After(15 * time.Second):
		t.Fatal("the update did not return after its connection was terminated")
	}
	require.Error(t, err)
	assert.ErrorIs(t, err, blog.ErrUnavailable)
	assert.ErrorIs(t, err, comments.ErrUnavailable, "the same outage, for the comments")
	assert.False(t, errors.Is(err, blog.ErrConflict), "a lost connection is no conflict: %v", err)
	require.NoError(t, tx.Rollback(ctx))

	got, err := st.GetPost(ctx, p.ID)
	require.NoError(t, err, "the pool reconnects")
	assert.Equal(t, p.Version, got.Version, "the interrupted update wrote nothing")
	_, err = st.LatestComment(ctx, "192.0.2.1", "nobody@example.com")
	assert.ErrorIs(t, err, comments.ErrNotFound)
	assert.False(t, errors.Is(err, blog.ErrUnavailable), "a missing row is not an outage")
	assert.False(t, errors.Is(err, comments.ErrUnavailable), "a missing row is not an outage")
}

// TestStore_UnreachableIsUnavailable: a store whose server went away
// answers with errors matching blog.ErrUnavailable; a statement error
// (a missing row) does not match it.
func TestStore_UnreachableIsUnavailable(t *testing.T) {
	ctx := context.Background()
	schema := newSchema(t)
	cfg, err := pgxpool.ParseConfig(testDSN(t))
	require.NoError(t, err)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	st, err := pgstore.New(ctx, pool, pgstore.WithSchema(schema))
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })

	_, err = st.GetPost(ctx, 1)
	require.ErrorIs(t, err, blog.ErrNotFound)
	assert.False(t, errors.Is(err, blog.ErrUnavailable), "a missing post is not an outage")

	// Point a second pool at a port nobody listens on.
	bad := cfg.Copy()
	bad.ConnConfig.Host, bad.ConnConfig.Port = "127.0.0.1", 1
	bad.ConnConfig.ConnectTimeout = 2 * time.Second
	badPool, err := pgxpool.NewWithConfig(ctx, bad)
	require.NoError(t, err)
	defer badPool.Close()
	_, err = pgstore.New(ctx, badPool, pgstore.WithSchema(schema))
	require.Error(t, err)
	assert.ErrorIs(t, err, blog.ErrUnavailable, "%v", err)
	assert.ErrorIs(t, err, comments.ErrUnavailable, "%v", err)
}
