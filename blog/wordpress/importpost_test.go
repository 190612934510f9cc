package wordpress_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
)

// Blog.ImportPost is what the importer stores posts with; its rules are
// checked here, beside their one user.
func TestBlog_ImportPost(t *testing.T) {
	ctx := context.Background()
	created := time.Date(2010, 5, 6, 7, 8, 9, 123456789, time.FixedZone("X", 3600))
	tests := []struct {
		name                              string
		in                                blog.Post
		wantStatus                        blog.Status
		wantCreated, wantUpdated, wantPub time.Time
	}{
		{
			"keeps its times, in UTC at microseconds",
			blog.Post{Title: "A", Source: "a", Status: blog.StatusPublished, CreatedAt: created, UpdatedAt: created.Add(time.Hour), PublishedAt: created},
			blog.StatusPublished, created.UTC().Truncate(time.Microsecond), created.Add(time.Hour).UTC().Truncate(time.Microsecond), created.UTC().Truncate(time.Microsecond),
		},
		{
			"zero times are now, UpdatedAt follows CreatedAt",
			blog.Post{Title: "B", Source: "b", Status: blog.StatusDraft},
			blog.StatusDraft, fixedNow, fixedNow, time.Time{},
		},
		{
			"zero UpdatedAt is CreatedAt",
			blog.Post{Title: "C", Source: "c", Status: blog.StatusPrivate, CreatedAt: created, PublishedAt: created},
			blog.StatusPrivate, created.UTC().Truncate(time.Microsecond), created.UTC().Truncate(time.Microsecond), created.UTC().Truncate(time.Microsecond),
		},
		{
			"published in the future is scheduled",
			blog.Post{Title: "D", Source: "d", Status: blog.StatusPublished, CreatedAt: created, PublishedAt: fixedNow.Add(time.Hour)},
			blog.StatusScheduled, created.UTC().Truncate(time.Microsecond), created.UTC().Truncate(time.Microsecond), fixedNow.Add(time.Hour),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newRedirectStore()
			p, err := newBlog(t, st).ImportPost(ctx, &tt.in)
			require.NoError(t, err)
			got, err := st.GetPost(ctx, p.ID)
			require.NoError(t, err)
			assert.Equal(t, tt.wantStatus, got.Status)
			assert.Equal(t, tt.wantCreated, got.CreatedAt)
			assert.Equal(t, tt.wantUpdated, got.UpdatedAt)
			assert.Equal(t, tt.wantPub, got.PublishedAt)
			assert.NotEmpty(t, got.HTML, "rendered as any post")
		})
	}

	t.Run("a taken slug gets a suffix", func(t *testing.T) {
		st := newRedirectStore()
		b := newBlog(t, st)
		for _, want := range []string{"same", "same-2", "same-3"} {
			p, err := b.ImportPost(ctx, &blog.Post{Title: "Same", Slug: "same", Source: "x"})
			require.NoError(t, err)
			assert.Equal(t, want, p.Slug)
		}
	})
	t.Run("bad input stores nothing", func(t *testing.T) {
		st := newRedirectStore()
		_, err := newBlog(t, st).ImportPost(ctx, &blog.Post{Title: "  ", Source: "x"})
		var ve *blog.ValidationError
		require.True(t, errors.As(err, &ve))
		assert.Equal(t, "title", ve.Field)
		_, err = newBlog(t, st).ImportPost(ctx, nil)
		assert.True(t, errors.As(err, &ve))
		assert.Empty(t, allPosts(t, st))
	})
}
