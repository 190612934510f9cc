package storagetest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/comments"
)

// commentFindDuplicateWholeText checks that FindDuplicate compares the
// whole text, however a store narrows its search (by a hash, or by the
// text's beginning and end), and follows a text changed by UpdateComment.
func commentFindDuplicateWholeText(t *testing.T, newStore func(t *testing.T) comments.Store) {
	ctx := context.Background()
	s := newStore(t)
	head, tail := strings.Repeat("a", 100), strings.Repeat("z", 100)
	stored := newComment("7", commentAt(0))
	stored.Source = head + " one " + tail
	mustCreateComment(t, s, stored)

	middle := newComment("7", commentAt(1))
	middle.Source = head + " two " + tail
	_, err := s.FindDuplicate(ctx, middle)
	assert.ErrorIs(t, err, comments.ErrNotFound,
		"rule: FindDuplicate compares the whole Source: texts alike at both ends but not in the middle are not duplicates")

	same := newComment("7", commentAt(1))
	same.Source = stored.Source
	got, err := s.FindDuplicate(ctx, same)
	require.NoError(t, err, "rule: FindDuplicate finds a long text stored before")
	assert.Equal(t, stored.ID, got.ID, "rule: FindDuplicate finds a long text stored before")

	up := mustGetComment(t, s, stored.ID)
	up.Source = "edited by the moderator"
	require.NoError(t, s.UpdateComment(ctx, up))
	_, err = s.FindDuplicate(ctx, same)
	assert.ErrorIs(t, err, comments.ErrNotFound, "rule: FindDuplicate no longer finds a comment by the text UpdateComment replaced")
	edited := newComment("7", commentAt(2))
	edited.Source = up.Source
	got, err = s.FindDuplicate(ctx, edited)
	require.NoError(t, err, "rule: FindDuplicate finds a comment by the text UpdateComment gave it")
	assert.Equal(t, stored.ID, got.ID, "rule: FindDuplicate finds a comment by the text UpdateComment gave it")

	require.NoError(t, s.DeleteComment(ctx, stored.ID))
	_, err = s.FindDuplicate(ctx, edited)
	assert.ErrorIs(t, err, comments.ErrNotFound, "rule: FindDuplicate does not find a deleted comment")
}

// commentCountRootsBefore checks [comments.RootCounter] against the
// top level of [comments.BuildTree] over the thread's approved comments.
func commentCountRootsBefore(t *testing.T, newStore func(t *testing.T) comments.Store) {
	ctx := context.Background()
	s := newStore(t)
	rc, ok := s.(comments.RootCounter)
	if !ok {
		t.Skip("the store does not implement comments.RootCounter")
	}
	mk := func(thread string, at int, parent int64, status comments.Status) *comments.Comment {
		c := newComment(thread, commentAt(at))
		c.ParentID, c.Status = parent, status
		c.Source = thread + " " + commentAt(at).String()
		return mustCreateComment(t, s, c)
	}
	a := mk("1", 0, 0, comments.StatusApproved)
	b := mk("1", 1, 0, comments.StatusApproved)
	mk("1", 2, a.ID, comments.StatusApproved) // a reply: not top level
	held := mk("1", 3, 0, comments.StatusPending)
	mk("1", 4, held.ID, comments.StatusApproved) // its parent is held: top level
	mk("2", 5, 0, comments.StatusApproved)       // another thread
	other := mk("2", 6, 0, comments.StatusApproved)
	mk("1", 7, other.ID, comments.StatusApproved) // its parent is on thread 2: top level
	// Two comments at the same instant are ordered by ID.
	same1 := mk("1", 8, 0, comments.StatusApproved)
	same2 := newComment("1", same1.CreatedAt)
	same2.Source = "same instant"
	mustCreateComment(t, s, same2)
	last := mk("1", 9, 0, comments.StatusSpam)

	check := func(when string) {
		t.Helper()
		all := listAllComments(t, s, comments.CommentQuery{Thread: "1", Limit: comments.MaxLimit}, comments.MaxLimit)
		var approved []*comments.Comment
		for _, c := range all {
			if c.Status == comments.StatusApproved {
				approved = append(approved, c)
			}
		}
		roots := comments.BuildTree(approved)
		for _, c := range all {
			want := 0
			for _, r := range roots {
				if r.Comment.CreatedAt.Before(c.CreatedAt) || (r.Comment.CreatedAt.Equal(c.CreatedAt) && r.Comment.ID < c.ID) {
					want++
				}
			}
			got, err := rc.CountRootsBefore(ctx, "1", *comments.CursorOf(c))
			require.NoError(t, err)
			assert.Equal(t, want, got,
				"rule: CountRootsBefore counts the approved top-level comments (no parent, or a parent not approved on the thread) before comment %d, as BuildTree places them, %s", c.ID, when)
		}
	}
	check("after creates")

	// Approving the held parent makes the orphan a reply; holding a
	// top-level comment makes its reply top-level.
	up := mustGetComment(t, s, held.ID)
	up.Status = comments.StatusApproved
	require.NoError(t, s.UpdateComment(ctx, up))
	check("after a parent is approved")
	up = mustGetComment(t, s, a.ID)
	up.Status = comments.StatusPending
	require.NoError(t, s.UpdateComment(ctx, up))
	check("after a parent is held")
	up.Status = comments.StatusApproved
	require.NoError(t, s.UpdateComment(ctx, up))
	up = mustGetComment(t, s, b.ID)
	up.ParentID = a.ID
	require.NoError(t, s.UpdateComment(ctx, up))
	check("after a comment is moved under another")
	require.NoError(t, s.DeleteComment(ctx, a.ID))
	check("after a parent is deleted and its replies moved up")
	require.NoError(t, s.DeleteComment(ctx, same2.ID))
	check("after a top-level comment is deleted")

	// Far from the end of a long thread as near it.
	var long []*comments.Comment
	for i := range 300 {
		c := newComment("long", commentAt(i))
		c.Source = "long thread " + commentAt(i).String()
		long = append(long, mustCreateComment(t, s, c))
	}
	for _, i := range []int{0, 1, 150, 299} {
		got, err := rc.CountRootsBefore(ctx, "long", *comments.CursorOf(long[i]))
		require.NoError(t, err)
		assert.Equal(t, i, got, "rule: CountRootsBefore counts the top-level comments before the %d-th of 300", i)
	}

	n, err := rc.CountRootsBefore(ctx, "none", *comments.CursorOf(last))
	require.NoError(t, err)
	assert.Zero(t, n, "rule: CountRootsBefore counts 0 on a thread without comments")

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = rc.CountRootsBefore(cctx, "1", *comments.CursorOf(last))
	assert.True(t, errors.Is(err, context.Canceled), "rule: CountRootsBefore returns ctx's error when ctx is done")
}
