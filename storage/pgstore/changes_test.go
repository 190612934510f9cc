package pgstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/storage/pgstore"
)

// next returns the next change on ch, failing the test after a while.
func next(tb testing.TB, ch <-chan blog.Change, what string) blog.Change {
	tb.Helper()
	select {
	case c, ok := <-ch:
		require.True(tb, ok, "%s: channel closed", what)
		return c
	case <-time.After(10 * time.Second):
		require.FailNow(tb, "no change arrived", what)
	}
	return blog.Change{}
}

// quiet checks that nothing arrives on ch for a short while.
func quiet(tb testing.TB, ch <-chan blog.Change, what string) {
	tb.Helper()
	select {
	case c := <-ch:
		assert.Fail(tb, "unexpected change", "%s: got %+v", what, c)
	case <-time.After(200 * time.Millisecond):
	}
}

func TestStore_Changes(t *testing.T) {
	schema := newSchema(t)
	reader, writer := openStore(t, schema), openStore(t, schema)
	ctx := context.Background()
	ch := reader.Changes(t.Context())

	p := mustCreate(t, writer, testPost("news", time.Now().UTC()))
	assert.Equal(t, blog.Change{Kind: blog.ChangePost, PostID: p.ID}, next(t, ch, "create post"),
		"a post created by another Store is reported")

	require.ErrorIs(t, writer.CreatePost(ctx, testPost("news", time.Now().UTC())), blog.ErrSlugTaken)
	p.Title = "News, updated"
	require.NoError(t, writer.UpdatePost(ctx, p))
	assert.Equal(t, blog.Change{Kind: blog.ChangePost, PostID: p.ID}, next(t, ch, "update post"),
		"a failed write reports nothing; the update after it is next")

	c := testComment("thread-7", time.Now().UTC())
	require.NoError(t, reader.CreateComment(ctx, c))
	assert.Equal(t, blog.Change{Kind: blog.ChangeComment, Thread: "thread-7"}, next(t, ch, "create comment"),
		"the Store's own writes are reported too")
	c.Status = "spam"
	require.NoError(t, writer.UpdateComment(ctx, c))
	assert.Equal(t, blog.Change{Kind: blog.ChangeComment, Thread: "thread-7"}, next(t, ch, "update comment"))
	require.NoError(t, writer.DeleteComment(ctx, c.ID))
	assert.Equal(t, blog.Change{Kind: blog.ChangeComment, Thread: "thread-7"}, next(t, ch, "delete comment"))
	g := testComment("thread-8", time.Now().UTC())
	require.NoError(t, writer.CreateCommentGuarded(ctx, g, time.Time{}))
	assert.Equal(t, blog.Change{Kind: blog.ChangeComment, Thread: "thread-8"}, next(t, ch, "guarded comment"))
	require.NoError(t, writer.DeletePost(ctx, p.ID))
	assert.Equal(t, blog.Change{Kind: blog.ChangePost, PostID: p.ID}, next(t, ch, "delete post"))

	t.Run("OtherSchemaIsolated", func(t *testing.T) {
		other := newStore(t)
		mustCreate(t, other, testPost("elsewhere", time.Now().UTC()))
		quiet(t, ch, "a write in another schema")
	})
}

func TestStore_Changes_SlowReader(t *testing.T) {
	s := newStore(t, pgstore.WithChangeBuffer(3))
	ctx := t.Context()
	slow := s.Changes(ctx)
	fast := s.Changes(ctx)

	var created []int64
	for i := range 6 {
		created = append(created, mustCreate(t, s, testPost("p"+string(rune('a'+i)), time.Now().UTC())).ID)
		// The fast reader keeps up; once it has the change, the slow
		// one's send was attempted too.
		assert.Equal(t, created[i], next(t, fast, "fast reader").PostID)
	}
	assert.Equal(t, created[0], next(t, slow, "slow reader").PostID)
	assert.Equal(t, created[1], next(t, slow, "slow reader").PostID)
	assert.Equal(t, blog.ChangeFlush, next(t, slow, "slow reader").Kind, "a full buffer ends in a flush")
	// The flush stands for what did not fit. A change whose delivery was
	// still under way when the reader drained may follow it; none comes
	// twice or out of order.
	last := created[1]
	for drained := false; !drained; {
		select {
		case c := <-slow:
			require.Equal(t, blog.ChangePost, c.Kind, "after the flush, only changes")
			assert.Greater(t, c.PostID, last, "no change comes twice or out of order")
			last = c.PostID
		case <-time.After(200 * time.Millisecond):
			drained = true
		}
	}

	p := mustCreate(t, s, testPost("after", time.Now().UTC()))
	assert.Equal(t, p.ID, next(t, slow, "after draining").PostID, "a drained reader gets changes again")
}

func TestStore_Changes_Reconnect(t *testing.T) {
	schema := newSchema(t)
	s := openStore(t, schema)
	ch := s.Changes(t.Context())
	ctx := context.Background()

	var killed int
	require.NoError(t, adminPool(t).QueryRow(ctx, `
		SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = 'folio-pgstore-listener' AND query LIKE 'LISTEN %' || $1 || '%'`,
		schema).Scan(&killed))
	require.Equal(t, 1, killed, "one listening connection per Store")

	assert.Equal(t, blog.ChangeFlush, next(t, ch, "after the connection was lost").Kind,
		"a reconnected feed tells every reader it may have missed changes")
	p := mustCreate(t, s, testPost("after-reconnect", time.Now().UTC()))
	assert.Equal(t, blog.Change{Kind: blog.ChangePost, PostID: p.ID}, next(t, ch, "after reconnecting"))
}

func TestStore_Changes_OneListener(t *testing.T) {
	schema := newSchema(t)
	s := openStore(t, schema)
	for range 5 {
		s.Changes(t.Context())
	}
	var n int
	require.NoError(t, adminPool(t).QueryRow(context.Background(), `
		SELECT count(*) FROM pg_stat_activity
		WHERE application_name = 'folio-pgstore-listener' AND query LIKE 'LISTEN %' || $1 || '%'`,
		schema).Scan(&n))
	assert.Equal(t, 1, n, "subscribers share one connection")
}

func TestStore_Changes_End(t *testing.T) {
	s := newStore(t)
	t.Run("ContextDone", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		ch := s.Changes(ctx)
		cancel()
		select {
		case _, ok := <-ch:
			assert.False(t, ok, "the channel is closed, nothing sent")
		case <-time.After(5 * time.Second):
			assert.Fail(t, "the channel stays open after ctx is done")
		}
	})
	t.Run("StoreClosed", func(t *testing.T) {
		ch := s.Changes(context.Background())
		s.Close()
		select {
		case _, ok := <-ch:
			assert.False(t, ok)
		case <-time.After(5 * time.Second):
			assert.Fail(t, "the channel stays open after Close")
		}
		_, ok := <-s.Changes(context.Background())
		assert.False(t, ok, "Changes on a closed Store returns a closed channel")
	})
}
