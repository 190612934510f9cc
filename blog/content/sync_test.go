package content_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/content"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/sqlitestore"
)

var now = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

func newBlog(t *testing.T) (*blog.Blog, *sqlitestore.Store) {
	t.Helper()
	st, err := sqlitestore.Open(filepath.Join(t.TempDir(), "folio.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	b, err := blog.New(st, blog.WithLocation(paris), blog.WithClock(func() time.Time { return now }))
	require.NoError(t, err)
	return b, st
}

// copyTree copies a testdata tree into a temporary folder the test may change.
func copyTree(t *testing.T, name string) string {
	t.Helper()
	dst := t.TempDir()
	require.NoError(t, os.CopyFS(dst, os.DirFS(filepath.Join("testdata", name))))
	return dst
}

func bySlug(t *testing.T, b *blog.Blog, slug string) *blog.Post {
	t.Helper()
	p, err := b.GetPostBySlug(context.Background(), slug)
	require.NoError(t, err, slug)
	return p
}

func TestSyncHugo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, _ := newBlog(t)
	sum, err := content.Sync(ctx, b, os.DirFS("testdata/hugo"), content.Options{})
	require.NoError(t, err)
	assert.Equal(t, content.Hugo, sum.Layout)
	assert.Equal(t, 4, sum.Imported)
	assert.Equal(t, 1, sum.Placeholders)

	walk := bySlug(t, b, "bundle")
	assert.Equal(t, "A walk by the sea", walk.Title)
	assert.Equal(t, blog.StatusPublished, walk.Status)
	assert.True(t, walk.PublishedAt.Equal(time.Date(2023, 5, 14, 9, 30, 0, 0, paris)), walk.PublishedAt)
	assert.Contains(t, walk.Source, `![a gull](gull.png "A gull on the pier (Photo: Ann)")`)
	assert.Contains(t, walk.Source, "[unsupported shortcode: tweet]")
	files := bySlug(t, b, "reading-files")
	assert.Contains(t, walk.Source, "See also "+b.PostPath(files)+" for the code.")
	assert.Contains(t, files.Source, "```go\ndata, err := os.ReadFile(\"x\")\n```")
	assert.Contains(t, files.Source, "[the walk]("+b.PostPath(walk)+")")
	assert.Equal(t, []blog.Term{{Name: "travel", Slug: "travel"}, {Name: "photos", Slug: "photos"}}, walk.Tags)
	assert.Equal(t, blog.StatusDraft, bySlug(t, b, "draft").Status)
	assert.Equal(t, blog.StatusScheduled, bySlug(t, b, "future").Status)
	for _, p := range []*blog.Post{walk, files} {
		assert.NotContains(t, p.Source, "{{<")
		assert.NotContains(t, string(p.HTML), "{{")
	}

	for path, want := range map[string]*blog.Post{
		"/old/walk-by-the-sea/":   walk,
		"/2023/05/bundle/":        walk,
		"/2023/06/reading-files/": files,
	} {
		id, err := b.OldPathPostID(ctx, path)
		require.NoError(t, err, path)
		assert.Equal(t, want.ID, id, path)
	}
	var image bool
	for _, w := range sum.Warnings {
		image = image || w.File == "content/posts/bundle/gull.png"
	}
	assert.True(t, image, "the bundle's image is reported: %v", sum.Warnings)
}

func TestSyncJekyll(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, _ := newBlog(t)
	sum, err := content.Sync(ctx, b, os.DirFS("testdata/jekyll"), content.Options{})
	require.NoError(t, err)
	assert.Equal(t, content.Jekyll, sum.Layout)
	assert.Equal(t, 4, sum.Imported)
	assert.Equal(t, 2, sum.Placeholders) // {{ site.title }} and {% include %}

	first := bySlug(t, b, "first-post")
	second := bySlug(t, b, "second")
	assert.True(t, first.PublishedAt.Equal(time.Date(2022, 1, 15, 0, 0, 0, 0, paris)), first.PublishedAt)
	assert.True(t, second.PublishedAt.Equal(time.Date(2022, 2, 1, 18, 0, 0, 0, paris)), second.PublishedAt)
	assert.Equal(t, []blog.Term{{Name: "notes", Slug: "notes"}, {Name: "go", Slug: "go"}}, first.Categories)
	assert.Contains(t, first.Source, "The start.\n<!--more-->")
	assert.Contains(t, first.Source, "```go\nfmt.Println(\"hi\")\n```")
	assert.Contains(t, first.Source, "Next: "+b.PostPath(second)+".")
	assert.Contains(t, second.Source, "("+b.PostPath(first)+")")
	assert.NotContains(t, first.Source, "{%")
	assert.NotContains(t, first.Source, "{{")
	assert.Equal(t, blog.StatusDraft, bySlug(t, b, "hidden").Status)
	assert.Equal(t, blog.StatusDraft, bySlug(t, b, "idea").Status)

	for path, want := range map[string]int64{
		"/notes/go/2022/01/15/first-post/": first.ID,
		"/custom/second.html":              second.ID,
	} {
		id, err := b.OldPathPostID(ctx, path)
		require.NoError(t, err, path)
		assert.Equal(t, want, id, path)
	}
}

func TestSyncAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := copyTree(t, "hugo")
	b, st := newBlog(t)
	state := content.FileState(filepath.Join(t.TempDir(), "state.json"))
	opts := content.Options{State: state}
	_, err := content.Sync(ctx, b, os.DirFS(dir), opts)
	require.NoError(t, err)
	walk := bySlug(t, b, "bundle")
	c := &comments.Comment{Thread: strconv.FormatInt(walk.ID, 10), Source: "Nice", HTML: "<p>Nice</p>", Status: comments.StatusApproved, CreatedAt: now}
	require.NoError(t, st.CreateComment(ctx, c))

	t.Run("unchanged", func(t *testing.T) {
		sum, err := content.Sync(ctx, b, os.DirFS(dir), opts)
		require.NoError(t, err)
		assert.Equal(t, content.Summary{Layout: content.Hugo, Unchanged: 4, Placeholders: 1}, *withoutWarnings(sum))
		assert.Equal(t, walk.Version, bySlug(t, b, "bundle").Version, "no write")
	})
	t.Run("edit", func(t *testing.T) {
		p := filepath.Join(dir, "content/posts/toml-post.md")
		src, err := os.ReadFile(p)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(p, []byte(strings.Replace(string(src), "Here is how:", "Here is the way:", 1)), 0o644))
		sum, err := content.Sync(ctx, b, os.DirFS(dir), opts)
		require.NoError(t, err)
		assert.Equal(t, 1, sum.Updated)
		assert.Equal(t, 3, sum.Unchanged)
		assert.Contains(t, bySlug(t, b, "reading-files").Source, "Here is the way:")
	})
	t.Run("deletion", func(t *testing.T) {
		require.NoError(t, os.RemoveAll(filepath.Join(dir, "content/posts/bundle")))
		sum, err := content.Sync(ctx, b, os.DirFS(dir), opts)
		require.NoError(t, err)
		assert.Equal(t, 1, sum.Unpublished)
		got, err := b.GetPost(ctx, walk.ID)
		require.NoError(t, err, "the post is kept")
		assert.Equal(t, blog.StatusDraft, got.Status)
		kept, err := st.GetComment(ctx, c.ID)
		require.NoError(t, err, "its comments are kept")
		assert.Equal(t, c.Source, kept.Source)

		sum, err = content.Sync(ctx, b, os.DirFS(dir), opts)
		require.NoError(t, err)
		assert.Zero(t, sum.Unpublished, "counted once")
	})
}

