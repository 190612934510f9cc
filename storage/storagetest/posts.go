package storagetest

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"slices"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the month rules need Asia/Tokyo and America/New_York everywhere

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
)

// RunPostStore checks that the stores newStore returns keep the
// [blog.Store] contract, and the contracts of the optional capabilities
// they implement. It runs one subtest per rule, in the order the package
// documentation lists them, each with a fresh store from newStore, and
// every failure names the rule it breaks.
//
// newStore is called once per subtest, with the subtest's t, so it may use
// t.TempDir and t.Cleanup, and it must return an empty store; a nil store
// fails the subtest. The rules of [blog.MonthCounter],
// [blog.PostSearcher], [blog.LikeStore], [blog.RedirectStore],
// [blog.ChangeFeed] and [blog.ChangeHook] are skipped, with a message,
// when the store does not implement the interface.
//
// The subtests create up to about a thousand posts each and run
// concurrent writers, so run the suite with -race at least once.
func RunPostStore(t *testing.T, newStore func(t *testing.T) blog.Store) {
	t.Helper()
	for _, r := range postRules {
		t.Run(r.name, func(t *testing.T) {
			s := newStore(t)
			require.NotNil(t, s, "newStore returned a nil blog.Store")
			r.run(t, s)
		})
	}
}

// postEpoch is the time the fixtures are published around: UTC, with
// microseconds.
var postEpoch = time.Date(2024, time.March, 10, 12, 0, 0, 123456000, time.UTC)

// postAt returns postEpoch moved by n minutes.
func postAt(n int) time.Time { return postEpoch.Add(time.Duration(n) * time.Minute) }

// newPost returns a valid published post with that slug and publication
// time, ready for CreatePost.
func newPost(slug string, published time.Time) *blog.Post {
	created := published
	if created.IsZero() {
		created = postEpoch.Add(-time.Hour)
	}
	return &blog.Post{
		Kind:          blog.KindPost,
		Slug:          slug,
		Title:         "Title of " + slug,
		Author:        blog.Author{Name: "Ann Author"},
		Format:        blog.FormatMarkdown,
		Source:        "Body of " + slug,
		HTML:          template.HTML("<p>Body of " + template.HTMLEscapeString(slug) + "</p>"),
		Text:          "Body of " + slug,
		Status:        blog.StatusPublished,
		CommentStatus: blog.CommentsOpen,
		CreatedAt:     created,
		UpdatedAt:     created,
		PublishedAt:   published,
	}
}

// mustCreatePost stores p, failing the test at once if the store refuses it.
func mustCreatePost(t testing.TB, s blog.Store, p *blog.Post) *blog.Post {
	t.Helper()
	require.NoError(t, s.CreatePost(context.Background(), p),
		"rule: CreatePost stores a valid post with a free slug (%q)", p.Slug)
	return p
}

// mustGetPost returns the stored post with that ID, failing the test at once if
// there is none.
func mustGetPost(t testing.TB, s blog.Store, id int64) *blog.Post {
	t.Helper()
	p, err := s.GetPost(context.Background(), id)
	require.NoError(t, err, "rule: GetPost returns a stored post (ID %d)", id)
	require.NotNil(t, p, "rule: GetPost returns a stored post (ID %d)", id)
	return p
}

// mustListPosts returns one page of q, failing the test at once on an error.
func mustListPosts(t testing.TB, s blog.Store, q blog.PostQuery) []*blog.Post {
	t.Helper()
	ps, err := s.ListPosts(context.Background(), q)
	require.NoError(t, err, "rule: ListPosts succeeds")
	return ps
}

// listAllPosts returns every post q selects, in one page.
func listAllPosts(t testing.TB, s blog.Store, q blog.PostQuery) []*blog.Post {
	t.Helper()
	q.Limit = blog.MaxLimit
	ps := mustListPosts(t, s, q)
	require.Less(t, len(ps), blog.MaxLimit, "the fixture must fit in one page")
	return ps
}

