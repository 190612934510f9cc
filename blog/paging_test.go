package blog_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/storage/memstore"
)

// pagingBlog returns a blog of n published posts, one a day, the newest
// first in listings, alternately by Ann Lee and Bob.
func pagingBlog(t *testing.T, n int) (*blog.Blog, []*blog.Post) {
	t.Helper()
	c := newClock()
	b, err := blog.New(memstore.New(), blog.WithClock(c.Now))
	require.NoError(t, err)
	var posts []*blog.Post
	for i := range n {
		author := "Ann Lee"
		if i%2 == 1 {
			author = "Bob"
		}
		p, err := b.CreatePost(context.Background(), &blog.Post{
			Title: "post", Status: blog.StatusPublished, Author: blog.Author{Name: author},
			PublishedAt: c.Now().AddDate(0, 0, -n+i).Add(-time.Hour),
		})
		require.NoError(t, err)
		posts = append([]*blog.Post{p}, posts...) // newest first
	}
	return b, posts
}

func TestBlog_ListOffset(t *testing.T) {
	b, posts := pagingBlog(t, 7)
	ctx := context.Background()
	for _, skip := range []int64{0, 1, 3, 6} {
		after, ok, err := b.ListOffset(ctx, blog.ListOptions{}, skip)
		require.NoError(t, err)
		require.True(t, ok, "skip %d", skip)
		page, err := b.List(ctx, blog.ListOptions{After: after, Limit: 1})
		require.NoError(t, err)
		require.Len(t, page.Posts, 1)
		assert.Equal(t, posts[skip].ID, page.Posts[0].ID, "the post after skipping %d", skip)
	}
	for _, skip := range []int64{7, 8, 1 << 40} {
		_, ok, err := b.ListOffset(ctx, blog.ListOptions{}, skip)
		require.NoError(t, err)
		assert.False(t, ok, "no post follows the first %d", skip)
	}
}

func TestBlog_ListByAuthor(t *testing.T) {
	b, posts := pagingBlog(t, 7)
	ctx := context.Background()
	var anns []int64
	for _, p := range posts {
		if p.Author.Name == "Ann Lee" {
			anns = append(anns, p.ID)
		}
	}
	require.Len(t, anns, 4)

	var got []int64
	after := ""
	for range 3 {
		page, next, err := b.ListByAuthor(ctx, "ann-lee", "", after, 2)
		require.NoError(t, err)
		for _, p := range page {
			got = append(got, p.ID)
		}
		if next == "" {
			break
		}
		after = next
	}
	assert.Equal(t, anns, got, "the author's posts by nicename, newest first, page by page")

	page, _, err := b.ListByAuthor(ctx, "bob-smith", "Bob", "", 10)
	require.NoError(t, err)
	assert.Len(t, page, 3, "an exact name matches whatever the nicename")

	page, next, err := b.ListByAuthor(ctx, "nobody", "", "", 10)
	require.NoError(t, err)
	assert.Empty(t, page)
	assert.Empty(t, next)
}