func withoutWarnings(s *content.Summary) *content.Summary {
	c := *s
	c.Warnings = nil
	return &c
}

func TestSyncBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	good := "---\ntitle: Good\ndate: 2021-01-01\n---\nFine.\n"
	fsys := fstest.MapFS{
		"good.md":      {Data: []byte(good)},
		"bad.md":       {Data: []byte("---\ntitle: ok\nbad: a: b\n---\nx")},
		"big.md":       {Data: []byte("---\ntitle: Big\n---\n" + strings.Repeat("x", 2000))},
		"photo.md":     {Data: []byte("GIF89a\x00\x01binary")},
		"dup/good.md":  {Data: []byte(good)},
		"notes.txt":    {Data: []byte("not markdown")},
		".hidden/x.md": {Data: []byte(good)},
	}
	b, _ := newBlog(t)
	sum, err := content.Sync(ctx, b, fsys, content.Options{MaxFileBytes: 1000})
	require.NoError(t, err)
	assert.Equal(t, 2, sum.Imported)
	warned := map[string]content.Warning{}
	for _, w := range sum.Warnings {
		warned[w.File] = w
	}
	assert.Equal(t, 3, warned["bad.md"].Line, "malformed front matter names its line")
	assert.Contains(t, warned, "big.md", "over the cap")
	assert.NotContains(t, warned, "photo.md", "binary files are ignored quietly")
	assert.Contains(t, warned, "good.md", "a duplicate slug is reported")
	assert.Equal(t, "Good", bySlug(t, b, "good").Title)
	assert.Equal(t, "Good", bySlug(t, b, "good-2").Title)
	_, err = b.GetPostBySlug(ctx, "big")
	assert.ErrorIs(t, err, blog.ErrNotFound)
}

func TestSyncSymlinks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	outside := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(outside, "secret.md"), []byte("# secret"), 0o644))
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "inside.md"), []byte("---\ntitle: Inside\n---\nIn."), 0o644))
	if err := os.Symlink(filepath.Join(outside, "secret.md"), filepath.Join(dir, "abs.md")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	require.NoError(t, os.Symlink("../"+filepath.Base(outside)+"/secret.md", filepath.Join(dir, "rel.md")))
	require.NoError(t, os.Symlink("inside.md", filepath.Join(dir, "alias.md")))

	b, _ := newBlog(t)
	sum, err := content.Sync(ctx, b, os.DirFS(dir), content.Options{})
	require.NoError(t, err)
	assert.Equal(t, 2, sum.Imported, "inside.md and the link to it")
	warned := map[string]bool{}
	for _, w := range sum.Warnings {
		warned[w.File] = true
	}
	assert.True(t, warned["abs.md"])
	assert.True(t, warned["rel.md"])
	for _, slug := range []string{"abs", "rel", "secret"} {
		_, err := b.GetPostBySlug(ctx, slug)
		assert.ErrorIs(t, err, blog.ErrNotFound, slug)
	}
}
