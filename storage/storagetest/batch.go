package storagetest

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
)

// errStopBatch is what the batch rules return from a batch that must be
// undone.
var errStopBatch = errors.New("storagetest: stop the batch")

func batcher(t *testing.T, s any) blog.Batcher {
	t.Helper()
	b, ok := s.(blog.Batcher)
	if !ok {
		t.Skip("the store is not a blog.Batcher")
	}
	return b
}

func batchCommitsTogether(t *testing.T, s blog.Store) {
	bs := batcher(t, s)
	var ids []int64
	err := bs.Batch(context.Background(), func(ctx context.Context) error {
		for _, slug := range []string{"batch-a", "batch-b", "batch-c"} {
			p := newPost(slug, postAt(len(ids)))
			if err := s.CreatePost(ctx, p); err != nil {
				return err
			}
			ids = append(ids, p.ID)
			got, err := s.GetPostBySlug(ctx, slug)
			require.NoError(t, err, "rule: a batch reads its own writes")
			assert.Equal(t, p.ID, got.ID, "rule: a batch reads its own writes")
		}
		return nil
	})
	require.NoError(t, err, "rule: Batch returns nil when fn does")
	require.Len(t, ids, 3)
	for _, id := range ids {
		mustGetPost(t, s, id)
	}
	assert.Len(t, mustListPosts(t, s, blog.PostQuery{}), 3, "rule: every write of a committed batch is kept")
}

func batchFailedWritesNothing(t *testing.T, s blog.Store) {
	bs := batcher(t, s)
	kept := mustCreatePost(t, s, newPost("kept", postAt(1)))
	rs, _ := s.(blog.RedirectStore)
	if rs != nil {
		require.NoError(t, rs.PutRedirect(context.Background(), "/?p=1", kept.ID))
	}
	err := bs.Batch(context.Background(), func(ctx context.Context) error {
		require.NoError(t, s.CreatePost(ctx, newPost("undone", postAt(2))))
		changed := mustGetPost(t, s, kept.ID)
		changed.Title = "changed in the batch"
		require.NoError(t, s.UpdatePost(ctx, changed))
		if rs != nil {
			require.NoError(t, rs.PutRedirect(ctx, "/?p=2", changed.ID))
		}
		return errStopBatch
	})
	require.ErrorIs(t, err, errStopBatch, "rule: Batch returns fn's error")
	_, err = s.GetPostBySlug(context.Background(), "undone")
	assert.ErrorIs(t, err, blog.ErrNotFound, "rule: a failed batch creates nothing")
	got := mustGetPost(t, s, kept.ID)
	assert.Equal(t, kept.Title, got.Title, "rule: a failed batch updates nothing")
	assert.Equal(t, kept.Version, got.Version, "rule: a failed batch updates nothing")
	if rs != nil {
		_, err := rs.LookupRedirect(context.Background(), "/?p=2")
		assert.ErrorIs(t, err, blog.ErrNotFound, "rule: a failed batch records no redirect")
	}
	assert.Len(t, mustListPosts(t, s, blog.PostQuery{}), 1, "rule: a failed batch creates nothing")
	mustCreatePost(t, s, newPost("after", postAt(3)))
}

func batchFailedWriteKeepsBatch(t *testing.T, s blog.Store) {
	bs := batcher(t, s)
	err := bs.Batch(context.Background(), func(ctx context.Context) error {
		require.NoError(t, s.CreatePost(ctx, newPost("first", postAt(1))))
		dup := newPost("first", postAt(2))
		dup.Title = "a second post with the same slug"
		require.ErrorIs(t, s.CreatePost(ctx, dup), blog.ErrSlugTaken,
			"rule: a write in a batch fails as it would outside one")
		return s.CreatePost(ctx, newPost("third", postAt(3)))
	})
	require.NoError(t, err, "rule: a failed write leaves the batch usable")
	ps := mustListPosts(t, s, blog.PostQuery{})
	require.Len(t, ps, 2, "rule: a failed write in a batch writes nothing, the others are kept")
	assert.Equal(t, "third", ps[0].Slug)
	assert.Equal(t, "Title of first", ps[1].Title)
}

func batchCancelledContextWritesNothing(t *testing.T, s blog.Store) {
	bs := batcher(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	err := bs.Batch(ctx, func(ctx context.Context) error {
		require.NoError(t, s.CreatePost(ctx, newPost("cancelled", postAt(1))))
		cancel()
		return nil
	})
	require.ErrorIs(t, err, context.Canceled, "rule: a batch whose context ends before it commits returns ctx's error")
	assert.Empty(t, mustListPosts(t, s, blog.PostQuery{}), "rule: a batch whose context ends before it commits writes nothing")
}

func commentBatchFailedWritesNothing(t *testing.T, newStore func(t *testing.T) comments.Store) {
	s := newStore(t)
	bs := batcher(t, s)
	parent := mustCreateComment(t, s, newComment("thread-1", commentAt(1)))
	reply := newComment("thread-1", commentAt(2))
	reply.ParentID = parent.ID
	mustCreateComment(t, s, reply)
	var created int64
	err := bs.Batch(context.Background(), func(ctx context.Context) error {
		c := newComment("thread-1", commentAt(3))
		require.NoError(t, s.CreateComment(ctx, c))
		created = c.ID
		got, err := s.GetComment(ctx, c.ID)
		require.NoError(t, err, "rule: a batch reads its own writes")
		assert.Equal(t, c.Source, got.Source)
		changed := mustGetComment(t, s, reply.ID)
		changed.Status = comments.StatusSpam
		require.NoError(t, s.UpdateComment(ctx, changed))
		require.NoError(t, s.DeleteComment(ctx, parent.ID))
		return errStopBatch
	})
	require.ErrorIs(t, err, errStopBatch, "rule: Batch returns fn's error")
	_, err = s.GetComment(context.Background(), created)
	assert.ErrorIs(t, err, comments.ErrNotFound, "rule: a failed batch creates nothing")
	mustGetComment(t, s, parent.ID)
	got := mustGetComment(t, s, reply.ID)
	assert.Equal(t, comments.StatusApproved, got.Status, "rule: a failed batch updates nothing")
	assert.Equal(t, parent.ID, got.ParentID, "rule: a failed batch deletes nothing, nor reparents")
	n, err := s.CountApproved(context.Background(), []string{"thread-1"})
	require.NoError(t, err)
	assert.Equal(t, 2, n["thread-1"], "rule: a failed batch leaves the counts as they were")
}

func commentBatchCommitsTogether(t *testing.T, newStore func(t *testing.T) comments.Store) {
	s := newStore(t)
	bs := batcher(t, s)
	var ids []int64
	err := bs.Batch(context.Background(), func(ctx context.Context) error {
		parent := newComment("thread-1", commentAt(1))
		if err := s.CreateComment(ctx, parent); err != nil {
			return err
		}
		reply := newComment("thread-1", commentAt(2))
		reply.ParentID = parent.ID
		if err := s.CreateComment(ctx, reply); err != nil {
			return err
		}
		ids = append(ids, parent.ID, reply.ID)
		return nil
	})
	require.NoError(t, err, "rule: Batch returns nil when fn does")
	require.Len(t, ids, 2)
	assert.Equal(t, ids[0], mustGetComment(t, s, ids[1]).ParentID, "rule: a reply in a batch may answer a comment of the same batch")
	n, err := s.CountApproved(context.Background(), []string{"thread-1"})
	require.NoError(t, err)
	assert.Equal(t, 2, n["thread-1"], "rule: every write of a committed batch is kept")
}