func postIDs(ps []*blog.Post) []int64 {
	out := make([]int64, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

// postsNewestFirst returns the IDs of ps in listing order as the contract
// states it: PublishedAt descending, zero PublishedAt last, then ID
// descending.
func postsNewestFirst(ps []*blog.Post) []int64 {
	s := slices.Clone(ps)
	slices.SortFunc(s, func(a, b *blog.Post) int {
		switch az, bz := a.PublishedAt.IsZero(), b.PublishedAt.IsZero(); {
		case az && !bz:
			return 1
		case bz && !az:
			return -1
		}
		if c := b.PublishedAt.Compare(a.PublishedAt); c != 0 {
			return c
		}
		return int(min(max(b.ID-a.ID, -1), 1))
	})
	return postIDs(s)
}

// assertSamePost checks that got equals want field by field: times with
// Equal and in UTC, slices with nil and empty alike.
func assertSamePost(t testing.TB, want, got *blog.Post, rule string) bool {
	t.Helper()
	if !assert.NotNil(t, got, rule) {
		return false
	}
	ok := true
	for _, f := range []struct {
		name      string
		want, got time.Time
	}{
		{"CreatedAt", want.CreatedAt, got.CreatedAt},
		{"UpdatedAt", want.UpdatedAt, got.UpdatedAt},
		{"PublishedAt", want.PublishedAt, got.PublishedAt},
	} {
		ok = assert.Truef(t, f.want.Equal(f.got), "%s: %s = %v, want %v", rule, f.name, f.got, f.want) && ok
		ok = assert.Samef(t, time.UTC, f.got.Location(), "%s: %s is in %v, want UTC", rule, f.name, f.got.Location()) && ok
	}
	return assert.Equal(t, postWithoutTimes(want), postWithoutTimes(got), rule) && ok
}

// postWithoutTimes returns a copy of p without its times and with empty slices
// made nil, for assert.Equal.
func postWithoutTimes(p *blog.Post) *blog.Post {
	c := p.Clone()
	c.CreatedAt, c.UpdatedAt, c.PublishedAt = time.Time{}, time.Time{}, time.Time{}
	if len(c.Tags) == 0 {
		c.Tags = nil
	}
	if len(c.Categories) == 0 {
		c.Categories = nil
	}
	if len(c.PreviousSlugs) == 0 {
		c.PreviousSlugs = nil
	}
	return c
}

func postRoundTrip(t *testing.T, s blog.Store) {
	const rule = "rule: a stored post comes back with every field as given, times in UTC to the microsecond, Version 1"
	ctx := context.Background()
	full := &blog.Post{
		Kind:  blog.KindPost,
		Slug:  "привет-мир",
		Title: "Привет, мир — «hello» & <world>",
		Author: blog.Author{
			Name:  "Zoë Ünicode",
			Email: "zoe@example.com",
			URL:   "https://example.com/~zoe?x=1&y=2",
		},
		Format:      blog.FormatMarkdown,
		Source:      "# Heading\n\nSome *Markdown* with 'quotes', \"double\", `code` and ☃.\n\n<!--more-->\n\nMore.",
		Excerpt:     "A hand-written _excerpt_.",
		HTML:        template.HTML(`<h1 id="heading">Heading</h1><p>Some <em>Markdown</em> &amp; ☃</p><p><img src="/media/ü.jpg?w=1&amp;h=2" alt=""></p>`),
		Summary:     template.HTML(`<p>A hand-written <em>excerpt</em>.</p>`),
		HasMore:     true,
		Description: "Some Markdown with quotes & a snowman ☃",
		Text:        "Heading Some Markdown & ☃",
		Image:       "/media/ü.jpg?w=1&h=2",
		WordCount:   1234,
		Tags: []blog.Term{
			{Name: "Go Lang", Slug: "go"},
			{Name: "Тест", Slug: "тест"},
		},
		Categories:    []blog.Term{{Name: "News & Events", Slug: "news"}},
		Status:        blog.StatusScheduled,
		CommentStatus: blog.CommentsClosed,
		Sticky:        true,
		PreviousSlugs: []string{"old-slug", "старый"},
		CreatedAt:     time.Date(2023, time.December, 31, 23, 59, 59, 999999000, time.UTC),
		UpdatedAt:     time.Date(2024, time.January, 2, 3, 4, 5, 6000, time.UTC),
		PublishedAt:   time.Date(2024, time.February, 29, 10, 11, 12, 131415000, time.UTC),
	}
	page := &blog.Post{
		Kind:          blog.KindPage,
		Slug:          "日本語",
		Title:         "日本語",
		Author:        blog.Author{Name: "山田"},
		Format:        blog.FormatHTML,
		Source:        "<p>日本語のページ</p>",
		HTML:          template.HTML("<p>日本語のページ</p>"),
		Summary:       template.HTML("<p>日本語のページ</p>"),
		Description:   "日本語のページ",
		Text:          "日本語のページ",
		WordCount:     1,
		Status:        blog.StatusDraft,
		CommentStatus: blog.CommentsOpen,
		CreatedAt:     time.Date(2024, time.March, 1, 0, 0, 0, 1000, time.UTC),
		UpdatedAt:     time.Date(2024, time.March, 1, 0, 0, 0, 2000, time.UTC),
		// PublishedAt zero: never published.
	}
	for _, want := range []*blog.Post{full, page} {
		in := want.Clone()
		require.NoError(t, s.CreatePost(ctx, in), "%s: CreatePost(%q)", rule, want.Slug)
		assert.NotZero(t, in.ID, "rule: CreatePost sets p.ID")
		assert.Equal(t, int64(1), in.Version, "rule: CreatePost sets p.Version to 1")
		want.ID, want.Version = in.ID, 1

		assertSamePost(t, want, mustGetPost(t, s, want.ID), rule+" (GetPost)")
		bySlug, err := s.GetPostBySlug(ctx, want.Slug)
		if assert.NoError(t, err, "rule: GetPostBySlug finds a post by its current slug %q", want.Slug) {
			assertSamePost(t, want, bySlug, rule+" (GetPostBySlug)")
		}
	}
	got := listAllPosts(t, s, blog.PostQuery{})
	if assert.Equal(t, []int64{full.ID, page.ID}, postIDs(got), "rule: ListPosts returns every stored post, newest first") {
		assertSamePost(t, full, got[0], rule+" (ListPosts)")
		assertSamePost(t, page, got[1], rule+" (ListPosts)")
	}
}

func postDistinctIDs(t *testing.T, s blog.Store) {
	const rule = "rule: CreatePost assigns every post a distinct, non-zero ID and Version 1"
	seen := make(map[int64]string)
	for i := range 25 {
		p := mustCreatePost(t, s, newPost(fmt.Sprintf("post-%d", i), postAt(i%3)))
		assert.NotZero(t, p.ID, rule)
		assert.Equal(t, int64(1), p.Version, rule)
		if prev, dup := seen[p.ID]; dup {
			t.Errorf("%s: %q and %q both got ID %d", rule, prev, p.Slug, p.ID)
		}
		seen[p.ID] = p.Slug
	}
	for id, slug := range seen {
		assert.Equal(t, slug, mustGetPost(t, s, id).Slug, "%s: GetPost(%d) returns the post created with it", rule, id)
	}
}

func postCreateNonZeroID(t *testing.T, s blog.Store) {
	const rule = "rule: CreatePost of a post whose ID is not zero returns an error and writes nothing"
	ctx := context.Background()
	existing := mustCreatePost(t, s, newPost("existing", postAt(0)))
	for _, id := range []int64{existing.ID, existing.ID + 1000} {
		p := newPost(fmt.Sprintf("with-id-%d", id), postAt(1))
		p.ID = id
		assert.Error(t, s.CreatePost(ctx, p), "%s (ID %d)", rule, id)
		_, err := s.GetPostBySlug(ctx, p.Slug)
		assert.ErrorIs(t, err, blog.ErrNotFound, "%s (ID %d)", rule, id)
	}
	assertSamePost(t, existing, mustGetPost(t, s, existing.ID), rule)
}

func postCopies(t *testing.T, s blog.Store) {
	const rule = "rule: changing a post passed to or returned by the store changes nothing stored"
	ctx := context.Background()
	in := newPost("original", postAt(0))
	in.Tags = []blog.Term{{Name: "Tag", Slug: "tag"}}
	in.Categories = []blog.Term{{Name: "Cat", Slug: "cat"}}
	in.PreviousSlugs = []string{"older"}
	mustCreatePost(t, s, in)
	want := in.Clone()

	scribble := func(p *blog.Post) {
		p.Title = "changed"
		p.Tags[0].Slug = "changed"
		p.Categories[0].Name = "changed"
		p.PreviousSlugs[0] = "changed"
		p.PublishedAt = p.PublishedAt.Add(time.Hour)
	}
	scribble(in)
	assertSamePost(t, want, mustGetPost(t, s, want.ID), rule+" (the post given to CreatePost)")

	scribble(mustGetPost(t, s, want.ID))
	assertSamePost(t, want, mustGetPost(t, s, want.ID), rule+" (a post from GetPost)")

	bySlug, err := s.GetPostBySlug(ctx, want.Slug)
	require.NoError(t, err, "rule: GetPostBySlug finds a post by its current slug")
	scribble(bySlug)
	assertSamePost(t, want, mustGetPost(t, s, want.ID), rule+" (a post from GetPostBySlug)")

	listed := mustListPosts(t, s, blog.PostQuery{})
	require.Len(t, listed, 1, "rule: ListPosts returns every stored post")
	scribble(listed[0])
	assertSamePost(t, want, mustGetPost(t, s, want.ID), rule+" (a post from ListPosts)")

	up := mustGetPost(t, s, want.ID)
	up.Title = "updated"
	require.NoError(t, s.UpdatePost(ctx, up), "rule: UpdatePost with the current Version succeeds")
	want = up.Clone()
	scribble(up)
	assertSamePost(t, want, mustGetPost(t, s, want.ID), rule+" (the post given to UpdatePost)")
}

func postMissingID(t *testing.T, s blog.Store) {
	ctx := context.Background()
	p := mustCreatePost(t, s, newPost("present", postAt(0)))
	missing := p.ID + 1000

	_, err := s.GetPost(ctx, missing)
	assert.ErrorIs(t, err, blog.ErrNotFound, "rule: GetPost of a missing ID returns ErrNotFound")

	ghost := newPost("ghost", postAt(1))
	ghost.ID, ghost.Version = missing, 1
	err = s.UpdatePost(ctx, ghost)
	assert.ErrorIs(t, err, blog.ErrNotFound, "rule: UpdatePost of a missing ID returns ErrNotFound")

	err = s.DeletePost(ctx, missing)
	assert.ErrorIs(t, err, blog.ErrNotFound, "rule: DeletePost of a missing ID returns ErrNotFound")

	_, err = s.GetPostBySlug(ctx, "no-such-slug")
	assert.ErrorIs(t, err, blog.ErrNotFound, "rule: GetPostBySlug of an unknown slug returns ErrNotFound")

	assert.Equal(t, []int64{p.ID}, postIDs(mustListPosts(t, s, blog.PostQuery{})),
		"rule: UpdatePost and DeletePost of a missing ID write nothing")
}

func postCreateDuplicateSlug(t *testing.T, s blog.Store) {
	const rule = "rule: CreatePost with another post's current slug returns ErrSlugTaken and writes nothing"
	first := mustCreatePost(t, s, newPost("taken", postAt(0)))
	dup := newPost("taken", postAt(5))
	dup.Title = "Second"
	err := s.CreatePost(context.Background(), dup)
	assert.ErrorIs(t, err, blog.ErrSlugTaken, rule)
	assert.Equal(t, []int64{first.ID}, postIDs(mustListPosts(t, s, blog.PostQuery{})), rule)
	assert.Equal(t, "Title of taken", mustGetPost(t, s, first.ID).Title, rule)
}

func postUpdateDuplicateSlug(t *testing.T, s blog.Store) {
	const rule = "rule: UpdatePost to another post's current slug returns ErrSlugTaken and changes nothing"
	ctx := context.Background()
	a := mustCreatePost(t, s, newPost("a", postAt(0)))
	b := mustCreatePost(t, s, newPost("b", postAt(1)))

	up := b.Clone()
	up.Slug, up.Title = "a", "stolen"
	err := s.UpdatePost(ctx, up)
	assert.ErrorIs(t, err, blog.ErrSlugTaken, rule)
	assertSamePost(t, b, mustGetPost(t, s, b.ID), rule)
	assertSamePost(t, a, mustGetPost(t, s, a.ID), rule)

	up = mustGetPost(t, s, a.ID)
	up.Title = "same slug"
	up.PreviousSlugs = []string{"a-before"}
	assert.NoError(t, s.UpdatePost(ctx, up), "rule: UpdatePost that keeps the post's own slug succeeds")

	up = mustGetPost(t, s, b.ID)
	up.Slug = "a-before"
	assert.NoError(t, s.UpdatePost(ctx, up), "rule: UpdatePost may take a slug that is only another post's previous slug")
}

func postStaleVersion(t *testing.T, s blog.Store) {
	const rule = "rule: UpdatePost with a stale Version returns ErrConflict and changes nothing"
	ctx := context.Background()
	p := mustCreatePost(t, s, newPost("versioned", postAt(0)))

	first := p.Clone()
	first.Title = "first update"
	require.NoError(t, s.UpdatePost(ctx, first), "rule: UpdatePost with the current Version succeeds")
	want := mustGetPost(t, s, p.ID)

	for _, v := range []int64{1, 0, 3, 99} {
		stale := p.Clone()
		stale.Version = v
		stale.Title = fmt.Sprintf("stale update from version %d", v)
		err := s.UpdatePost(ctx, stale)
		assert.ErrorIs(t, err, blog.ErrConflict, "%s (Version %d, stored 2)", rule, v)
		assertSamePost(t, want, mustGetPost(t, s, p.ID), rule)
	}
}

func postUpdateIncrementsVersion(t *testing.T, s blog.Store) {
	const rule = "rule: a successful UpdatePost replaces every field and increments Version in p and in the store"
	ctx := context.Background()
	p := newPost("v", postAt(0))
	p.Tags = []blog.Term{{Name: "One", Slug: "one"}, {Name: "Two", Slug: "two"}}
	mustCreatePost(t, s, p)
	mustCreatePost(t, s, newPost("newer", postAt(60)))

	for want := int64(2); want <= 4; want++ {
		up := mustGetPost(t, s, p.ID)
		up.Title = fmt.Sprintf("version %d", want)
		up.Slug = fmt.Sprintf("v%d", want)
		up.PreviousSlugs = append(up.PreviousSlugs, fmt.Sprintf("v%d-old", want))
		up.Tags = up.Tags[:1]
		up.Categories = []blog.Term{{Name: fmt.Sprint("Cat ", want), Slug: fmt.Sprint("cat-", want)}}
		up.Status = blog.StatusPrivate
		up.Sticky = want%2 == 0
		up.WordCount = int(want)
		up.Image = fmt.Sprintf("https://example.com/v%d.png", want)
		if want == 4 {
			up.Image = "" // a post whose image is gone
		}
		up.UpdatedAt = up.UpdatedAt.Add(time.Duration(want) * time.Microsecond)
		if want%2 == 1 { // moves the post in listings
			up.PublishedAt = up.PublishedAt.Add(-time.Duration(want) * time.Hour)
		}
		require.NoError(t, s.UpdatePost(ctx, up), "rule: UpdatePost with the current Version succeeds")
		assert.Equal(t, want, up.Version, "%s: p.Version after the update", rule)
		assertSamePost(t, up, mustGetPost(t, s, p.ID), rule+" (GetPost)")
		bySlug, err := s.GetPostBySlug(ctx, up.Slug)
		if assert.NoError(t, err, "rule: GetPostBySlug finds a post by its current slug") {
			assertSamePost(t, up, bySlug, rule+" (GetPostBySlug)")
		}
		listed := mustListPosts(t, s, blog.PostQuery{})
		if assert.Len(t, listed, 2, "rule: ListPosts returns every stored post") {
			assertSamePost(t, up, listed[1], rule+" (ListPosts)")
		}
	}
}

func postPreviousSlug(t *testing.T, s blog.Store) {
	const rule = "rule: GetPostBySlug falls back to PreviousSlugs: the most recently published post, then the highest ID"
	ctx := context.Background()
	moved := newPost("new-home", postAt(0))
	moved.PreviousSlugs = []string{"old-home", "older-home"}
	mustCreatePost(t, s, moved)
	for _, slug := range []string{"old-home", "older-home"} {
		got, err := s.GetPostBySlug(ctx, slug)
		if assert.NoError(t, err, "%s (%q)", rule, slug) {
			assert.Equal(t, moved.ID, got.ID, "%s (%q)", rule, slug)
		}
	}

	// A slug dropped by an update comes back through PreviousSlugs, and
	// one dropped from PreviousSlugs resolves no more.
	up := mustGetPost(t, s, moved.ID)
	up.PreviousSlugs = append(up.PreviousSlugs[1:], up.Slug)
	up.Slug = "newest-home"
	require.NoError(t, s.UpdatePost(ctx, up), "rule: UpdatePost with the current Version succeeds")
	got, err := s.GetPostBySlug(ctx, "new-home")
	if assert.NoError(t, err, "%s (after an update)", rule) {
		assert.Equal(t, moved.ID, got.ID, "%s (after an update)", rule)
	}
	_, err = s.GetPostBySlug(ctx, "old-home")
	assert.ErrorIs(t, err, blog.ErrNotFound,
		"rule: GetPostBySlug of a slug removed from PreviousSlugs by an update returns ErrNotFound")

	// Several posts list the same previous slug.
	older := newPost("older", postAt(-10))
	older.PreviousSlugs = []string{"shared"}
	newer := newPost("newer", postAt(10))
	newer.PreviousSlugs = []string{"shared"}
	mustCreatePost(t, s, newer)
	mustCreatePost(t, s, older)
	got, err = s.GetPostBySlug(ctx, "shared")
	if assert.NoError(t, err, rule) {
		assert.Equal(t, newer.ID, got.ID, "%s: the most recently published wins", rule)
	}

	tieA := newPost("tie-a", postAt(20))
	tieA.PreviousSlugs = []string{"tied"}
	tieB := newPost("tie-b", postAt(20))
	tieB.PreviousSlugs = []string{"tied"}
	mustCreatePost(t, s, tieA)
	mustCreatePost(t, s, tieB)
	got, err = s.GetPostBySlug(ctx, "tied")
	if assert.NoError(t, err, rule) {
		assert.Equal(t, max(tieA.ID, tieB.ID), got.ID, "%s: with equal PublishedAt the highest ID wins", rule)
	}
}

func postCurrentSlugWins(t *testing.T, s blog.Store) {
	const rule = "rule: GetPostBySlug prefers the post whose current slug matches over one that lists it as previous"
	ctx := context.Background()
	// The current owner created first, then a newer post listing the slug
	// as previous; and the other way round.
	owner1 := mustCreatePost(t, s, newPost("contested-1", postAt(0)))
	prev1 := newPost("elsewhere-1", postAt(60))
	prev1.PreviousSlugs = []string{"contested-1"}
	mustCreatePost(t, s, prev1)

	prev2 := newPost("elsewhere-2", postAt(60))
	prev2.PreviousSlugs = []string{"contested-2"}
	mustCreatePost(t, s, prev2)
	owner2 := mustCreatePost(t, s, newPost("contested-2", postAt(0)))

	for _, owner := range []*blog.Post{owner1, owner2} {
		got, err := s.GetPostBySlug(ctx, owner.Slug)
		if assert.NoError(t, err, rule) {
			assert.Equal(t, owner.ID, got.ID, "%s (%q)", rule, owner.Slug)
		}
	}
}

func postListOrder(t *testing.T, s blog.Store) {
	const rule = "rule: ListPosts returns posts by PublishedAt descending, then ID descending, zero PublishedAt last"
	// Created out of order, with shared publication times and unpublished
	// posts among them.
	times := []time.Time{
		postAt(5), {}, postAt(-3), postAt(5), postAt(0), {},
		postAt(5), postAt(0).Add(time.Microsecond), postAt(-3), postAt(100),
	}
	var all []*blog.Post
	for i, at := range times {
		p := newPost(fmt.Sprintf("p%d", i), at)
		if at.IsZero() {
			p.Status = blog.StatusDraft
		}
		all = append(all, mustCreatePost(t, s, p))
	}
	got := listAllPosts(t, s, blog.PostQuery{})
	assert.Equal(t, postsNewestFirst(all), postIDs(got), rule)
	if assert.Len(t, got, len(all), rule) {
		assert.True(t, got[0].PublishedAt.Equal(postAt(100)), "%s: the newest comes first", rule)
		assert.True(t, got[len(got)-1].PublishedAt.IsZero(), "%s: unpublished posts come last", rule)
	}
}

// collectPostPages follows q's listing page by page with keyset cursors,
// starting after q.After, and returns the IDs seen.
func collectPostPages(t testing.TB, s blog.Store, q blog.PostQuery, rule string) []int64 {
	t.Helper()
	var seen []int64
	for range 10000 {
		page := mustListPosts(t, s, q)
		assert.LessOrEqual(t, len(page), q.EffectiveLimit(), "%s: a page holds at most Limit posts", rule)
		if len(page) == 0 {
			return seen
		}
		seen = append(seen, postIDs(page)...)
		q.After = blog.CursorOf(page[len(page)-1])
	}
	t.Fatalf("%s: pagination does not end", rule)
	return nil
}

func postKeysetPagination(t *testing.T, s blog.Store) {
	const rule = "rule: keyset pagination with CursorOf(last) visits every post once, in listing order"
	// 300 posts, seven to a timestamp, and ten never published, created in
	// a scrambled order.
	var all []*blog.Post
	for i := range 310 {
		j := (i * 97) % 310 // a permutation of 0..309
		at := time.Time{}
		if j < 300 {
			at = postAt(j / 7).Add(time.Duration(j%2) * time.Microsecond)
		}
		all = append(all, mustCreatePost(t, s, newPost(fmt.Sprintf("k%d", j), at)))
	}
	want := postsNewestFirst(all)
	for _, limit := range []int{1, 7, 17, 100} {
		got := collectPostPages(t, s, blog.PostQuery{Limit: limit}, rule)
		assert.Equal(t, want, got, "%s (Limit %d)", rule, limit)
	}
}

func postPaginationDuringInserts(t *testing.T, s blog.Store) {
	const rule = "rule: pages after a cursor are unaffected by newer posts created meanwhile"
	ctx := context.Background()
	var old []*blog.Post
	for i := range 200 {
		old = append(old, mustCreatePost(t, s, newPost(fmt.Sprintf("old-%d", i), postAt(i/3))))
	}
	want := postsNewestFirst(old)

	q := blog.PostQuery{Limit: 13}
	first := mustListPosts(t, s, q)
	require.Len(t, first, 13, rule)

	stop := make(chan struct{})
	started := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 1000 { // a bound, in case paging outlasts it
				select {
				case <-stop:
					return
				default:
				}
				p := newPost(fmt.Sprintf("new-%d-%d", g, i), postAt(10000+i))
				assert.NoError(t, s.CreatePost(ctx, p), "rule: concurrent CreatePost calls succeed")
				once.Do(func() { close(started) })
			}
		})
	}
	<-started
	q.After = blog.CursorOf(first[len(first)-1])
	rest := collectPostPages(t, s, q, rule)
	close(stop)
	wg.Wait()

	got := append(postIDs(first), rest...)
	assert.Equal(t, want, got, rule)
}

