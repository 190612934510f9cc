package blog_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/storage/memstore"
)

// countingStore counts ListPosts calls.
type countingStore struct {
	blog.Store
	lists atomic.Int64
}

func (s *countingStore) ListPosts(ctx context.Context, q blog.PostQuery) ([]*blog.Post, error) {
	s.lists.Add(1)
	return s.Store.ListPosts(ctx, q)
}

func TestBlog_Adjacent(t *testing.T) {
	st := &countingStore{Store: memstore.New()}
	c := newClock() // 2013-01-15 12:00 UTC
	b, err := blog.New(st, blog.WithClock(c.Now))
	require.NoError(t, err)
	ctx := context.Background()
	mk := func(title string, status blog.Status, at time.Time, kind blog.Kind) *blog.Post {
		p, err := b.CreatePost(ctx, &blog.Post{Title: title, Status: status, PublishedAt: at, Kind: kind})
		require.NoError(t, err)
		return p
	}
	day := func(d int) time.Time { return time.Date(2012, 6, d, 10, 0, 0, 0, time.UTC) }
	first := mk("first", blog.StatusPublished, day(1), blog.KindPost)
	twinA := mk("twin a", blog.StatusPublished, day(5), blog.KindPost)
	twinB := mk("twin b", blog.StatusPublished, day(5), blog.KindPost) // same time: ordered by ID
	mk("a draft between", blog.StatusDraft, day(6), blog.KindPost)
	mk("a page between", blog.StatusPublished, day(7), blog.KindPage)
	// Many newer posts a year on: the next one is still found in one query.
	for i := range 30 {
		mk("later", blog.StatusPublished, day(1).AddDate(0, 6, i), blog.KindPost)
	}
	last := mk("last visible", blog.StatusPublished, c.Now().Add(-time.Hour), blog.KindPost)
	mk("scheduled", blog.StatusScheduled, c.Now().Add(time.Hour), blog.KindPost)
	afterFirstLater, err := b.List(ctx, blog.ListOptions{From: day(6), Before: day(1).AddDate(0, 6, 1)})
	require.NoError(t, err)
	require.Len(t, afterFirstLater.Posts, 1)
	firstLater := afterFirstLater.Posts[0]

	beforeLast, err := b.List(ctx, blog.ListOptions{After: blog.CursorOf(last).String(), Limit: 1})
	require.NoError(t, err)
	require.Len(t, beforeLast.Posts, 1)

	id := func(p *blog.Post) int64 {
		if p == nil {
			return 0
		}
		return p.ID
	}
	tests := []struct {
		name       string
		p          *blog.Post
		prev, next *blog.Post
	}{
		{"the oldest has no previous post", first, nil, twinA},
		{"equal times are ordered by ID (older)", twinA, first, twinB},
		{"equal times are ordered by ID (newer), skipping drafts and pages", twinB, twinA, firstLater},
		{"the newest visible has no next post: scheduled ones are hidden", last, beforeLast.Posts[0], nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := st.lists.Load()
			prev, next, err := b.Adjacent(ctx, tt.p)
			require.NoError(t, err)
			assert.Equal(t, id(tt.prev), id(prev), "previous (older) post")
			assert.Equal(t, id(tt.next), id(next), "next (newer) post")
			assert.Equal(t, int64(2), st.lists.Load()-n, "one list query each way")
		})
	}

	prev, next, err := b.Adjacent(ctx, &blog.Post{Title: "never published"})
	require.NoError(t, err)
	assert.Nil(t, prev)
	assert.Nil(t, next)
}
