package sqlitestore_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/sqlitestore"
)

func post(slug string, at time.Time) *blog.Post {
	return &blog.Post{Kind: blog.KindPost, Slug: slug, Title: "Title " + slug, Source: "Body of " + slug,
		Text: "Body of " + slug, Status: blog.StatusPublished, PublishedAt: at}
}

func TestStore_slugTaken(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	a := post("same", time.Time{})
	require.NoError(t, s.CreatePost(ctx, a))

	err := s.CreatePost(ctx, post("same", time.Time{}))
	assert.ErrorIs(t, err, blog.ErrSlugTaken, "a UNIQUE violation on create is ErrSlugTaken")

	b := post("other", time.Time{})
	require.NoError(t, s.CreatePost(ctx, b))
	b.Slug = "same"
	err = s.UpdatePost(ctx, b)
	assert.ErrorIs(t, err, blog.ErrSlugTaken, "a UNIQUE violation on update is ErrSlugTaken")
	assert.NotErrorIs(t, err, blog.ErrConflict)

	got, err := s.GetPost(ctx, b.ID)
	require.NoError(t, err)
	assert.Equal(t, "other", got.Slug, "a refused update writes nothing")
	assert.Equal(t, int64(1), got.Version)
}

func TestStore_zeroTimeRoundTrips(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	p := post("never", time.Time{})
	require.NoError(t, s.CreatePost(ctx, p))
	got, err := s.GetPost(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, time.Time{}, got.PublishedAt, "the zero time comes back as time.Time{}")
	assert.Equal(t, time.Time{}, got.CreatedAt)

	pre := post("ancient", time.Date(1066, 10, 14, 9, 0, 0, 1000, time.UTC))
	require.NoError(t, s.CreatePost(ctx, pre))
	got, err = s.GetPost(ctx, pre.ID)
	require.NoError(t, err)
	assert.True(t, pre.PublishedAt.Equal(got.PublishedAt), "a time before 1970 keeps its instant: %v", got.PublishedAt)

	list, err := s.ListPosts(ctx, blog.PostQuery{})
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, []int64{pre.ID, p.ID}, []int64{list[0].ID, list[1].ID}, "a zero PublishedAt sorts after 1066")
}

func TestStore_cancelledContext(t *testing.T) {
	s := openStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	p := post("cancelled", time.Time{})
	assert.ErrorIs(t, s.CreatePost(ctx, p), context.Canceled)
	assert.Zero(t, p.ID)
	c := &comments.Comment{Thread: "1", Source: "x"}
	assert.ErrorIs(t, s.CreateComment(ctx, c), context.Canceled)
	assert.ErrorIs(t, s.CreateCommentGuarded(ctx, c, time.Now()), context.Canceled)
	_, err := s.CountApproved(ctx, []string{"1"})
	assert.ErrorIs(t, err, context.Canceled)

	bg := context.Background()
	all, err := s.ListPosts(bg, blog.PostQuery{})
	require.NoError(t, err)
	assert.Empty(t, all, "a cancelled create writes nothing")
	cs, err := s.ListComments(bg, comments.CommentQuery{})
	require.NoError(t, err)
	assert.Empty(t, cs, "a cancelled create writes nothing")

	// A deadline that passes while a write waits for the writer.
	require.NoError(t, s.CreatePost(bg, post("kept", time.Time{})))
	short, cancel2 := context.WithTimeout(bg, time.Nanosecond)
	defer cancel2()
	<-short.Done()
	err = s.DeletePost(short, 1)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	_, err = s.GetPost(bg, 1)
	assert.NoError(t, err, "a timed-out delete deletes nothing")
}