// postFilterFixture creates posts covering every filter and returns them.
func postFilterFixture(t testing.TB, s blog.Store) []*blog.Post {
	t.Helper()
	goTag := blog.Term{Name: "Golang", Slug: "go"}
	cooking := blog.Term{Name: "Cooking", Slug: "cooking"}
	news := blog.Term{Name: "News & Events", Slug: "news"}
	misc := blog.Term{Name: "Misc", Slug: "misc"}
	specs := []struct {
		kind   blog.Kind
		status blog.Status
		sticky bool
		tags   []blog.Term
		cats   []blog.Term
	}{
		{blog.KindPost, blog.StatusPublished, false, []blog.Term{goTag}, []blog.Term{news}},
		{blog.KindPost, blog.StatusPublished, true, []blog.Term{goTag, cooking}, nil},
		{blog.KindPost, blog.StatusDraft, false, []blog.Term{cooking}, []blog.Term{misc}},
		{blog.KindPost, blog.StatusScheduled, false, nil, []blog.Term{news, misc}},
		{blog.KindPost, blog.StatusPrivate, true, []blog.Term{goTag}, []blog.Term{misc}},
		{blog.KindPost, blog.StatusPending, false, nil, nil},
		{blog.KindPage, blog.StatusPublished, false, nil, nil},
		{blog.KindPage, blog.StatusDraft, true, []blog.Term{goTag}, []blog.Term{news}},
		{blog.KindPost, blog.StatusPublished, false, []blog.Term{cooking}, []blog.Term{news}},
		{blog.KindPost, blog.StatusPublished, true, nil, []blog.Term{misc}},
		{blog.KindPage, blog.StatusPrivate, false, []blog.Term{cooking}, nil},
		{blog.KindPost, blog.StatusPublished, false, []blog.Term{goTag}, []blog.Term{misc, news}},
	}
	var all []*blog.Post
	for i, sp := range specs {
		p := newPost(fmt.Sprintf("f%d", i), postAt(i%5))
		p.Kind, p.Status, p.Sticky, p.Tags, p.Categories = sp.kind, sp.status, sp.sticky, sp.tags, sp.cats
		all = append(all, mustCreatePost(t, s, p))
	}
	return all
}

