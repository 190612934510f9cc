package blog_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/storage/memstore"
)

// clock is a settable clock for tests.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2013, 1, 15, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newBlog(t testing.TB, opts ...blog.Option) (*blog.Blog, *clock) {
	t.Helper()
	c := newClock()
	b, err := blog.New(memstore.New(), append([]blog.Option{blog.WithClock(c.Now)}, opts...)...)
	require.NoError(t, err)
	return b, c
}

func publish(t testing.TB, b *blog.Blog, title string) *blog.Post {
	t.Helper()
	p, err := b.CreatePost(context.Background(), &blog.Post{Title: title, Source: "Body of " + title, Status: blog.StatusPublished})
	require.NoError(t, err)
	return p
}

func TestNew_validatesOptions(t *testing.T) {
	tests := []struct {
		name  string
		store blog.Store
		opts  []blog.Option
		field string
	}{
		{"nil store", nil, nil, "store"},
		{"nil location", memstore.New(), []blog.Option{blog.WithLocation(nil)}, "location"},
		{"nil clock", memstore.New(), []blog.Option{blog.WithClock(nil)}, "clock"},
		{"nil logger", memstore.New(), []blog.Option{blog.WithLogger(nil)}, "logger"},
		{"zero source limit", memstore.New(), []blog.Option{blog.WithMaxSourceBytes(0)}, "max source bytes"},
		{"bad permalink", memstore.New(), []blog.Option{blog.WithPermalink("/{year}/")}, "permalink"},
		{"bad excerpt words", memstore.New(), []blog.Option{blog.WithRenderOptions(blog.WithExcerptWords(0))}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := blog.New(tt.store, tt.opts...)
			var ve *blog.ValidationError
			require.ErrorAs(t, err, &ve)
			if tt.field != "" {
				assert.Equal(t, tt.field, ve.Field)
			}
		})
	}
}

func TestBlog_CreatePost_defaultsAndDerivedFields(t *testing.T) {
	b, c := newBlog(t)
	p, err := b.CreatePost(context.Background(), &blog.Post{
		Title:  "  Hello, World!  ",
		Source: "Some *text*.\n\n<!--more-->\n\nThe rest.",
		Tags:   []blog.Term{{Name: "Go"}, {Name: "go"}, {Name: "Web Dev"}},
	})
	require.NoError(t, err)
	assert.NotZero(t, p.ID)
	assert.Equal(t, int64(1), p.Version)
	assert.Equal(t, "Hello, World!", p.Title)
	assert.Equal(t, "hello-world", p.Slug)
	assert.Equal(t, blog.StatusDraft, p.Status)
	assert.Equal(t, blog.KindPost, p.Kind)
	assert.Equal(t, blog.FormatMarkdown, p.Format)
	assert.Equal(t, blog.CommentsOpen, p.CommentStatus)
	assert.True(t, p.PublishedAt.IsZero(), "a draft has no publication time")
	assert.True(t, p.CreatedAt.Equal(c.Now()))
	assert.Contains(t, string(p.HTML), "<em>text</em>")
	assert.True(t, p.HasMore)
	assert.NotContains(t, string(p.Summary), "The rest")
	assert.Equal(t, 4, p.WordCount)
	assert.Equal(t, "Some text. The rest.", p.Text, "the text is the body's, without the marker")
	assert.Empty(t, p.Image, "a body without images has none")
	assert.Equal(t, []blog.Term{{Name: "Go", Slug: "go"}, {Name: "Web Dev", Slug: "web-dev"}}, p.Tags, "terms get slugs and duplicates go")

	stored, err := b.GetPost(context.Background(), p.ID)
	require.NoError(t, err)
	assert.Equal(t, p, stored)
}