func TestStore_Changes(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	sub, cancel := context.WithCancel(ctx)
	ch := s.Changes(sub)

	p := post("watched", time.Time{})
	require.NoError(t, s.CreatePost(ctx, p))
	require.NoError(t, s.UpdatePost(ctx, p))
	c := &comments.Comment{Thread: "t1", Source: "x", Status: comments.StatusApproved}
	require.NoError(t, s.CreateComment(ctx, c))
	require.NoError(t, s.DeleteComment(ctx, c.ID))
	require.NoError(t, s.DeletePost(ctx, p.ID))
	// A failed write reports nothing.
	assert.Error(t, s.DeletePost(ctx, p.ID))

	want := []blog.Change{
		{Kind: blog.ChangePost, PostID: p.ID},
		{Kind: blog.ChangePost, PostID: p.ID},
		{Kind: blog.ChangeComment, Thread: "t1"},
		{Kind: blog.ChangeComment, Thread: "t1"},
		{Kind: blog.ChangePost, PostID: p.ID},
	}
	for i, w := range want {
		select {
		case got := <-ch:
			assert.Equal(t, w, got, "change %d", i)
		case <-time.After(5 * time.Second):
			t.Fatalf("change %d not delivered", i)
		}
	}
	select {
	case got := <-ch:
		t.Fatalf("unexpected change %+v", got)
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	select {
	case _, ok := <-ch:
		assert.False(t, ok, "the channel closes when ctx is done")
	case <-time.After(5 * time.Second):
		t.Fatal("the channel was not closed")
	}
}

func TestStore_Changes_overflowFlushes(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	ch := s.Changes(ctx)
	const n = 400 // more than a subscriber's buffer
	for i := range n {
		require.NoError(t, s.CreateComment(ctx, &comments.Comment{Thread: strconv.Itoa(i), Source: "x"}))
	}
	var flushes, comment int
	timeout := time.After(5 * time.Second)
loop:
	for {
		select {
		case c := <-ch:
			switch c.Kind {
			case blog.ChangeFlush:
				flushes++
			case blog.ChangeComment:
				comment++
			}
		case <-time.After(100 * time.Millisecond):
			break loop
		case <-timeout:
			break loop
		}
	}
	assert.Equal(t, 1, flushes, "a reader that fell behind gets one flush")
	assert.Less(t, comment, n, "the dropped changes are not delivered")

	// After the flush, changes flow again.
	require.NoError(t, s.CreateComment(ctx, &comments.Comment{Thread: "after", Source: "x"}))
	select {
	case c := <-ch:
		assert.Equal(t, blog.Change{Kind: blog.ChangeComment, Thread: "after"}, c)
	case <-time.After(5 * time.Second):
		t.Fatal("no change after the flush")
	}

	require.NoError(t, s.Close())
	select {
	case _, ok := <-ch:
		assert.False(t, ok, "Close ends every feed")
	case <-time.After(5 * time.Second):
		t.Fatal("the channel was not closed by Close")
	}
}

func TestStore_SearchPosts_hostileInput(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	p := post("quotes", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	p.Title = `Robert'); DROP TABLE posts; -- "near" OR`
	p.Source = "A body with NEAR words, stars * and minus - signs <b>bold</b> & \uE001 \uE000 odd \uE001 \uE000 marks."
	p.Text = p.Source // text that reads like markup, as a post about HTML has
	require.NoError(t, s.CreatePost(ctx, p))

	for _, text := range []string{
		`"`, `""`, `"unbalanced`, `'`, `';`, `'; DROP TABLE posts; --`, `NEAR(`, `NEAR(a b)`, `near`,
		`*`, `bo*`, `-`, `-body`, `OR`, `a OR b`, `AND`, `NOT`, `title:robert`, `^body`, `(`, `)`, `{title}: x`,
		`%`, `_`, `\`, "\x00", "\uE000", `body"`, `:`, `+`, `robert OR`, "",
	} {
		t.Run(fmt.Sprintf("%q", text), func(t *testing.T) {
			res, err := s.SearchPosts(ctx, blog.SearchQuery{Text: text})
			require.NoError(t, err)
			for _, r := range res {
				assert.Equal(t, p.ID, r.Post.ID)
				assert.NotContains(t, r.Snippet, "<b>")
				assert.NotContains(t, r.Snippet, "\uE000")
			}
		})
	}
	got, err := s.GetPost(ctx, p.ID)
	require.NoError(t, err, "the posts table is still there")
	assert.Equal(t, p.Title, got.Title)

	res, err := s.SearchPosts(ctx, blog.SearchQuery{Text: `"drop" 'table' posts;`})
	require.NoError(t, err)
	require.Len(t, res, 1, "words are found with the punctuation around them dropped")
	res, err = s.SearchPosts(ctx, blog.SearchQuery{Text: "odd"})
	require.NoError(t, err)
	require.Len(t, res, 1)
	assert.Contains(t, res[0].Snippet, "<mark>odd</mark>")
	assert.Contains(t, res[0].Snippet, "&lt;b&gt;bold&lt;/b&gt; &amp;")
	assert.NotContains(t, res[0].Snippet, "\uE000")
	assert.NotContains(t, res[0].Snippet, "\uE001")
}

func TestStore_CountPostsByMonth_dst(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	// 2024-04-01 00:30 in New York (EDT, UTC-4) is 04:30 UTC; an hour
	// earlier is still March. 2024-11-01 00:30 EDT; 2024-12-01 00:30 EST
	// (UTC-5) is 05:30 UTC.
	for i, at := range []time.Time{
		time.Date(2024, 4, 1, 0, 30, 0, 0, ny),
		time.Date(2024, 3, 31, 23, 30, 0, 0, ny),
		time.Date(2024, 12, 1, 0, 30, 0, 0, ny),
		time.Date(2024, 11, 30, 23, 59, 59, 999999000, ny),
		time.Date(2024, 11, 3, 1, 30, 0, 0, ny), // the repeated hour
	} {
		require.NoError(t, s.CreatePost(ctx, post("p"+strconv.Itoa(i), at.UTC())))
	}
	require.NoError(t, s.CreatePost(ctx, post("never", time.Time{})))
	got, err := s.CountPostsByMonth(ctx, blog.PostQuery{}, ny)
	require.NoError(t, err)
	assert.Equal(t, []blog.MonthCount{
		{Year: 2024, Month: 12, Count: 1},
		{Year: 2024, Month: 11, Count: 2},
		{Year: 2024, Month: 4, Count: 1},
		{Year: 2024, Month: 3, Count: 1},
	}, got)
}

func TestStore_CreateCommentGuarded_concurrent(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	const n = 20
	var (
		wg           sync.WaitGroup
		mu           sync.Mutex
		ok, dup, bad int
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &comments.Comment{Thread: "t", Source: "same words", Status: comments.StatusPending,
				Author: comments.Author{Name: "Ann", Email: "ann@example.com"}, IP: "192.0.2.1", CreatedAt: time.Now().UTC()}
			err := s.CreateCommentGuarded(ctx, c, time.Time{})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, comments.ErrDuplicate):
				dup++
			default:
				bad++
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, ok, "exactly one of concurrent identical comments is stored")
	assert.Equal(t, n-1, dup)
	assert.Zero(t, bad)
}

func TestStore_CountApproved_manyThreads(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	threads := make([]string, 1200) // more than one statement's worth
	for i := range threads {
		threads[i] = strconv.Itoa(i)
	}
	for _, th := range []string{"0", "499", "500", "1199", "1199"} {
		require.NoError(t, s.CreateComment(ctx, &comments.Comment{Thread: th, Source: "x", Status: comments.StatusApproved}))
	}
	counts, err := s.CountApproved(ctx, threads)
	require.NoError(t, err)
	assert.Len(t, counts, len(threads))
	assert.Equal(t, 1, counts["0"])
	assert.Equal(t, 1, counts["499"])
	assert.Equal(t, 1, counts["500"])
	assert.Equal(t, 2, counts["1199"])
	assert.Equal(t, 0, counts["1"])
}

var _ = sqlitestore.SchemaVersion()

func TestStore_OnChange(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	var got []blog.Change
	remove := s.OnChange(func(c blog.Change) { got = append(got, c) })

	p := post("hooked", time.Time{})
	require.NoError(t, s.CreatePost(ctx, p))
	assert.Equal(t, []blog.Change{{Kind: blog.ChangePost, PostID: p.ID}}, got, "the hook has run when the write returns")
	added, err := s.AddLike(ctx, p.ID, "v")
	require.NoError(t, err)
	require.True(t, added)
	assert.Equal(t, blog.Change{Kind: blog.ChangeLike, PostID: p.ID}, got[len(got)-1])
	assert.Error(t, s.UpdatePost(ctx, &blog.Post{ID: 999, Version: 1}))
	assert.Len(t, got, 2, "a failed write calls no hook")

	remove()
	require.NoError(t, s.DeletePost(ctx, p.ID))
	assert.Len(t, got, 2, "a removed hook is not called")
}