func hasTermSlug(terms []blog.Term, slug string) bool {
	return slices.ContainsFunc(terms, func(t blog.Term) bool { return t.Slug == slug })
}

func boolPtr(v bool) *bool { return &v }

// postFilterCases are queries with the predicate they must amount to.
var postFilterCases = []struct {
	name  string
	q     blog.PostQuery
	want  func(p *blog.Post) bool
	empty bool // the case selects nothing on purpose
}{
	{"Kinds post", blog.PostQuery{Kinds: []blog.Kind{blog.KindPost}},
		func(p *blog.Post) bool { return p.Kind == blog.KindPost }, false},
	{"Kinds page", blog.PostQuery{Kinds: []blog.Kind{blog.KindPage}},
		func(p *blog.Post) bool { return p.Kind == blog.KindPage }, false},
	{"Statuses draft", blog.PostQuery{Statuses: []blog.Status{blog.StatusDraft}},
		func(p *blog.Post) bool { return p.Status == blog.StatusDraft }, false},
	{"Statuses published or scheduled", blog.PostQuery{Statuses: []blog.Status{blog.StatusPublished, blog.StatusScheduled}},
		func(p *blog.Post) bool { return p.Status == blog.StatusPublished || p.Status == blog.StatusScheduled }, false},
	{"Tag", blog.PostQuery{Tag: "go"},
		func(p *blog.Post) bool { return hasTermSlug(p.Tags, "go") }, false},
	{"Tag by name finds nothing", blog.PostQuery{Tag: "Golang"},
		func(p *blog.Post) bool { return false }, true},
	{"Tag unknown", blog.PostQuery{Tag: "nope"},
		func(p *blog.Post) bool { return false }, true},
	{"Tag is not a category", blog.PostQuery{Tag: "news"},
		func(p *blog.Post) bool { return false }, true},
	{"Category", blog.PostQuery{Category: "news"},
		func(p *blog.Post) bool { return hasTermSlug(p.Categories, "news") }, false},
	{"Category by name finds nothing", blog.PostQuery{Category: "News & Events"},
		func(p *blog.Post) bool { return false }, true},
	{"Sticky true", blog.PostQuery{Sticky: boolPtr(true)},
		func(p *blog.Post) bool { return p.Sticky }, false},
	{"Sticky false", blog.PostQuery{Sticky: boolPtr(false)},
		func(p *blog.Post) bool { return !p.Sticky }, false},
	{"Kinds and Statuses", blog.PostQuery{Kinds: []blog.Kind{blog.KindPost}, Statuses: []blog.Status{blog.StatusPublished}},
		func(p *blog.Post) bool { return p.Kind == blog.KindPost && p.Status == blog.StatusPublished }, false},
	{"Tag and Category", blog.PostQuery{Tag: "go", Category: "misc"},
		func(p *blog.Post) bool { return hasTermSlug(p.Tags, "go") && hasTermSlug(p.Categories, "misc") }, false},
	{"everything at once", blog.PostQuery{
		Kinds: []blog.Kind{blog.KindPost}, Statuses: []blog.Status{blog.StatusPublished, blog.StatusPrivate},
		Tag: "go", Category: "misc", Sticky: boolPtr(false),
	}, func(p *blog.Post) bool {
		return p.Kind == blog.KindPost && (p.Status == blog.StatusPublished || p.Status == blog.StatusPrivate) &&
			hasTermSlug(p.Tags, "go") && hasTermSlug(p.Categories, "misc") && !p.Sticky
	}, false},
	{"Sticky true and Kinds page", blog.PostQuery{Sticky: boolPtr(true), Kinds: []blog.Kind{blog.KindPage}},
		func(p *blog.Post) bool { return p.Sticky && p.Kind == blog.KindPage }, false},
}

