package blogcomments_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/blogcomments"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/memstore"
)

func TestThreads(t *testing.T) {
	t.Parallel()
	b, err := blog.New(memstore.New())
	require.NoError(t, err)
	create := func(title string, edit func(*blog.Post)) *blog.Post {
		t.Helper()
		p := &blog.Post{Title: title, Source: "Text.", Status: blog.StatusPublished,
			PublishedAt: time.Date(2013, 1, 2, 10, 0, 0, 0, time.UTC)}
		if edit != nil {
			edit(p)
		}
		p, err := b.CreatePost(t.Context(), p)
		require.NoError(t, err)
		return p
	}
	open := create("Open", nil)
	closed := create("Closed", func(p *blog.Post) { p.CommentStatus = blog.CommentsClosed })
	draft := create("Draft", func(p *blog.Post) { p.Status = blog.StatusDraft })
	key := func(p *blog.Post) string { return strconv.FormatInt(p.ID, 10) }
	pol := blogcomments.Threads(b)

	info, err := pol.Thread(t.Context(), key(open))
	require.NoError(t, err)
	assert.True(t, info.Open)
	assert.True(t, info.CreatedAt.Equal(open.PublishedAt))

	info, err = pol.Thread(t.Context(), key(closed))
	require.NoError(t, err)
	assert.False(t, info.Open)

	for _, k := range []string{key(draft), "999", "abc", "", "01", "-1", "+1"} {
		_, err := pol.Thread(t.Context(), k)
		assert.ErrorIs(t, err, comments.ErrNotFound, "key %q", k)
	}
}

// brokenStore is a blog store that has lost its database.
type brokenStore struct{ *memstore.Store }

var errLost = errors.New("connection lost")

func (brokenStore) GetPost(context.Context, int64) (*blog.Post, error) { return nil, errLost }

func TestThreads_storeFailure(t *testing.T) {
	t.Parallel()
	b, err := blog.New(brokenStore{memstore.New()})
	require.NoError(t, err)
	_, err = blogcomments.Threads(b).Thread(t.Context(), "1")
	require.ErrorIs(t, err, errLost)
	assert.NotErrorIs(t, err, comments.ErrNotFound, "a failing blog is not a missing thread")
}

// TestThreads_service shows the policy at work: a comment service built
// with it refuses comments on posts that do not exist or are closed.
func TestThreads_service(t *testing.T) {
	t.Parallel()
	store := memstore.New()
	b, err := blog.New(store)
	require.NoError(t, err)
	cs, err := comments.NewService(store, blogcomments.Threads(b), comments.WithRules(), comments.WithTokenAge(0, time.Hour))
	require.NoError(t, err)
	p, err := b.CreatePost(t.Context(), &blog.Post{Title: "Hello", Source: "Text.", Status: blog.StatusPublished})
	require.NoError(t, err)
	closed, err := b.CreatePost(t.Context(), &blog.Post{Title: "Quiet", Source: "Text.", Status: blog.StatusPublished,
		CommentStatus: blog.CommentsClosed})
	require.NoError(t, err)

	tests := []struct {
		name   string
		thread string
		want   error
	}{
		{"published post", strconv.FormatInt(p.ID, 10), nil},
		{"closed post", strconv.FormatInt(closed.ID, 10), comments.ErrClosed},
		{"no such post", strconv.FormatInt(p.ID+100, 10), comments.ErrNotFound},
		{"not a post", "about-page", comments.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cs.Submit(t.Context(), comments.Submission{
				Thread: tt.thread,
				Author: comments.Author{Name: "Ann " + tt.name, Email: "ann@example.com"},
				Body:   "Hello " + tt.name,
				IP:     "192.0.2.1",
				Token:  cs.NewToken(tt.thread),
			})
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.want)
		})
	}
}
