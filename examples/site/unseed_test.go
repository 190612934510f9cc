package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
)

// TestUnseed removes exactly what the seed wrote: an edited sample post,
// and one a reader commented on, stay with their photographs; a post of
// the owner's own is untouched; the site is not seeded again.
func TestUnseed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := testConfig(dir)
	s := openSite(t, cfg)
	seeded := s.seeded
	require.NotNil(t, seeded)

	edited, err := s.blog.GetPostBySlug(ctx, seedPosts[1].Slug)
	require.NoError(t, err)
	edited.Title += " (revised)"
	_, err = s.blog.UpdatePost(ctx, edited)
	require.NoError(t, err)

	commented, err := s.blog.GetPostBySlug(ctx, seedPosts[2].Slug)
	require.NoError(t, err)
	_, err = s.comments.Import(ctx, &comments.Comment{
		Thread: strconv.FormatInt(commented.ID, 10), Type: comments.TypeComment,
		Author: comments.Author{Name: "A reader", Email: "reader@example.org"},
		Source: "I was there too.", Status: comments.StatusApproved, UserAgent: "Firefox",
	}, "")
	require.NoError(t, err)

	mine, err := s.blog.CreatePost(ctx, &blog.Post{Title: "My first real post", Source: "Hello.", Status: blog.StatusPublished})
	require.NoError(t, err)
	require.NoError(t, s.Close())

	var out bytes.Buffer
	require.NoError(t, runUnseed(ctx, cfg, &out))
	assert.Contains(t, out.String(), "kept \""+seedPosts[1].Slug+"\": edited since it was seeded")
	assert.Contains(t, out.String(), "kept \""+seedPosts[2].Slug+"\": readers commented on it (1)")

	s = openSite(t, cfg)
	assert.Nil(t, s.seeded, "an unseeded site is not seeded again")
	all, err := s.blog.ListAll(ctx, blog.PostQuery{Limit: blog.MaxLimit})
	require.NoError(t, err)
	var slugs []string
	for _, p := range all {
		slugs = append(slugs, p.Slug)
	}
	assert.ElementsMatch(t, []string{seedPosts[1].Slug, seedPosts[2].Slug, mine.Slug}, slugs)

	left, _, err := s.comments.List(ctx, comments.CommentQuery{Limit: comments.MaxLimit})
	require.NoError(t, err)
	for _, c := range left {
		id, err := strconv.ParseInt(c.Thread, 10, 64)
		require.NoError(t, err)
		assert.Contains(t, []int64{edited.ID, commented.ID}, id, "no comment is left on a removed post")
	}
	for _, ph := range append(seedPosts[1].Photos, seedPosts[2].Photos...) {
		assert.FileExists(t, filepath.Join(dir, mediaDir, ph.Name), "a kept post keeps its photographs")
	}
	removed := 0
	for _, sp := range seedPosts[3:] {
		for _, ph := range sp.Photos {
			if _, err := os.Stat(filepath.Join(dir, mediaDir, ph.Name)); os.IsNotExist(err) {
				removed++
			}
		}
	}
	assert.Positive(t, removed, "the removed posts' photographs are gone")

	// Running it again finds nothing more to remove.
	out.Reset()
	require.NoError(t, s.Close())
	require.NoError(t, runUnseed(ctx, cfg, &out))
	assert.Contains(t, out.String(), "removed the sample content: 0 posts and pages, 0 comments, 0 photos")
}

func TestTitleAndTagline(t *testing.T) {
	cfg := testConfig(t.TempDir())
	cfg.seed, cfg.title, cfg.tagline = false, "Ana's notes", "Walks & bread"
	s := openSite(t, cfg)
	res, body := get(t, s.handler, "/")
	require.Equal(t, 200, res.StatusCode)
	assert.Contains(t, body, "Ana&#39;s notes")
	assert.Contains(t, body, "Walks &amp; bread")
}
