package blog_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/archive"
	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/storage/memstore"
)

// plainStore hides the optional capabilities of the store it wraps, so
// the Blog takes its fallback paths.
type plainStore struct{ blog.Store }

func months(t testing.TB, b *blog.Blog) []archive.Month {
	t.Helper()
	ix, err := b.Archive(context.Background())
	require.NoError(t, err)
	return ix.Months()
}

func TestBlog_Archive_followsWrites(t *testing.T) {
	for name, store := range map[string]blog.Store{
		"month counter": memstore.New(),
		"plain store":   plainStore{memstore.New()},
	} {
		t.Run(name, func(t *testing.T) {
			ny, err := time.LoadLocation("America/New_York")
			require.NoError(t, err)
			c := newClock() // 2013-01-15 12:00 UTC
			b, err := blog.New(store, blog.WithClock(c.Now), blog.WithLocation(ny))
			require.NoError(t, err)
			ctx := context.Background()
			mk := func(title string, st blog.Status, at time.Time) *blog.Post {
				p, err := b.CreatePost(ctx, &blog.Post{Title: title, Status: st, PublishedAt: at})
				require.NoError(t, err)
				return p
			}
			// Before the index exists: it is built from the store.
			mk("Old", blog.StatusPublished, time.Date(2012, 11, 20, 0, 0, 0, 0, time.UTC))
			// 1 December 03:00 UTC is still 30 November in New York.
			mk("Late November", blog.StatusPublished, time.Date(2012, 12, 1, 3, 0, 0, 0, time.UTC))
			mk("Draft", blog.StatusDraft, time.Date(2012, 10, 1, 0, 0, 0, 0, time.UTC))
			_, err = b.CreatePost(ctx, &blog.Post{Title: "Page", Kind: blog.KindPage, Status: blog.StatusPublished})
			require.NoError(t, err)
			assert.Equal(t, []archive.Month{{Year: 2012, Month: time.November, Count: 2}}, months(t, b))

			// After: kept current by the writes.
			dec := mk("December", blog.StatusPublished, time.Date(2012, 12, 10, 0, 0, 0, 0, time.UTC))
			future := mk("Future", blog.StatusScheduled, time.Date(2013, 2, 1, 12, 0, 0, 0, time.UTC))
			assert.Equal(t, []archive.Month{
				{Year: 2012, Month: time.December, Count: 1},
				{Year: 2012, Month: time.November, Count: 2},
			}, months(t, b), "a scheduled post is not in the archive before its time")

			_, err = b.Schedule(ctx, dec.ID, time.Date(2013, 1, 2, 0, 0, 0, 0, time.UTC))
			require.NoError(t, err)
			assert.Equal(t, []archive.Month{
				{Year: 2013, Month: time.January, Count: 1},
				{Year: 2012, Month: time.November, Count: 2},
			}, months(t, b), "re-dating a post moves it")

			_, err = b.Unpublish(ctx, dec.ID)
			require.NoError(t, err)
			assert.Equal(t, []archive.Month{{Year: 2012, Month: time.November, Count: 2}}, months(t, b))

			c.Add(30 * 24 * time.Hour) // 14 February: the scheduled post is due
			assert.Equal(t, []archive.Month{
				{Year: 2013, Month: time.February, Count: 1},
				{Year: 2012, Month: time.November, Count: 2},
			}, months(t, b))

			require.NoError(t, b.DeletePost(ctx, future.ID))
			assert.Equal(t, []archive.Month{{Year: 2012, Month: time.November, Count: 2}}, months(t, b))

			// The index agrees with one built afresh from the store.
			fresh, err := blog.New(store, blog.WithClock(c.Now), blog.WithLocation(ny))
			require.NoError(t, err)
			assert.Equal(t, months(t, fresh), months(t, b))
		})
	}
}

func TestBlog_Calendar_loadsDaysOfCountedMonths(t *testing.T) {
	b, _ := newBlog(t) // memstore counts months: days are unknown at first
	ctx := context.Background()
	for _, d := range []int{3, 3, 9} {
		_, err := b.CreatePost(ctx, &blog.Post{Title: "p", Status: blog.StatusPublished, PublishedAt: time.Date(2012, 12, d, 10, 0, 0, 0, time.UTC)})
		require.NoError(t, err)
	}
	cal, err := b.Calendar(ctx, 2012, time.December, time.Monday)
	require.NoError(t, err)
	assert.Zero(t, cal.Unplaced)
	counts := map[int]int{}
	for _, w := range cal.Weeks {
		for _, cell := range w {
			if cell.Count > 0 {
				counts[cell.Day] = cell.Count
			}
		}
	}
	assert.Equal(t, map[int]int{3: 2, 9: 1}, counts)
}
