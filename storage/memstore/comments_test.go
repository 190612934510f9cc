package memstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/memstore"
	"github.com/folioblog/folio/storage/storagetest"
)

func TestCommentStoreConformance(t *testing.T) {
	storagetest.RunCommentStore(t, func(t *testing.T) comments.Store {
		return memstore.New()
	})
}

func TestStore_CreateComment_IDs(t *testing.T) {
	s := memstore.New()
	ctx := t.Context()
	var ids []int64
	for i := range 3 {
		c := &comments.Comment{Thread: "t", Status: comments.StatusApproved,
			CreatedAt: time.Date(2024, 1, 1, 0, i, 0, 0, time.UTC)}
		require.NoError(t, s.CreateComment(ctx, c))
		ids = append(ids, c.ID)
	}
	assert.Equal(t, []int64{1, 2, 3}, ids, "IDs count up from 1")

	require.NoError(t, s.DeleteComment(ctx, 3))
	c := &comments.Comment{Thread: "t"}
	require.NoError(t, s.CreateComment(ctx, c))
	assert.Equal(t, int64(4), c.ID, "a deleted comment's ID is not used again")

	bad := &comments.Comment{ID: 9, Thread: "t"}
	err := s.CreateComment(ctx, bad)
	require.Error(t, err)
	assert.NotErrorIs(t, err, comments.ErrNotFound)
	assert.Equal(t, int64(9), bad.ID, "a rejected comment keeps its ID")
}

func TestStore_CreateComment_Time(t *testing.T) {
	s := memstore.New()
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)
	for _, tc := range []struct {
		name string
		in   time.Time
		want time.Time
	}{
		{"OtherZone", time.Date(2024, 5, 6, 7, 8, 9, 123456789, zone),
			time.Date(2024, 5, 6, 1, 38, 9, 123456000, time.UTC)},
		{"UTC", time.Date(2024, 5, 6, 7, 8, 9, 999999999, time.UTC),
			time.Date(2024, 5, 6, 7, 8, 9, 999999000, time.UTC)},
		{"Zero", time.Time{}, time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &comments.Comment{Thread: "t", CreatedAt: tc.in}
			require.NoError(t, s.CreateComment(t.Context(), c))
			got, err := s.GetComment(t.Context(), c.ID)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.CreatedAt, "stored in UTC at microsecond precision")
			assert.Equal(t, tc.in, c.CreatedAt, "the caller's comment keeps its time")
		})
	}

	// A reading of the monotonic clock is dropped, so == and Equal agree.
	c := &comments.Comment{Thread: "t", CreatedAt: time.Now()}
	require.NoError(t, s.CreateComment(t.Context(), c))
	got, err := s.GetComment(t.Context(), c.ID)
	require.NoError(t, err)
	assert.Equal(t, c.CreatedAt.UTC().Truncate(time.Microsecond), got.CreatedAt)
}

func TestStore_DeleteComment_SelfParent(t *testing.T) {
	// The store does not check ParentID, so a comment may name itself.
	s := memstore.New()
	ctx := t.Context()
	c := &comments.Comment{Thread: "t"}
	require.NoError(t, s.CreateComment(ctx, c))
	c.ParentID = c.ID
	require.NoError(t, s.UpdateComment(ctx, c))
	r := &comments.Comment{Thread: "t", ParentID: c.ID}
	require.NoError(t, s.CreateComment(ctx, r))

	require.NoError(t, s.DeleteComment(ctx, c.ID))
	got, err := s.GetComment(ctx, r.ID)
	require.NoError(t, err)
	assert.Zero(t, got.ParentID, "a reply to a comment that replied to itself becomes top-level")
}

func TestStore_UpdateComment_MovesReplies(t *testing.T) {
	// Replies follow ParentID as UpdateComment last set it.
	s := memstore.New()
	ctx := t.Context()
	a := &comments.Comment{Thread: "t"}
	b := &comments.Comment{Thread: "t"}
	require.NoError(t, s.CreateComment(ctx, a))
	require.NoError(t, s.CreateComment(ctx, b))
	r := &comments.Comment{Thread: "t", ParentID: a.ID}
	require.NoError(t, s.CreateComment(ctx, r))
	r.ParentID = b.ID
	require.NoError(t, s.UpdateComment(ctx, r))

	require.NoError(t, s.DeleteComment(ctx, a.ID))
	got, err := s.GetComment(ctx, r.ID)
	require.NoError(t, err)
	assert.Equal(t, b.ID, got.ParentID, "deleting the old parent leaves the reply alone")

	require.NoError(t, s.DeleteComment(ctx, b.ID))
	got, err = s.GetComment(ctx, r.ID)
	require.NoError(t, err)
	assert.Zero(t, got.ParentID, "deleting the new parent moves the reply up")
}

// ExampleStore_ListComments pages through a thread, oldest first, three
// comments at a time.
func ExampleStore_ListComments() {
	ctx := context.Background()
	s := memstore.New()
	start := time.Date(2024, time.March, 1, 9, 0, 0, 0, time.UTC)
	for i := range 7 {
		c := &comments.Comment{
			Thread:    "42",
			Author:    comments.Author{Name: fmt.Sprintf("Reader %d", i+1)},
			Status:    comments.StatusApproved,
			CreatedAt: start.Add(time.Duration(i) * time.Hour),
		}
		if err := s.CreateComment(ctx, c); err != nil {
			panic(err)
		}
	}

	q := comments.CommentQuery{Thread: "42", Limit: 3}
	for {
		page, err := s.ListComments(ctx, q)
		if err != nil {
			panic(err)
		}
		if len(page) == 0 {
			break
		}
		var line []string
		for _, c := range page {
			line = append(line, fmt.Sprintf("%d %s at %s", c.ID, c.Author.Name, c.CreatedAt.Format("15:04")))
		}
		fmt.Println(strings.Join(line, "; "))
		q.After = comments.CursorOf(page[len(page)-1])
	}
	// Output:
	// 1 Reader 1 at 09:00; 2 Reader 2 at 10:00; 3 Reader 3 at 11:00
	// 4 Reader 4 at 12:00; 5 Reader 5 at 13:00; 6 Reader 6 at 14:00
	// 7 Reader 7 at 15:00
}