func postListFilters(t *testing.T, s blog.Store) {
	all := postFilterFixture(t, s)
	for _, c := range postFilterCases {
		t.Run(c.name, func(t *testing.T) {
			rule := fmt.Sprintf("rule: ListPosts with %s returns exactly the matching posts, newest first", c.name)
			var want []*blog.Post
			for _, p := range all {
				if c.want(p) {
					want = append(want, p)
				}
			}
			if !c.empty {
				require.NotEmpty(t, want, "the fixture must have posts for this case")
				require.Less(t, len(want), len(all), "the fixture must have posts this case leaves out")
			}
			assert.Equal(t, postsNewestFirst(want), postIDs(listAllPosts(t, s, c.q)), rule)
		})
	}
}

func postFilteredPagination(t *testing.T, s blog.Store) {
	all := postFilterFixture(t, s)
	for _, c := range postFilterCases {
		if c.empty {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			rule := fmt.Sprintf("rule: keyset pagination of ListPosts with %s visits every matching post once", c.name)
			var want []*blog.Post
			for _, p := range all {
				if c.want(p) {
					want = append(want, p)
				}
			}
			q := c.q
			q.Limit = 2
			assert.Equal(t, postsNewestFirst(want), collectPostPages(t, s, q, rule), rule)
		})
	}
}