func TestBlog_CreatePost_rejectsBadInput(t *testing.T) {
	b, _ := newBlog(t, blog.WithMaxSourceBytes(100))
	tests := []struct {
		name  string
		post  blog.Post
		field string
	}{
		{"empty title", blog.Post{Title: "  "}, "title"},
		{"title invalid utf-8", blog.Post{Title: "a\xffb"}, "title"},
		{"title too long", blog.Post{Title: strings.Repeat("t", blog.MaxTitleBytes+1)}, "title"},
		{"source too large", blog.Post{Title: "t", Source: strings.Repeat("x", 101)}, "source"},
		{"excerpt too large", blog.Post{Title: "t", Excerpt: strings.Repeat("x", 101)}, "excerpt"},
		{"source invalid utf-8", blog.Post{Title: "t", Source: "\xc3\x28"}, "source"},
		{"unknown status", blog.Post{Title: "t", Status: "live"}, "status"},
		{"unknown kind", blog.Post{Title: "t", Kind: "note"}, "kind"},
		{"unknown format", blog.Post{Title: "t", Format: "rst"}, "format"},
		{"unknown comment status", blog.Post{Title: "t", CommentStatus: "maybe"}, "comment status"},
		{"slug with slash", blog.Post{Title: "t", Slug: "a/b"}, "slug"},
		{"slug of punctuation", blog.Post{Title: "t", Slug: "--"}, "slug"},
		{"empty tag", blog.Post{Title: "t", Tags: []blog.Term{{Name: " "}}}, "tags"},
		{"category without letters", blog.Post{Title: "t", Categories: []blog.Term{{Name: "!!"}}}, "categories"},
		{"scheduled without time", blog.Post{Title: "t", Status: blog.StatusScheduled}, "published at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := b.CreatePost(context.Background(), &tt.post)
			var ve *blog.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
		})
	}
	all, err := b.ListAll(context.Background(), blog.PostQuery{})
	require.NoError(t, err)
	assert.Empty(t, all, "nothing is stored after bad input")
}

func TestBlog_CreatePost_slugs(t *testing.T) {
	b, _ := newBlog(t)
	ctx := context.Background()
	var slugs []string
	for range 3 {
		slugs = append(slugs, publish(t, b, "Same Title").Slug)
	}
	assert.Equal(t, []string{"same-title", "same-title-2", "same-title-3"}, slugs)

	_, err := b.CreatePost(ctx, &blog.Post{Title: "Other", Slug: "same-title"})
	assert.ErrorIs(t, err, blog.ErrSlugTaken, "an explicit duplicate slug is not renamed")

	p, err := b.CreatePost(ctx, &blog.Post{Title: "!!!"})
	require.NoError(t, err)
	assert.Equal(t, "post", p.Slug, "a title without letters still gets a slug")

	p, err = b.CreatePost(ctx, &blog.Post{Title: "Привет, мир"})
	require.NoError(t, err)
	assert.Equal(t, "привет-мир", p.Slug)
}

func TestBlog_UpdatePost(t *testing.T) {
	b, c := newBlog(t)
	ctx := context.Background()
	p := publish(t, b, "First title")

	c.Add(time.Hour)
	p.Title, p.Slug, p.Source = "Second title", "second-title", "New *body*"
	q, err := b.UpdatePost(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, int64(2), q.Version)
	assert.Equal(t, []string{"first-title"}, q.PreviousSlugs, "a public post keeps its old slug")
	assert.Contains(t, string(q.HTML), "<em>body</em>", "the body is rendered again")
	assert.True(t, q.UpdatedAt.Equal(c.Now()))
	assert.True(t, q.CreatedAt.Before(q.UpdatedAt))

	_, err = b.UpdatePost(ctx, p) // p still has version 1
	assert.ErrorIs(t, err, blog.ErrConflict)

	q.Slug = "first-title" // back to the old slug: it is no longer "previous"
	r, err := b.UpdatePost(ctx, q)
	require.NoError(t, err)
	assert.Equal(t, []string{"second-title"}, r.PreviousSlugs)

	_, err = b.UpdatePost(ctx, &blog.Post{ID: 999, Title: "x", Version: 1})
	assert.ErrorIs(t, err, blog.ErrNotFound)

	draft, err := b.CreatePost(ctx, &blog.Post{Title: "Draft"})
	require.NoError(t, err)
	draft.Slug = "renamed-draft"
	draft, err = b.UpdatePost(ctx, draft)
	require.NoError(t, err)
	assert.Empty(t, draft.PreviousSlugs, "a draft had no public URL to keep")
}

