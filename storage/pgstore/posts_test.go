package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/storage/pgstore"
)

// testPost returns a published post with that slug, published at pub.
func testPost(slug string, pub time.Time) *blog.Post {
	return &blog.Post{
		Kind:          blog.KindPost,
		Slug:          slug,
		Title:         "Title of " + slug,
		Author:        blog.Author{Name: "Ann"},
		Format:        blog.FormatMarkdown,
		Source:        "Body of " + slug,
		HTML:          "<p>Body of " + "x" + "</p>",
		Text:          "Body of " + slug,
		Status:        blog.StatusPublished,
		CommentStatus: blog.CommentsOpen,
		CreatedAt:     pub,
		UpdatedAt:     pub,
		PublishedAt:   pub,
	}
}

func mustCreate(tb testing.TB, s *pgstore.Store, p *blog.Post) *blog.Post {
	tb.Helper()
	require.NoError(tb, s.CreatePost(context.Background(), p), "create %q", p.Slug)
	return p
}

func TestStore_UpdatePost_TwoInstances(t *testing.T) {
	schema := newSchema(t)
	a, b := openStore(t, schema), openStore(t, schema)
	ctx := context.Background()
	const rounds = 20
	for round := range rounds {
		p := mustCreate(t, a, testPost(fmt.Sprintf("race-%d", round), time.Now().UTC()))
		fromA, err := a.GetPost(ctx, p.ID)
		require.NoError(t, err)
		fromB, err := b.GetPost(ctx, p.ID)
		require.NoError(t, err)
		fromA.Title, fromB.Title = "written by a", "written by b"
		fromA.Tags = []blog.Term{{Name: "A", Slug: "a"}}
		fromB.Tags = []blog.Term{{Name: "B", Slug: "b"}}

		var wg sync.WaitGroup
		var errA, errB error
		wg.Go(func() { errA = a.UpdatePost(ctx, fromA) })
		wg.Go(func() { errB = b.UpdatePost(ctx, fromB) })
		wg.Wait()

		require.True(t, (errA == nil) != (errB == nil), "round %d: exactly one update wins: a=%v b=%v", round, errA, errB)
		winner, loserErr := fromA, errB
		if errA != nil {
			winner, loserErr = fromB, errA
		}
		assert.ErrorIs(t, loserErr, blog.ErrConflict, "round %d: the other update gets ErrConflict", round)
		got, err := a.GetPost(ctx, p.ID)
		require.NoError(t, err)
		assert.Equal(t, winner.Title, got.Title, "round %d: the winner's write is stored", round)
		assert.Equal(t, winner.Tags, got.Tags, "round %d: with the winner's tags alone", round)
		assert.Equal(t, int64(2), got.Version, "round %d: one update, one version step", round)
	}
}

func TestStore_UpdatePost_Errors(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	p := mustCreate(t, s, testPost("one", time.Now().UTC()))
	mustCreate(t, s, testPost("two", time.Now().UTC()))

	t.Run("Missing", func(t *testing.T) {
		q := testPost("ghost", time.Time{})
		q.ID, q.Version = p.ID+100, 1
		assert.ErrorIs(t, s.UpdatePost(ctx, q), blog.ErrNotFound)
	})
	t.Run("StaleVersionBeatsTakenSlug", func(t *testing.T) {
		q := *p
		q.Version, q.Slug = 7, "two"
		assert.ErrorIs(t, s.UpdatePost(ctx, &q), blog.ErrConflict)
	})
	t.Run("TakenSlug", func(t *testing.T) {
		q := *p
		q.Slug = "two"
		assert.ErrorIs(t, s.UpdatePost(ctx, &q), blog.ErrSlugTaken)
		assert.Equal(t, int64(1), q.Version, "a failed update leaves Version alone")
	})
}