func postTimeBounds(t *testing.T, s blog.Store) {
	from, before := postAt(0), postAt(60)
	us := time.Microsecond
	bySlug := make(map[string]*blog.Post)
	for slug, at := range map[string]time.Time{
		"way-before":    from.Add(-24 * time.Hour),
		"from-less-1us": from.Add(-us),
		"at-from":       from,
		"from-plus-1us": from.Add(us),
		"middle":        from.Add(30 * time.Minute),
		"before-less-1": before.Add(-us),
		"at-before":     before,
		"before-plus-1": before.Add(us),
		"way-after":     before.Add(24 * time.Hour),
	} {
		bySlug[slug] = mustCreatePost(t, s, newPost(slug, at))
	}
	bySlug["never-published"] = mustCreatePost(t, s, newPost("never-published", time.Time{}))
	pick := func(slugs ...string) []int64 {
		var ps []*blog.Post
		for _, s := range slugs {
			ps = append(ps, bySlug[s])
		}
		return postsNewestFirst(ps)
	}
	for _, c := range []struct {
		name string
		q    blog.PostQuery
		want []int64
	}{
		{"From and Before", blog.PostQuery{From: from, Before: before},
			pick("at-from", "from-plus-1us", "middle", "before-less-1")},
		{"From alone", blog.PostQuery{From: from},
			pick("at-from", "from-plus-1us", "middle", "before-less-1", "at-before", "before-plus-1", "way-after")},
		{"Before alone", blog.PostQuery{Before: before},
			pick("way-before", "from-less-1us", "at-from", "from-plus-1us", "middle", "before-less-1")},
		{"a one-microsecond window", blog.PostQuery{From: from, Before: from.Add(us)},
			pick("at-from")},
		{"an empty window", blog.PostQuery{From: before, Before: before},
			nil},
		{"bounds in another zone", blog.PostQuery{From: from.In(time.FixedZone("X", 5*3600)), Before: before.In(time.FixedZone("Y", -7*3600))},
			pick("at-from", "from-plus-1us", "middle", "before-less-1")},
		{"no bounds", blog.PostQuery{},
			pick("way-after", "before-plus-1", "at-before", "before-less-1", "middle", "from-plus-1us", "at-from", "from-less-1us", "way-before", "never-published")},
	} {
		rule := fmt.Sprintf("rule: ListPosts with %s selects PublishedAt in [From, Before), From inclusive and Before exclusive to the microsecond; a zero PublishedAt is outside every bound", c.name)
		got := postIDs(listAllPosts(t, s, c.q))
		if len(c.want) == 0 {
			assert.Empty(t, got, rule)
			continue
		}
		assert.Equal(t, c.want, got, rule)
	}
}

func postEffectiveLimit(t *testing.T, s blog.Store) {
	for i := range blog.MaxLimit + 5 {
		mustCreatePost(t, s, newPost(fmt.Sprintf("l%d", i), postAt(i)))
	}
	for _, c := range []struct{ limit, want int }{
		{0, blog.DefaultLimit},
		{-3, blog.DefaultLimit},
		{1, 1},
		{37, 37},
		{blog.MaxLimit, blog.MaxLimit},
		{blog.MaxLimit + 1, blog.MaxLimit},
		{1 << 30, blog.MaxLimit},
	} {
		q := blog.PostQuery{Limit: c.limit}
		require.Equal(t, c.want, q.EffectiveLimit(), "PostQuery.EffectiveLimit disagrees with this suite")
		got := mustListPosts(t, s, q)
		assert.Len(t, got, c.want,
			"rule: ListPosts with Limit %d returns EffectiveLimit() = %d posts (default %d, cap %d)",
			c.limit, c.want, blog.DefaultLimit, blog.MaxLimit)
	}
}

func postCancelledContext(t *testing.T, s blog.Store) {
	const rule = "rule: a cancelled context makes every method return an error wrapping ctx.Err() and write nothing"
	bg := context.Background()
	kept := mustCreatePost(t, s, newPost("kept", postAt(0)))
	ctx, cancel := context.WithCancel(bg)
	cancel()

	err := s.CreatePost(ctx, newPost("never", postAt(1)))
	assert.ErrorIs(t, err, context.Canceled, "%s (CreatePost)", rule)
	_, err = s.GetPostBySlug(bg, "never")
	assert.ErrorIs(t, err, blog.ErrNotFound, "%s (CreatePost wrote a post)", rule)

	up := kept.Clone()
	up.Title = "never"
	err = s.UpdatePost(ctx, up)
	assert.ErrorIs(t, err, context.Canceled, "%s (UpdatePost)", rule)
	assertSamePost(t, kept, mustGetPost(t, s, kept.ID), rule+" (UpdatePost changed the post)")

	err = s.DeletePost(ctx, kept.ID)
	assert.ErrorIs(t, err, context.Canceled, "%s (DeletePost)", rule)
	mustGetPost(t, s, kept.ID)

	_, err = s.GetPost(ctx, kept.ID)
	assert.ErrorIs(t, err, context.Canceled, "%s (GetPost)", rule)
	_, err = s.GetPostBySlug(ctx, kept.Slug)
	assert.ErrorIs(t, err, context.Canceled, "%s (GetPostBySlug)", rule)
	_, err = s.ListPosts(ctx, blog.PostQuery{})
	assert.ErrorIs(t, err, context.Canceled, "%s (ListPosts)", rule)
	if mc, ok := s.(blog.MonthCounter); ok {
		_, err = mc.CountPostsByMonth(ctx, blog.PostQuery{}, time.UTC)
		assert.ErrorIs(t, err, context.Canceled, "%s (CountPostsByMonth)", rule)
	}
	if ps, ok := s.(blog.PostSearcher); ok {
		_, err = ps.SearchPosts(ctx, blog.SearchQuery{Text: "body"})
		assert.ErrorIs(t, err, context.Canceled, "%s (SearchPosts)", rule)
	}
	assert.Equal(t, []int64{kept.ID}, postIDs(mustListPosts(t, s, blog.PostQuery{})), rule)
}

