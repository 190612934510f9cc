package pgstore_test

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
	"github.com/folioblog/folio/storage/pgstore"
)

func testComment(thread string, at time.Time) *comments.Comment {
	return &comments.Comment{
		Thread:    thread,
		Type:      comments.TypeComment,
		Author:    comments.Author{Name: "Bea", Email: "bea@example.com"},
		Source:    "Lovely.",
		HTML:      "<p>Lovely.</p>\n",
		Status:    comments.StatusApproved,
		Decision:  comments.Decision{Status: comments.StatusApproved, Rule: "default"},
		IP:        "192.0.2.7",
		CreatedAt: at,
	}
}

// raceGuarded has n goroutines, alternating between the two stores,
// submit the comments make returns, at once, and returns their errors.
func raceGuarded(t *testing.T, stores [2]*pgstore.Store, n int, floodSince time.Time, newComment func(i int) *comments.Comment) []error {
	t.Helper()
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		c := newComment(i)
		wg.Go(func() {
			<-start
			errs[i] = stores[i%2].CreateCommentGuarded(context.Background(), c, floodSince)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// tally counts nil errors and errors matching target, failing on others.
func tally(t *testing.T, errs []error, target error) (ok, matched int) {
	t.Helper()
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, target):
			matched++
		default:
			t.Errorf("submission %d: unexpected error %v", i, err)
		}
	}
	return ok, matched
}

func TestStore_CreateCommentGuarded_TwoInstances(t *testing.T) {
	schema := newSchema(t)
	stores := [2]*pgstore.Store{openStore(t, schema), openStore(t, schema)}
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	const n = 12

	t.Run("Duplicate", func(t *testing.T) {
		errs := raceGuarded(t, stores, n, time.Time{}, func(int) *comments.Comment {
			return testComment("dup-thread", now)
		})
		ok, dup := tally(t, errs, comments.ErrDuplicate)
		assert.Equal(t, 1, ok, "exactly one of the same comment is stored")
		assert.Equal(t, n-1, dup, "the others are ErrDuplicate")
		list, err := stores[0].ListComments(ctx, comments.CommentQuery{Thread: "dup-thread"})
		require.NoError(t, err)
		assert.Len(t, list, 1)
	})

	t.Run("FloodByAddress", func(t *testing.T) {
		// Different threads, emails and words: only the address is shared.
		errs := raceGuarded(t, stores, n, now.Add(-time.Minute), func(i int) *comments.Comment {
			c := testComment(fmt.Sprintf("ip-thread-%d", i), now)
			c.IP = "198.51.100.1"
			c.Author.Email = fmt.Sprintf("writer%d@example.com", i)
			c.Source = fmt.Sprintf("Comment number %d.", i)
			return c
		})
		ok, flood := tally(t, errs, comments.ErrFlood)
		assert.Equal(t, 1, ok, "exactly one comment from the address within the interval")
		assert.Equal(t, n-1, flood, "the others are ErrFlood")
	})

	t.Run("FloodByEmail", func(t *testing.T) {
		errs := raceGuarded(t, stores, n, now.Add(-time.Minute), func(i int) *comments.Comment {
			c := testComment(fmt.Sprintf("mail-thread-%d", i), now)
			c.IP = fmt.Sprintf("203.0.113.%d", i+1)
			c.Author.Email = []string{"Same@Example.org", "same@example.ORG"}[i%2]
			c.Source = fmt.Sprintf("Words %d.", i)
			return c
		})
		ok, flood := tally(t, errs, comments.ErrFlood)
		assert.Equal(t, 1, ok, "exactly one comment from the email, whatever its case")
		assert.Equal(t, n-1, flood)
	})

	t.Run("FloodError", func(t *testing.T) {
		first := testComment("retry-thread", now)
		first.IP, first.Author.Email = "192.0.2.200", "retry@example.com"
		require.NoError(t, stores[0].CreateCommentGuarded(ctx, first, now.Add(-time.Minute)))
		again := testComment("retry-thread", now.Add(10*time.Second))
		again.IP, again.Author.Email, again.Source = "192.0.2.200", "retry@example.com", "Again."
		err := stores[1].CreateCommentGuarded(ctx, again, now.Add(10*time.Second-time.Minute))
		var fe *comments.FloodError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, 50*time.Second, fe.RetryAfter, "wait until the earlier comment leaves the interval")
		assert.Zero(t, again.ID, "nothing written")

		later := testComment("retry-thread", now.Add(2*time.Minute))
		later.IP, later.Author.Email, later.Source = "192.0.2.200", "retry@example.com", "Later."
		assert.NoError(t, stores[1].CreateCommentGuarded(ctx, later, now.Add(time.Minute)),
			"a comment before floodSince does not count")
	})

	t.Run("NoFloodCheckWithZeroSince", func(t *testing.T) {
		for i := range 3 {
			c := testComment("zero-since", now)
			c.IP, c.Source = "192.0.2.201", fmt.Sprintf("Different %d.", i)
			assert.NoError(t, stores[i%2].CreateCommentGuarded(ctx, c, time.Time{}))
		}
	})

	t.Run("TrashIsNoDuplicate", func(t *testing.T) {
		c := testComment("trash-thread", now)
		require.NoError(t, stores[0].CreateComment(ctx, c))
		c.Status = comments.StatusTrash
		require.NoError(t, stores[0].UpdateComment(ctx, c))
		assert.NoError(t, stores[1].CreateCommentGuarded(ctx, testComment("trash-thread", now), time.Time{}))
	})
}