// TestStore_CancelledContext checks that a context cancelled before a
// call, or expiring while the call waits on a lock, writes nothing.
func TestStore_CancelledContext(t *testing.T) {
	schema := newSchema(t)
	s := openStore(t, schema)
	ctx := context.Background()
	p := mustCreate(t, s, testPost("locked", time.Now().UTC()))

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	t.Run("Before", func(t *testing.T) {
		q := testPost("never", time.Now().UTC())
		assert.ErrorIs(t, s.CreatePost(cancelled, q), context.Canceled)
		assert.Zero(t, q.ID)
		upd := *p
		upd.Title = "changed"
		assert.ErrorIs(t, s.UpdatePost(cancelled, &upd), context.Canceled)
		assert.ErrorIs(t, s.DeletePost(cancelled, p.ID), context.Canceled)
		got, err := s.GetPost(ctx, p.ID)
		require.NoError(t, err)
		assert.Equal(t, p.Title, got.Title)
		_, err = s.GetPostBySlug(ctx, "never")
		assert.ErrorIs(t, err, blog.ErrNotFound)
	})

	// While waiting: another transaction holds what the write needs; the
	// write waits for it until its deadline and must leave nothing behind,
	// even though the server carries on with it once the lock is free.
	waitOn := func(t *testing.T, lockSQL string, lockArgs []any, write func(ctx context.Context) error) {
		t.Helper()
		tx, err := adminPool(t).Begin(ctx)
		require.NoError(t, err)
		defer tx.Rollback(ctx) //nolint:errcheck
		_, err = tx.Exec(ctx, lockSQL, lockArgs...)
		require.NoError(t, err)

		short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		assert.ErrorIs(t, write(short), context.DeadlineExceeded)
		require.NoError(t, tx.Rollback(ctx))
		// Give the server time to finish the abandoned statement.
		time.Sleep(300 * time.Millisecond)
	}
	posts := pgx.Identifier{schema, "posts"}.Sanitize()

	t.Run("UpdateWhileWaiting", func(t *testing.T) {
		upd := *p
		upd.Title = "changed while locked"
		waitOn(t, "SELECT 1 FROM "+posts+" WHERE id = $1 FOR UPDATE", []any{p.ID},
			func(ctx context.Context) error { return s.UpdatePost(ctx, &upd) })
		got, err := s.GetPost(ctx, p.ID)
		require.NoError(t, err)
		assert.Equal(t, p.Title, got.Title, "the timed-out update wrote nothing")
		assert.Equal(t, int64(1), got.Version)
	})

	t.Run("CreateWhileWaiting", func(t *testing.T) {
		// An uncommitted post with the same slug makes the insert wait
		// to learn whether the slug is taken.
		waitOn(t, "INSERT INTO "+posts+` (kind, slug, title, author_name, author_email, author_url,
			format, source, excerpt, html, summary, has_more, description, word_count, status,
			comment_status, sticky, version) VALUES ('post', 'contested', '', '', '', '', '', '', '', '', '',
			false, '', 0, 'draft', 'open', false, 1)`, nil,
			func(ctx context.Context) error { return s.CreatePost(ctx, testPost("contested", time.Now().UTC())) })
		_, err := s.GetPostBySlug(ctx, "contested")
		assert.ErrorIs(t, err, blog.ErrNotFound, "the timed-out create wrote nothing")
	})

	t.Run("DeleteWhileWaiting", func(t *testing.T) {
		waitOn(t, "SELECT 1 FROM "+posts+" WHERE id = $1 FOR UPDATE", []any{p.ID},
			func(ctx context.Context) error { return s.DeletePost(ctx, p.ID) })
		_, err := s.GetPost(ctx, p.ID)
		assert.NoError(t, err, "the timed-out delete wrote nothing")
	})
}

func TestStore_Times(t *testing.T) {
	schema := newSchema(t)
	s := openStore(t, schema)
	ctx := context.Background()
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	pub := time.Date(2025, time.June, 1, 9, 30, 15, 123456789, paris)
	p := testPost("timed", pub)
	p.CreatedAt = time.Time{}
	mustCreate(t, s, p)

	got, err := s.GetPost(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, time.UTC, got.PublishedAt.Location(), "times come back in UTC")
	assert.True(t, got.PublishedAt.Equal(pub.Truncate(time.Microsecond)), "got %v, want %v", got.PublishedAt, pub)
	assert.Equal(t, 123456000, got.PublishedAt.Nanosecond(), "microsecond precision")
	assert.True(t, got.CreatedAt.IsZero(), "a zero time comes back zero")

	draft := testPost("draft", time.Time{})
	mustCreate(t, s, draft)
	var isNull bool
	require.NoError(t, s.Pool().QueryRow(ctx,
		"SELECT published_at IS NULL FROM "+pgx.Identifier{schema, "posts"}.Sanitize()+" WHERE id = $1", draft.ID).Scan(&isNull))
	assert.True(t, isNull, "a zero PublishedAt is stored as NULL")

	// Never-published posts list last, and a cursor on one continues
	// among them.
	older := mustCreate(t, s, testPost("older", pub.Add(-time.Hour)))
	draft2 := mustCreate(t, s, testPost("draft2", time.Time{}))
	list, err := s.ListPosts(ctx, blog.PostQuery{})
	require.NoError(t, err)
	assert.Equal(t, []int64{p.ID, older.ID, draft2.ID, draft.ID}, ids(list))
	rest, err := s.ListPosts(ctx, blog.PostQuery{After: blog.CursorOf(list[2])})
	require.NoError(t, err)
	assert.Equal(t, []int64{draft.ID}, ids(rest))
	before, err := s.ListPosts(ctx, blog.PostQuery{Before: pub})
	require.NoError(t, err)
	assert.Equal(t, []int64{older.ID}, ids(before), "a post never published is outside every bound")
}