func postConcurrentCreates(t *testing.T, s blog.Store) {
	const rule = "rule: concurrent CreatePost calls all succeed with distinct IDs"
	const writers, each = 8, 50
	ctx := context.Background()
	var (
		mu  sync.Mutex
		got []*blog.Post
		wg  sync.WaitGroup
	)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				p := newPost(fmt.Sprintf("w%d-%d", w, i), postAt(i))
				if assert.NoError(t, s.CreatePost(ctx, p), rule) {
					mu.Lock()
					got = append(got, p)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	require.Len(t, got, writers*each, rule)
	seen := make(map[int64]bool)
	for _, p := range got {
		assert.False(t, seen[p.ID], "%s: ID %d given twice", rule, p.ID)
		seen[p.ID] = true
	}
	assert.Equal(t, postsNewestFirst(got), postIDs(listAllPosts(t, s, blog.PostQuery{})), rule)
}

func postConcurrentSameSlug(t *testing.T, s blog.Store) {
	const rule = "rule: of concurrent CreatePost calls with one slug exactly one succeeds, the others return ErrSlugTaken"
	ctx := context.Background()
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		wins, ers int
	)
	for range 8 {
		wg.Go(func() {
			err := s.CreatePost(ctx, newPost("race", postAt(0)))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.Is(err, blog.ErrSlugTaken):
				ers++
			default:
				t.Errorf("%s: unexpected error %v", rule, err)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 1, wins, rule)
	assert.Equal(t, 7, ers, rule)
	assert.Len(t, mustListPosts(t, s, blog.PostQuery{}), 1, rule)
}

func postConcurrentUpdates(t *testing.T, s blog.Store) {
	const rule = "rule: of concurrent UpdatePost calls from one Version exactly one succeeds, the others return ErrConflict"
	ctx := context.Background()
	p := mustCreatePost(t, s, newPost("contended", postAt(0)))
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		froms  []int64 // the Version each successful update started from
		titles = make(map[int64]string)
	)
	for g := range 8 {
		wg.Go(func() {
			for i := range 10 {
				cur, err := s.GetPost(ctx, p.ID)
				if !assert.NoError(t, err, "rule: GetPost returns a stored post") {
					return
				}
				from := cur.Version
				cur.Title = fmt.Sprintf("writer %d, try %d", g, i)
				switch err := s.UpdatePost(ctx, cur); {
				case err == nil:
					mu.Lock()
					froms = append(froms, from)
					titles[from] = cur.Title
					mu.Unlock()
				case errors.Is(err, blog.ErrConflict):
				default:
					t.Errorf("%s: unexpected error %v", rule, err)
				}
			}
		})
	}
	wg.Wait()
	require.NotEmpty(t, froms, "%s: no update succeeded", rule)
	slices.Sort(froms)
	want := make([]int64, len(froms))
	for i := range want {
		want[i] = int64(i + 1)
	}
	assert.Equal(t, want, froms, "%s: each Version from 1 on has exactly one winner", rule)
	final := mustGetPost(t, s, p.ID)
	assert.Equal(t, int64(1+len(froms)), final.Version, "%s: the final Version is 1 + the number of successes", rule)
	assert.Equal(t, titles[froms[len(froms)-1]], final.Title, "%s: the last winner's post is stored", rule)
}

func postDelete(t *testing.T, s blog.Store) {
	const rule = "rule: after DeletePost the post is gone everywhere and its slugs are free"
	ctx := context.Background()
	doomed := newPost("doomed", postAt(0))
	doomed.PreviousSlugs = []string{"doomed-before"}
	mustCreatePost(t, s, doomed)
	other := mustCreatePost(t, s, newPost("other", postAt(1)))

	require.NoError(t, s.DeletePost(ctx, doomed.ID), "rule: DeletePost of a stored post succeeds")
	_, err := s.GetPost(ctx, doomed.ID)
	assert.ErrorIs(t, err, blog.ErrNotFound, "%s (GetPost)", rule)
	_, err = s.GetPostBySlug(ctx, "doomed")
	assert.ErrorIs(t, err, blog.ErrNotFound, "%s (GetPostBySlug of its slug)", rule)
	_, err = s.GetPostBySlug(ctx, "doomed-before")
	assert.ErrorIs(t, err, blog.ErrNotFound, "%s (GetPostBySlug of its previous slug)", rule)
	assert.Equal(t, []int64{other.ID}, postIDs(mustListPosts(t, s, blog.PostQuery{})), "%s (ListPosts)", rule)
	assert.ErrorIs(t, s.DeletePost(ctx, doomed.ID), blog.ErrNotFound, "%s (a second DeletePost)", rule)
	gone := doomed.Clone()
	gone.Title = "resurrected"
	assert.ErrorIs(t, s.UpdatePost(ctx, gone), blog.ErrNotFound, "%s (UpdatePost)", rule)

	again := newPost("doomed", postAt(2))
	require.NoError(t, s.CreatePost(ctx, again), "%s: CreatePost may reuse the slug", rule)
	got, err := s.GetPostBySlug(ctx, "doomed")
	if assert.NoError(t, err, rule) {
		assert.Equal(t, again.ID, got.ID, rule)
		assert.Equal(t, int64(1), got.Version, rule)
	}
}

func postMonthCounter(t *testing.T, s blog.Store) {
	mc, ok := s.(blog.MonthCounter)
	if !ok {
		t.Skipf("%T does not implement blog.MonthCounter", s)
	}
	ctx := context.Background()
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	posts := []struct {
		at     time.Time
		kind   blog.Kind
		status blog.Status
	}{
		{utc(2024, 1, 10, 12, 0), blog.KindPost, blog.StatusPublished},
		{utc(2024, 1, 31, 23, 30), blog.KindPost, blog.StatusPublished}, // Tokyo: 1 February
		{utc(2024, 2, 1, 2, 0), blog.KindPost, blog.StatusPublished},    // New York: 31 January
		{utc(2024, 2, 15, 12, 0), blog.KindPost, blog.StatusPublished},
		{utc(2023, 12, 31, 20, 0), blog.KindPost, blog.StatusPublished}, // Tokyo: 1 January
		{utc(2024, 2, 10, 0, 0), blog.KindPost, blog.StatusDraft},
		{utc(2024, 1, 5, 0, 0), blog.KindPage, blog.StatusPublished},
		{time.Time{}, blog.KindPost, blog.StatusDraft}, // never published: in no month
	}
	for i, sp := range posts {
		p := newPost(fmt.Sprintf("m%d", i), sp.at)
		p.Kind, p.Status = sp.kind, sp.status
		mustCreatePost(t, s, p)
	}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	newYork, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	mcount := func(y int, m time.Month, n int) blog.MonthCount { return blog.MonthCount{Year: y, Month: m, Count: n} }
	visible := blog.PostQuery{Kinds: []blog.Kind{blog.KindPost}, Statuses: []blog.Status{blog.StatusPublished}}
	for _, c := range []struct {
		name string
		q    blog.PostQuery
		loc  *time.Location
		want []blog.MonthCount
	}{
		{"UTC", visible, time.UTC, []blog.MonthCount{mcount(2024, 2, 2), mcount(2024, 1, 2), mcount(2023, 12, 1)}},
		{"Asia/Tokyo, zero PublishedAt in no month", blog.PostQuery{}, tokyo, []blog.MonthCount{mcount(2024, 2, 4), mcount(2024, 1, 3)}},
		{"Asia/Tokyo", visible, tokyo, []blog.MonthCount{mcount(2024, 2, 3), mcount(2024, 1, 2)}},
		{"America/New_York", visible, newYork, []blog.MonthCount{mcount(2024, 2, 1), mcount(2024, 1, 3), mcount(2023, 12, 1)}},
		{"UTC without filters, zero PublishedAt in no month", blog.PostQuery{}, time.UTC, []blog.MonthCount{mcount(2024, 2, 3), mcount(2024, 1, 3), mcount(2023, 12, 1)}},
		{"UTC, After and Limit ignored", blog.PostQuery{
			Kinds: visible.Kinds, Statuses: visible.Statuses, Limit: 1,
			After: &blog.Cursor{PublishedAt: utc(2024, 1, 1, 0, 0), ID: 1},
		}, time.UTC, []blog.MonthCount{mcount(2024, 2, 2), mcount(2024, 1, 2), mcount(2023, 12, 1)}},
		{"UTC within From and Before", blog.PostQuery{
			Kinds: visible.Kinds, From: utc(2024, 1, 10, 12, 0), Before: utc(2024, 2, 15, 12, 0),
		}, time.UTC, []blog.MonthCount{mcount(2024, 2, 2), mcount(2024, 1, 2)}},
	} {
		rule := fmt.Sprintf("rule: CountPostsByMonth counts matching posts by month of PublishedAt in the zone (%s), newest month first", c.name)
		got, err := mc.CountPostsByMonth(ctx, c.q, c.loc)
		if assert.NoError(t, err, rule) {
			assert.Equal(t, c.want, got, rule)
		}
	}
}

func postSearcher(t *testing.T, s blog.Store) {
	ps, ok := s.(blog.PostSearcher)
	if !ok {
		t.Skipf("%T does not implement blog.PostSearcher", s)
	}
	ctx := context.Background()
	add := func(slug, title, source string, status blog.Status, at time.Time) *blog.Post {
		p := newPost(slug, at)
		p.Title, p.Status = title, status
		render(t, p, source)
		return mustCreatePost(t, s, p)
	}
	garden := add("garden", "Gardening in spring", "Tomatoes need sun and water.", blog.StatusPublished, postAt(0))
	winter := add("winter", "Winter notes", "Spring is far away; the tomatoes wait indoors.", blog.StatusPublished, postAt(10))
	draft := add("draft", "Spring draft", "Unfinished thoughts about tomatoes.", blog.StatusDraft, postAt(20))
	markup := add("markup", "Markup", "A <b>bold</b> claim & a kumquat <script>x</script>.", blog.StatusPublished, postAt(30))

	published := blog.PostQuery{Statuses: []blog.Status{blog.StatusPublished}}
	search := func(text string, q blog.PostQuery, offset int) []blog.SearchResult {
		t.Helper()
		res, err := ps.SearchPosts(ctx, blog.SearchQuery{Text: text, Query: q, Offset: offset})
		require.NoError(t, err, "rule: SearchPosts succeeds")
		return res
	}
	resultIDs := func(rs []blog.SearchResult) []int64 {
		out := make([]int64, len(rs))
		for i, r := range rs {
			require.NotNil(t, r.Post, "rule: every SearchResult carries its Post")
			out[i] = r.Post.ID
		}
		return out
	}

	assert.Equal(t, []int64{garden.ID}, resultIDs(search("gardening", published, 0)),
		"rule: SearchPosts finds a post by a word of its title")
	assert.Equal(t, []int64{garden.ID}, resultIDs(search("sun", published, 0)),
		"rule: SearchPosts finds a post by a word of its text")
	assert.Equal(t, []int64{garden.ID}, resultIDs(search("SUN", published, 0)),
		"rule: SearchPosts ignores case")
	assert.Equal(t, []int64{garden.ID}, resultIDs(search("tomatoes sun", published, 0)),
		"rule: SearchPosts returns only posts matching every word")
	assert.Empty(t, search("zyzzyva", published, 0), "rule: SearchPosts finds nothing for a word no post has")

	all := resultIDs(search("tomatoes", blog.PostQuery{}, 0))
	assert.ElementsMatch(t, []int64{garden.ID, winter.ID, draft.ID}, all,
		"rule: SearchPosts without filters searches every post")
	assert.ElementsMatch(t, []int64{garden.ID, winter.ID}, resultIDs(search("tomatoes", published, 0)),
		"rule: SearchPosts honours the Statuses filter")

	spring := resultIDs(search("spring", published, 0))
	if assert.Len(t, spring, 2, "rule: SearchPosts finds title and source matches") {
		assert.Equal(t, garden.ID, spring[0], "rule: SearchPosts ranks a match in the title above a newer match in the source")
	}
	paged := search("tomatoes", blog.PostQuery{Limit: 1}, 1)
	if assert.Len(t, paged, 1, "rule: SearchPosts returns at most Query.Limit results") {
		assert.Equal(t, all[1], paged[0].Post.ID, "rule: SearchPosts skips Offset results")
	}

	res := search("sun", published, 0)
	if assert.Len(t, res, 1) {
		assert.Contains(t, res[0].Snippet, "<mark>", "rule: a snippet wraps the matched words in <mark>")
		assert.Contains(t, res[0].Snippet, "sun</mark>", "rule: a snippet wraps the matched words in <mark>")
	}
	res = search("kumquat", published, 0)
	if assert.Len(t, res, 1, "rule: SearchPosts finds a post by a word of its text") {
		assert.Equal(t, markup.ID, res[0].Post.ID)
		assert.NotContains(t, res[0].Snippet, "<b>", "rule: a snippet is HTML-escaped")
		assert.NotContains(t, res[0].Snippet, "<script>", "rule: a snippet is HTML-escaped")
		assert.Contains(t, res[0].Snippet, "<mark>", "rule: a snippet wraps the matched words in <mark>")
	}
}

// searchRenderer renders the sources of the search fixtures as a Blog
// would, raw HTML allowed, so that their HTML and Text are what a Blog
// hands its store.
var searchRenderer = func() *blog.Renderer {
	r, err := blog.NewRenderer(blog.WithRawHTML())
	if err != nil {
		panic("storagetest: " + err.Error())
	}
	return r
}()

// render sets p's Source and the fields a Blog derives from it.
func render(t testing.TB, p *blog.Post, source string) {
	t.Helper()
	r, err := searchRenderer.Render(p.Format, source, "")
	require.NoError(t, err, "rendering the fixture %q", p.Slug)
	p.Source = source
	p.HTML, p.Summary, p.HasMore, p.Description, p.Text, p.Image, p.WordCount =
		r.HTML, r.Summary, r.HasMore, r.Description, r.Text, r.Image, r.WordCount
}

func postSearcherText(t *testing.T, s blog.Store) {
	const rule = "rule: search matches and snippets the post's text, never its markup or hidden comments"
	ps, ok := s.(blog.PostSearcher)
	if !ok {
		t.Skipf("%T does not implement blog.PostSearcher", s)
	}
	ctx := context.Background()
	p := newPost("hidden", postAt(0))
	p.Title = "Orchard diary"
	render(t, p, "Quinces ripen late in the orchard.\n\n"+
		"<!-- private note: zanzibar -->\n\n"+
		"<div class=\"marmalade\" title=\"pomegranate\">Fish &amp; chips <!-- also zanzibar --> at noon.</div>\n")
	require.NotContains(t, p.Text, "zanzibar", "the fixture's comment is hidden from readers")
	mustCreatePost(t, s, p)
	other := newPost("other", postAt(1))
	render(t, other, "Nothing about orchards here.")
	mustCreatePost(t, s, other)

	search := func(text string) []blog.SearchResult {
		t.Helper()
		res, err := ps.SearchPosts(ctx, blog.SearchQuery{Text: text})
		require.NoError(t, err, "rule: SearchPosts succeeds")
		return res
	}
	for _, word := range []string{"zanzibar", "private", "marmalade", "pomegranate", "div", "class", "amp"} {
		assert.Empty(t, search(word), "%s: %q is not in the text", rule, word)
	}
	for _, q := range []struct{ words, want string }{
		{"quinces", "<mark>Quinces</mark> ripen late"},
		{"chips", "Fish &amp; <mark>chips</mark> at noon"},
	} {
		res := search(q.words)
		if !assert.Len(t, res, 1, "%s: %q is in the text", rule, q.words) {
			continue
		}
		assert.Equal(t, p.ID, res[0].Post.ID, rule)
		snip := res[0].Snippet
		assert.Contains(t, snip, q.want, "%s: the snippet quotes the text, escaped once", rule)
		for _, hidden := range []string{"zanzibar", "private", "marmalade", "&lt;", "&amp;amp;", "<div", "<!--"} {
			assert.NotContains(t, snip, hidden, "%s: the snippet shows no markup or hidden comment", rule)
		}
	}
}
