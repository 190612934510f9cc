package blog_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/storage/memstore"
)

func TestBlog_Like(t *testing.T) {
	b, _ := newBlog(t)
	ctx := context.Background()
	p := publish(t, b, "Liked")
	draft, err := b.CreatePost(ctx, &blog.Post{Title: "Draft"})
	require.NoError(t, err)
	require.True(t, b.LikesEnabled())

	tests := []struct {
		name      string
		id        int64
		visitor   string
		wantAdded bool
		wantErr   error
	}{
		{"first like", p.ID, "v1", true, nil},
		{"same visitor again", p.ID, "v1", false, nil},
		{"another visitor", p.ID, "v2", true, nil},
		{"draft", draft.ID, "v1", false, blog.ErrNotFound},
		{"missing post", p.ID + 100, "v1", false, blog.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			added, err := b.Like(ctx, tt.id, tt.visitor)
			require.ErrorIs(t, err, tt.wantErr)
			assert.Equal(t, tt.wantAdded, added)
		})
	}
	n, err := b.LikeCounts(ctx, p.ID, draft.ID)
	require.NoError(t, err)
	assert.Equal(t, 2, n[p.ID])
	assert.Equal(t, 0, n[draft.ID], "a refused like is not counted")
}

func TestBlog_withoutOptionalStores_ErrUnsupported(t *testing.T) {
	b, err := blog.New(plainStore{memstore.New()})
	require.NoError(t, err)
	ctx := context.Background()
	p, err := b.CreatePost(ctx, &blog.Post{Title: "p", Status: blog.StatusPublished})
	require.NoError(t, err)

	assert.False(t, b.LikesEnabled())
	assert.False(t, b.RedirectsEnabled())
	_, err = b.Like(ctx, p.ID, "v")
	assert.ErrorIs(t, err, blog.ErrUnsupported)
	_, err = b.LikeCounts(ctx, p.ID)
	assert.ErrorIs(t, err, blog.ErrUnsupported)
	assert.ErrorIs(t, b.AddOldPath(ctx, "/?p=1", p.ID), blog.ErrUnsupported)
	_, err = b.ResolveOldPath(ctx, "/?p=1")
	assert.ErrorIs(t, err, blog.ErrUnsupported)
}

func TestBlog_ResolveOldPath(t *testing.T) {
	b, _ := newBlog(t)
	ctx := context.Background()
	p := publish(t, b, "Moved here")
	draft, err := b.CreatePost(ctx, &blog.Post{Title: "Draft"})
	require.NoError(t, err)
	require.True(t, b.RedirectsEnabled())
	require.NoError(t, b.AddOldPath(ctx, "/?p=12", p.ID))
	require.NoError(t, b.AddOldPath(ctx, "/old/draft.html", draft.ID))

	got, err := b.ResolveOldPath(ctx, "/?p=12")
	require.NoError(t, err)
	assert.Equal(t, p.ID, got.ID)

	for _, path := range []string{"/?p=13", "/old/draft.html"} {
		_, err := b.ResolveOldPath(ctx, path)
		assert.ErrorIs(t, err, blog.ErrNotFound, "%s", path)
	}
	id, err := b.OldPathPostID(ctx, "/old/draft.html")
	require.NoError(t, err)
	assert.Equal(t, draft.ID, id, "an importer finds what it recorded, visible or not")
}