func ids(ps []*blog.Post) []int64 {
	out := make([]int64, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func TestStore_SearchPosts(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	at := time.Date(2025, time.May, 1, 0, 0, 0, 0, time.UTC)
	inBody := testPost("in-body", at.Add(time.Hour))
	inBody.Title = "Walking notes"
	inBody.Source = "We saw a <b>heron</b> & a kingfisher by the river.\n\nPrivate \uE000marker\uE001 text."
	inBody.HTML = "<p>We saw a <b>heron</b> &amp; a kingfisher by the river.</p>\n<p>Private \uE000marker\uE001 text.</p>"
	inBody.Text = blog.PlainText(string(inBody.HTML))
	mustCreate(t, s, inBody)
	inTitle := testPost("in-title", at)
	inTitle.Title = "The heron"
	inTitle.Source = "A grey bird standing still."
	inTitle.Text = inTitle.Source
	mustCreate(t, s, inTitle)
	draft := testPost("draft-heron", at)
	draft.Title, draft.Status = "Heron draft", blog.StatusDraft
	mustCreate(t, s, draft)

	t.Run("TitleRanksFirst", func(t *testing.T) {
		res, err := s.SearchPosts(ctx, blog.SearchQuery{Text: "Heron",
			Query: blog.PostQuery{Statuses: []blog.Status{blog.StatusPublished}}})
		require.NoError(t, err)
		require.Len(t, res, 2)
		assert.Equal(t, inTitle.ID, res[0].Post.ID, "a title match ranks above a body match")
		assert.Equal(t, inBody.ID, res[1].Post.ID)
	})

	t.Run("Snippet", func(t *testing.T) {
		res, err := s.SearchPosts(ctx, blog.SearchQuery{Text: "kingfisher"})
		require.NoError(t, err)
		require.Len(t, res, 1)
		snip := res[0].Snippet
		assert.Contains(t, snip, "<mark>kingfisher</mark>")
		assert.Contains(t, snip, "heron &amp; a", "the source is escaped")
		assert.NotContains(t, snip, "<b>", "tags are left out")
		assert.Contains(t, snip, "Private marker text", "marker characters in the source are dropped, not turned into marks")
		assert.Equal(t, 1, strings.Count(snip, "<mark>"))
	})

	t.Run("OffsetAndLimit", func(t *testing.T) {
		res, err := s.SearchPosts(ctx, blog.SearchQuery{Text: "heron", Offset: 1, Query: blog.PostQuery{Limit: 1}})
		require.NoError(t, err)
		require.Len(t, res, 1)
		all, err := s.SearchPosts(ctx, blog.SearchQuery{Text: "heron"})
		require.NoError(t, err)
		require.Len(t, all, 3)
		assert.Equal(t, all[1].Post.ID, res[0].Post.ID)
	})

	t.Run("HostileInput", func(t *testing.T) {
		for _, text := range []string{
			"'; DROP TABLE posts; --",
			"&|!():*",
			`"unbalanced`,
			`heron"`,
			"heron & | ! <-> :*",
			"-",
			"or",
			"heron OR OR -",
			"\x00heron\x00",
			"\xff\xfeheron",
			"(((((",
			"heron:*A",
			strings.Repeat("heron ", 2000),
			"",
			"   ",
		} {
			t.Run(fmt.Sprintf("%.20q", text), func(t *testing.T) {
				_, err := s.SearchPosts(ctx, blog.SearchQuery{Text: text})
				assert.NoError(t, err, "search %q", text)
			})
		}
		_, err := s.GetPost(ctx, inBody.ID)
		assert.NoError(t, err, "the posts table is still there")
		res, err := s.SearchPosts(ctx, blog.SearchQuery{Text: "\x00heron\x00"})
		require.NoError(t, err)
		assert.Len(t, res, 3, "NUL bytes are ignored, the word still found")
	})
}

func TestStore_CountPostsByMonth(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	// 23:30 UTC on 31 January is already February in Paris and still
	// January in New York.
	edge := time.Date(2024, time.January, 31, 23, 30, 0, 0, time.UTC)
	mustCreate(t, s, testPost("edge", edge))
	mustCreate(t, s, testPost("jan", time.Date(2024, time.January, 10, 12, 0, 0, 0, time.UTC)))
	mustCreate(t, s, testPost("dec", time.Date(2023, time.December, 31, 12, 0, 0, 0, time.UTC)))
	mustCreate(t, s, testPost("never", time.Time{}))

	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	newYork, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		loc  *time.Location
		want []blog.MonthCount
	}{
		{"UTC", time.UTC, []blog.MonthCount{mc(2024, time.January, 2), mc(2023, time.December, 1)}},
		{"Nil", nil, []blog.MonthCount{mc(2024, time.January, 2), mc(2023, time.December, 1)}},
		{"Paris", paris, []blog.MonthCount{mc(2024, time.February, 1), mc(2024, time.January, 1), mc(2023, time.December, 1)}},
		{"NewYork", newYork, []blog.MonthCount{mc(2024, time.January, 2), mc(2023, time.December, 1)}},
		// A zone PostgreSQL cannot know by name is grouped in Go.
		{"UnknownName", time.FixedZone("Folio/Nowhere", 3600), []blog.MonthCount{mc(2024, time.February, 1), mc(2024, time.January, 1), mc(2023, time.December, 1)}},
		{"KnownNameInGo", time.FixedZone("Folio/Behind", -13*3600), []blog.MonthCount{mc(2024, time.January, 2), mc(2023, time.December, 1)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.CountPostsByMonth(ctx, blog.PostQuery{}, tc.loc)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	t.Run("Filters", func(t *testing.T) {
		got, err := s.CountPostsByMonth(ctx, blog.PostQuery{From: time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC)}, time.UTC)
		require.NoError(t, err)
		assert.Equal(t, []blog.MonthCount{mc(2024, time.January, 2)}, got)
	})
}

func TestStore_ErrorsAreSentinels(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	mustCreate(t, s, testPost("taken", time.Now().UTC()))
	err := s.CreatePost(ctx, testPost("taken", time.Now().UTC()))
	require.ErrorIs(t, err, blog.ErrSlugTaken)
	var ve *blog.ValidationError
	assert.False(t, errors.As(err, &ve))
	p := testPost("with-id", time.Now().UTC())
	p.ID = 5
	assert.ErrorAs(t, s.CreatePost(ctx, p), &ve)
}

func mc(year int, month time.Month, n int) blog.MonthCount {
	return blog.MonthCount{Year: year, Month: month, Count: n}
}

func TestStore_LikesAndRedirectsGoWithPost(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	p := mustCreate(t, s, testPost("liked", time.Now().UTC()))
	added, err := s.AddLike(ctx, p.ID, "visitor-1")
	require.NoError(t, err)
	require.True(t, added)
	require.NoError(t, s.PutRedirect(ctx, "/?p=12", p.ID))

	require.NoError(t, s.DeletePost(ctx, p.ID))
	_, err = s.LookupRedirect(ctx, "/?p=12")
	assert.ErrorIs(t, err, blog.ErrNotFound, "a deleted post's old paths go with it")
	counts, err := s.CountLikes(ctx, []int64{p.ID})
	require.NoError(t, err)
	assert.Equal(t, map[int64]int{p.ID: 0}, counts, "and so do its likes")
	assert.ErrorIs(t, s.PutRedirect(ctx, "/old", p.ID), blog.ErrNotFound)
	_, err = s.LookupRedirect(ctx, "/bad\x00path")
	assert.ErrorIs(t, err, blog.ErrNotFound)
}