// TestBlog_image checks that a post's Image is derived from its body on
// every write, whatever the caller put there.
func TestBlog_image(t *testing.T) {
	b, _ := newBlog(t)
	ctx := context.Background()
	p, err := b.CreatePost(ctx, &blog.Post{
		Title:  "Pictures",
		Source: "Text first.\n\n![A pear](/media/pear.jpg \"Pear\")\n\n![An apple](https://cdn.example.com/apple.png)",
		Image:  "https://evil.example/set-by-caller.png",
	})
	require.NoError(t, err)
	assert.Equal(t, "/media/pear.jpg", p.Image, "the first image of the body, as written")
	stored, err := b.GetPost(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, p.Image, stored.Image)

	p.Source = "No pictures any more."
	q, err := b.UpdatePost(ctx, p)
	require.NoError(t, err)
	assert.Empty(t, q.Image, "an update derives the image again")
}

func TestBlog_visibility(t *testing.T) {
	b, c := newBlog(t)
	ctx := context.Background()
	pub := publish(t, b, "Public")
	var hidden []*blog.Post
	for _, st := range []blog.Status{blog.StatusDraft, blog.StatusPending, blog.StatusPrivate} {
		p, err := b.CreatePost(ctx, &blog.Post{Title: string(st), Status: st, PublishedAt: c.Now().Add(-time.Hour)})
		require.NoError(t, err)
		hidden = append(hidden, p)
	}
	future, err := b.CreatePost(ctx, &blog.Post{Title: "Future", Status: blog.StatusPublished, PublishedAt: c.Now().Add(time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, blog.StatusScheduled, future.Status, "a post published with a future date is scheduled")
	hidden = append(hidden, future)
	page, err := b.CreatePost(ctx, &blog.Post{Title: "About", Kind: blog.KindPage, Status: blog.StatusPublished})
	require.NoError(t, err)

	list, err := b.List(ctx, blog.ListOptions{})
	require.NoError(t, err)
	require.Len(t, list.Posts, 1, "visitors see only the public post, not pages")
	assert.Equal(t, pub.ID, list.Posts[0].ID)

	for _, p := range hidden {
		_, err := b.PublicPost(ctx, p.ID)
		assert.ErrorIs(t, err, blog.ErrNotFound, "status %s", p.Status)
		_, err = b.PublicPostBySlug(ctx, p.Slug)
		assert.ErrorIs(t, err, blog.ErrNotFound, "status %s", p.Status)
		_, _, err = b.Resolve(ctx, b.PostPath(p))
		assert.ErrorIs(t, err, blog.ErrNotFound, "status %s", p.Status)
	}
	_, err = b.PublicPost(ctx, page.ID)
	assert.NoError(t, err, "a public page is visible by ID")

	next, ok, err := b.NextScheduledChange(ctx)
	require.NoError(t, err)
	require.True(t, ok)
	assert.True(t, next.Equal(future.PublishedAt))

	c.Add(time.Hour) // the scheduled time comes: no job runs, yet it is visible
	list, err = b.List(ctx, blog.ListOptions{})
	require.NoError(t, err)
	require.Len(t, list.Posts, 2)
	assert.Equal(t, future.ID, list.Posts[0].ID)
	_, ok, err = b.NextScheduledChange(ctx)
	require.NoError(t, err)
	assert.False(t, ok)
}

func TestBlog_statusChanges(t *testing.T) {
	b, c := newBlog(t)
	ctx := context.Background()
	p, err := b.CreatePost(ctx, &blog.Post{Title: "Draft"})
	require.NoError(t, err)

	p, err = b.Publish(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, blog.StatusPublished, p.Status)
	assert.True(t, p.PublishedAt.Equal(c.Now()))
	published := p.PublishedAt

	p, err = b.Unpublish(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, blog.StatusDraft, p.Status)
	_, err = b.PublicPost(ctx, p.ID)
	assert.ErrorIs(t, err, blog.ErrNotFound)

	at := c.Now().Add(48 * time.Hour)
	p, err = b.Schedule(ctx, p.ID, at)
	require.NoError(t, err)
	assert.Equal(t, blog.StatusScheduled, p.Status)
	assert.True(t, p.PublishedAt.Equal(at))

	p, err = b.Schedule(ctx, p.ID, published)
	require.NoError(t, err)
	assert.Equal(t, blog.StatusPublished, p.Status, "scheduling in the past publishes")

	_, err = b.Schedule(ctx, p.ID, time.Time{})
	assert.Error(t, err)
	_, err = b.Publish(ctx, 12345)
	assert.ErrorIs(t, err, blog.ErrNotFound)

	require.NoError(t, b.DeletePost(ctx, p.ID))
	assert.ErrorIs(t, b.DeletePost(ctx, p.ID), blog.ErrNotFound)
}

func TestBlog_Resolve(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	b, c := newBlog(t, blog.WithLocation(tokyo))
	ctx := context.Background()
	// 2013-01-15 12:00 UTC is 21:00 in Tokyo: the same day.
	p := publish(t, b, "Old name")
	p.Slug = "new-name"
	p, err = b.UpdatePost(ctx, p)
	require.NoError(t, err)
	_ = c

	tests := []struct {
		name, path, redirect string
		err                  error
	}{
		{"canonical", "/2013/01/15/new-name/", "", nil},
		{"no trailing slash", "/2013/01/15/new-name", "/2013/01/15/new-name/", nil},
		{"old slug", "/2013/01/15/old-name/", "/2013/01/15/new-name/", nil},
		{"old slug other date", "/2012/12/01/old-name/", "/2013/01/15/new-name/", nil},
		{"wrong date", "/2013/01/16/new-name/", "", blog.ErrNotFound},
		{"unknown slug", "/2013/01/15/nothing/", "", blog.ErrNotFound},
		{"not a permalink", "/about/", "", blog.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, redirect, err := b.Resolve(ctx, tt.path)
			if tt.err != nil {
				assert.ErrorIs(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, p.ID, got.ID)
			assert.Equal(t, tt.redirect, redirect)
		})
	}
}

func TestBlog_Resolve_unicodeSlug(t *testing.T) {
	b, _ := newBlog(t)
	p := publish(t, b, "Привет, мир")
	url := b.PostPath(p)
	assert.Equal(t, "/2013/01/15/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82-%D0%BC%D0%B8%D1%80/", url)
	got, redirect, err := b.Resolve(context.Background(), unescape(t, url))
	require.NoError(t, err)
	assert.Equal(t, p.ID, got.ID)
	assert.Empty(t, redirect)
}

func TestBlog_List_pagination(t *testing.T) {
	b, c := newBlog(t)
	ctx := context.Background()
	var want []int64
	for i := range 25 {
		p := publish(t, b, "Post")
		want = append([]int64{p.ID}, want...)
		if i%3 == 0 {
			c.Add(time.Minute) // some posts share a publication time
		}
	}
	var got []int64
	o := blog.ListOptions{Limit: 10}
	for pages := 0; ; pages++ {
		require.Less(t, pages, 5)
		page, err := b.List(ctx, o)
		require.NoError(t, err)
		for _, p := range page.Posts {
			got = append(got, p.ID)
		}
		if page.Next == "" {
			break
		}
		o.After = page.Next
	}
	assert.Equal(t, want, got)

	_, err := b.List(ctx, blog.ListOptions{After: "%%%"})
	var ve *blog.ValidationError
	assert.ErrorAs(t, err, &ve)
}

func TestBlog_List_filtersAndPeriods(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	b, _ := newBlog(t, blog.WithLocation(ny))
	ctx := context.Background()
	mk := func(title string, at time.Time, tags ...string) *blog.Post {
		var terms []blog.Term
		for _, tag := range tags {
			terms = append(terms, blog.Term{Name: tag})
		}
		p, err := b.CreatePost(ctx, &blog.Post{Title: title, Status: blog.StatusPublished, PublishedAt: at, Tags: terms})
		require.NoError(t, err)
		return p
	}
	// 1 January 03:00 UTC is still 31 December in New York.
	dec := mk("December night", time.Date(2013, 1, 1, 3, 0, 0, 0, time.UTC), "night")
	jan := mk("January", time.Date(2013, 1, 1, 6, 0, 0, 0, time.UTC))

	from, before := b.Period(2012, time.December, 0)
	page, err := b.List(ctx, blog.ListOptions{From: from, Before: before})
	require.NoError(t, err)
	require.Len(t, page.Posts, 1)
	assert.Equal(t, dec.ID, page.Posts[0].ID, "a month follows the site's zone")

	from, before = b.Period(2013, time.January, 1)
	page, err = b.List(ctx, blog.ListOptions{From: from, Before: before})
	require.NoError(t, err)
	require.Len(t, page.Posts, 1)
	assert.Equal(t, jan.ID, page.Posts[0].ID)

	from, before = b.Period(2013, 0, 0)
	page, err = b.List(ctx, blog.ListOptions{From: from, Before: before})
	require.NoError(t, err)
	assert.Len(t, page.Posts, 1)

	page, err = b.List(ctx, blog.ListOptions{Tag: "night"})
	require.NoError(t, err)
	require.Len(t, page.Posts, 1)
	assert.Equal(t, dec.ID, page.Posts[0].ID)
}

func TestBlog_Search(t *testing.T) {
	b, _ := newBlog(t)
	ctx := context.Background()
	publish(t, b, "Walking in Pyongyang")
	publish(t, b, "Cooking rice")
	_, err := b.CreatePost(ctx, &blog.Post{Title: "Pyongyang draft"})
	require.NoError(t, err)

	res, err := b.Search(ctx, "pyongyang", 10)
	require.NoError(t, err)
	require.Len(t, res, 1, "drafts are never found")
	assert.Equal(t, "Walking in Pyongyang", res[0].Post.Title)

	res, err = b.Search(ctx, "  ", 10)
	require.NoError(t, err)
	assert.Empty(t, res)

	_, err = b.Search(ctx, strings.Repeat("x", 201), 10)
	var ve *blog.ValidationError
	assert.ErrorAs(t, err, &ve)
}

func TestBlog_concurrentStatusChangesAllLand(t *testing.T) {
	b, _ := newBlog(t)
	ctx := context.Background()
	p := publish(t, b, "Busy")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if i%2 == 0 {
				_, err = b.Unpublish(ctx, p.ID)
			} else {
				_, err = b.Publish(ctx, p.ID)
			}
			if err != nil && !errors.Is(err, blog.ErrConflict) {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got, err := b.GetPost(ctx, p.ID)
	require.NoError(t, err)
	assert.Greater(t, got.Version, int64(1))
}

func TestBlog_pagesLiveAtTheirSlug(t *testing.T) {
	b, _ := newBlog(t)
	ctx := context.Background()
	about, err := b.CreatePost(ctx, &blog.Post{Title: "About", Kind: blog.KindPage, Status: blog.StatusPublished})
	require.NoError(t, err)
	post := publish(t, b, "A post")
	assert.Equal(t, "/about/", b.PostPath(about))

	tests := []struct {
		name, path, redirect string
		want                 *blog.Post
	}{
		{"canonical", "/about/", "", about},
		{"no trailing slash", "/about", "/about/", about},
		{"dated path of a page", b.Permalink().Path(about, time.UTC), "/about/", about},
		{"a post is not at its slug alone", "/" + post.Slug + "/", "", nil},
		{"nested", "/about/team/", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, redirect, err := b.Resolve(ctx, tt.path)
			if tt.want == nil {
				assert.ErrorIs(t, err, blog.ErrNotFound)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want.ID, got.ID)
			assert.Equal(t, tt.redirect, redirect)
		})
	}
}
