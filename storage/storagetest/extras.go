package storagetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
)

func likeStore(t *testing.T, s blog.Store) blog.LikeStore {
	t.Helper()
	ls, ok := s.(blog.LikeStore)
	if !ok {
		t.Skip("the store is not a blog.LikeStore")
	}
	return ls
}

func likesOnePerVisitor(t *testing.T, s blog.Store) {
	ls := likeStore(t, s)
	ctx := context.Background()
	a := mustCreatePost(t, s, newPost("liked", postAt(1)))
	b := mustCreatePost(t, s, newPost("other", postAt(2)))
	for i, c := range []struct {
		post    int64
		visitor string
		added   bool
	}{
		{a.ID, "v1", true},
		{a.ID, "v1", false},
		{a.ID, "v2", true},
		{b.ID, "v1", true},
		{a.ID, "v2", false},
	} {
		added, err := ls.AddLike(ctx, c.post, c.visitor)
		require.NoError(t, err, "like %d", i)
		assert.Equal(t, c.added, added, "rule: AddLike reports true only for a visitor's first like of a post (like %d)", i)
	}
	counts, err := ls.CountLikes(ctx, []int64{a.ID, b.ID, 999})
	require.NoError(t, err)
	assert.Equal(t, map[int64]int{a.ID: 2, b.ID: 1, 999: 0}, counts,
		"rule: CountLikes counts each visitor once per post, and a post without likes maps to 0")
}

func likesMissingPost(t *testing.T, s blog.Store) {
	ls := likeStore(t, s)
	_, err := ls.AddLike(context.Background(), 12345, "v")
	assert.ErrorIs(t, err, blog.ErrNotFound, "rule: AddLike on a missing post returns ErrNotFound")
}

func likesConcurrent(t *testing.T, s blog.Store) {
	ls := likeStore(t, s)
	ctx := context.Background()
	p := mustCreatePost(t, s, newPost("busy", postAt(1)))
	var wg sync.WaitGroup
	var mu sync.Mutex
	added := 0
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range 20 {
				// Every goroutine likes as the same 20 visitors.
				ok, err := ls.AddLike(ctx, p.ID, fmt.Sprintf("visitor-%d", v))
				if !assert.NoError(t, err, "goroutine %d", g) {
					return
				}
				if ok {
					mu.Lock()
					added++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 20, added, "rule: of concurrent likes by one visitor, exactly one is added")
	counts, err := ls.CountLikes(ctx, []int64{p.ID})
	require.NoError(t, err)
	assert.Equal(t, 20, counts[p.ID], "rule: concurrent likes are counted once per visitor")
}

func redirectsRoundTrip(t *testing.T, s blog.Store) {
	rs, ok := s.(blog.RedirectStore)
	if !ok {
		t.Skip("the store is not a blog.RedirectStore")
	}
	ctx := context.Background()
	a := mustCreatePost(t, s, newPost("a", postAt(1)))
	b := mustCreatePost(t, s, newPost("b", postAt(2)))
	require.NoError(t, rs.PutRedirect(ctx, "/?p=12", a.ID))
	require.NoError(t, rs.PutRedirect(ctx, "/2009/05/привет/", a.ID))
	id, err := rs.LookupRedirect(ctx, "/?p=12")
	require.NoError(t, err)
	assert.Equal(t, a.ID, id, "rule: LookupRedirect returns the post a path was recorded for")
	id, err = rs.LookupRedirect(ctx, "/2009/05/привет/")
	require.NoError(t, err)
	assert.Equal(t, a.ID, id, "rule: paths compare exactly, Unicode included")

	require.NoError(t, rs.PutRedirect(ctx, "/?p=12", b.ID))
	id, err = rs.LookupRedirect(ctx, "/?p=12")
	require.NoError(t, err)
	assert.Equal(t, b.ID, id, "rule: PutRedirect replaces what a path led to")

	_, err = rs.LookupRedirect(ctx, "/?p=13")
	assert.ErrorIs(t, err, blog.ErrNotFound, "rule: LookupRedirect of an unknown path returns ErrNotFound")
	_, err = rs.LookupRedirect(ctx, "/?P=12")
	assert.ErrorIs(t, err, blog.ErrNotFound, "rule: paths are case-sensitive")
}

func deleteRemovesLikesAndRedirects(t *testing.T, s blog.Store) {
	const rule = "rule: DeletePost deletes the post's likes and the old paths that lead to it"
	ls, likes := s.(blog.LikeStore)
	rs, redirects := s.(blog.RedirectStore)
	if !likes && !redirects {
		t.Skip("the store is neither a blog.LikeStore nor a blog.RedirectStore")
	}
	ctx := context.Background()
	doomed := mustCreatePost(t, s, newPost("doomed", postAt(1)))
	kept := mustCreatePost(t, s, newPost("kept", postAt(2)))
	for _, p := range []*blog.Post{doomed, kept} {
		if likes {
			_, err := ls.AddLike(ctx, p.ID, "v1")
			require.NoError(t, err)
			_, err = ls.AddLike(ctx, p.ID, "v2")
			require.NoError(t, err)
		}
		if redirects {
			require.NoError(t, rs.PutRedirect(ctx, "/old/"+p.Slug+"/", p.ID))
		}
	}
	require.NoError(t, s.DeletePost(ctx, doomed.ID))

	if likes {
		counts, err := ls.CountLikes(ctx, []int64{doomed.ID, kept.ID})
		require.NoError(t, err)
		assert.Equal(t, map[int64]int{doomed.ID: 0, kept.ID: 2}, counts, "%s (CountLikes)", rule)
		_, err = ls.AddLike(ctx, doomed.ID, "v3")
		assert.ErrorIs(t, err, blog.ErrNotFound, "%s (AddLike afterwards)", rule)
	}
	if redirects {
		_, err := rs.LookupRedirect(ctx, "/old/doomed/")
		assert.ErrorIs(t, err, blog.ErrNotFound, "%s (LookupRedirect)", rule)
		id, err := rs.LookupRedirect(ctx, "/old/kept/")
		if assert.NoError(t, err, "%s: other posts' paths stay", rule) {
			assert.Equal(t, kept.ID, id, "%s: other posts' paths stay", rule)
		}
		assert.ErrorIs(t, rs.PutRedirect(ctx, "/old/doomed/", doomed.ID), blog.ErrNotFound, "%s (PutRedirect afterwards)", rule)
	}
}

// deleteDuringLikes deletes posts while other goroutines like them and
// record paths to them, many times over: whatever a writer's call returns,
// nothing of a deleted post may be left once DeletePost has returned and
// the writers have stopped.
func deleteDuringLikes(t *testing.T, s blog.Store) {
	const rule = "rule: a like or a path written while its post is deleted is deleted with it or fails with ErrNotFound"
	ls, likes := s.(blog.LikeStore)
	rs, redirects := s.(blog.RedirectStore)
	if !likes && !redirects {
		t.Skip("the store is neither a blog.LikeStore nor a blog.RedirectStore")
	}
	ctx := context.Background()
	const rounds, writers = 50, 4
	for round := range rounds {
		p := mustCreatePost(t, s, newPost(fmt.Sprintf("contested-%d", round), postAt(round)))
		path := fmt.Sprintf("/old/contested-%d/", round)
		var wg, busy sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			busy.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					if i == 1 {
						busy.Done() // one write done: the writer is under way
					}
					var err error
					if likes && (!redirects || w%2 == 0) {
						_, err = ls.AddLike(ctx, p.ID, fmt.Sprintf("visitor-%d-%d", w, i))
					} else {
						err = rs.PutRedirect(ctx, path, p.ID)
					}
					if i == 0 && err != nil {
						busy.Done()
					}
					if errors.Is(err, blog.ErrNotFound) {
						return // the post is gone
					}
					if !assert.NoError(t, err, "writer %d", w) {
						return
					}
				}
			}()
		}
		busy.Wait()
		require.NoError(t, s.DeletePost(ctx, p.ID))
		wg.Wait()
		if likes {
			counts, err := ls.CountLikes(ctx, []int64{p.ID})
			require.NoError(t, err)
			if !assert.Zero(t, counts[p.ID], "%s (round %d: likes left)", rule, round) {
				return
			}
		}
		if redirects {
			_, err := rs.LookupRedirect(ctx, path)
			if !assert.ErrorIs(t, err, blog.ErrNotFound, "%s (round %d: path left)", rule, round) {
				return
			}
		}
	}
}

func changeFeedReportsWrites(t *testing.T, s blog.Store) {
	cf, ok := s.(blog.ChangeFeed)
	if !ok {
		t.Skip("the store is not a blog.ChangeFeed")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := cf.Changes(ctx)
	next := func(what string) blog.Change {
		t.Helper()
		for {
			select {
			case c, ok := <-ch:
				require.True(t, ok, "rule: Changes stays open until its context is done")
				if c.Kind == blog.ChangeFlush {
					continue // allowed at any time
				}
				return c
			case <-time.After(10 * time.Second):
				t.Fatalf("rule: Changes reports %s within 10 s", what)
			}
		}
	}
	p := mustCreatePost(t, s, newPost("watched", postAt(1)))
	assert.Equal(t, blog.Change{Kind: blog.ChangePost, PostID: p.ID}, next("a create"), "rule: a create is reported with the post's ID")
	p.Title = "changed"
	require.NoError(t, s.UpdatePost(context.Background(), p))
	assert.Equal(t, blog.Change{Kind: blog.ChangePost, PostID: p.ID}, next("an update"), "rule: an update is reported with the post's ID")
	if ls, ok := s.(blog.LikeStore); ok {
		_, err := ls.AddLike(context.Background(), p.ID, "v")
		require.NoError(t, err)
		assert.Equal(t, blog.Change{Kind: blog.ChangeLike, PostID: p.ID}, next("a like"), "rule: a like is reported with the post's ID")
	}
	require.NoError(t, s.DeletePost(context.Background(), p.ID))
	assert.Equal(t, blog.Change{Kind: blog.ChangePost, PostID: p.ID}, next("a delete"), "rule: a delete is reported with the post's ID")

	err := s.DeletePost(context.Background(), p.ID)
	require.True(t, errors.Is(err, blog.ErrNotFound))
	cancel()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case c, ok := <-ch:
			if !ok {
				return
			}
			assert.Equal(t, blog.ChangeFlush, c.Kind, "rule: a failed write reports nothing")
		case <-deadline:
			t.Fatal("rule: Changes closes its channel once its context is done")
		}
	}
}

func changeFeedReportsCommentWrites(t *testing.T, newStore func(t *testing.T) comments.Store) {
	s := newStore(t)
	cf, ok := s.(blog.ChangeFeed)
	if !ok {
		t.Skip("the store is not a blog.ChangeFeed")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := cf.Changes(ctx)
	expect := func(what, thread string) {
		t.Helper()
		for {
			select {
			case c := <-ch:
				if c.Kind == blog.ChangeFlush {
					continue
				}
				assert.Equal(t, blog.Change{Kind: blog.ChangeComment, Thread: thread}, c,
					"rule: %s is reported as a comment change on its thread", what)
				return
			case <-time.After(10 * time.Second):
				t.Fatalf("rule: Changes reports %s within 10 s", what)
			}
		}
	}
	c := mustCreateComment(t, s, newComment("watched-thread", commentAt(1)))
	expect("a create", "watched-thread")
	c.Status = comments.StatusSpam
	c.Thread = "ignored" // UpdateComment keeps the stored thread
	require.NoError(t, s.UpdateComment(context.Background(), c))
	expect("an update", "watched-thread")
	require.NoError(t, s.DeleteComment(context.Background(), c.ID))
	expect("a delete", "watched-thread")
}

func changeHookBeforeWriteReturns(t *testing.T, s blog.Store) {
	h, ok := s.(blog.ChangeHook)
	if !ok {
		t.Skip("the store is not a blog.ChangeHook")
	}
	var mu sync.Mutex
	var seen []blog.Change
	remove := h.OnChange(func(c blog.Change) {
		mu.Lock()
		seen = append(seen, c)
		mu.Unlock()
	})
	last := func() blog.Change {
		mu.Lock()
		defer mu.Unlock()
		if len(seen) == 0 {
			return blog.Change{}
		}
		return seen[len(seen)-1]
	}
	p := mustCreatePost(t, s, newPost("hooked", postAt(1)))
	assert.Equal(t, blog.Change{Kind: blog.ChangePost, PostID: p.ID}, last(),
		"rule: OnChange functions have run when CreatePost returns")
	p.Title = "changed"
	require.NoError(t, s.UpdatePost(context.Background(), p))
	assert.Equal(t, blog.Change{Kind: blog.ChangePost, PostID: p.ID}, last(),
		"rule: OnChange functions have run when UpdatePost returns")
	if cs, ok := s.(comments.Store); ok {
		c := newComment("hooked-thread", commentAt(1))
		require.NoError(t, cs.CreateComment(context.Background(), c))
		assert.Equal(t, blog.Change{Kind: blog.ChangeComment, Thread: "hooked-thread"}, last(),
			"rule: OnChange functions have run when CreateComment returns")
	}
	remove()
	n := len(seen)
	require.NoError(t, s.DeletePost(context.Background(), p.ID))
	mu.Lock()
	assert.Len(t, seen, n, "rule: a removed OnChange function is not called again")
	mu.Unlock()
}

func unlikeTakesBack(t *testing.T, s blog.Store) {
	us, ok := s.(blog.UnlikeStore)
	if !ok {
		t.Skip("the store is not a blog.UnlikeStore")
	}
	ctx := context.Background()
	a := mustCreatePost(t, s, newPost("liked", postAt(1)))
	b := mustCreatePost(t, s, newPost("other", postAt(2)))
	for _, l := range []struct {
		post    int64
		visitor string
	}{{a.ID, "v1"}, {a.ID, "v2"}, {b.ID, "v1"}} {
		_, err := us.AddLike(ctx, l.post, l.visitor)
		require.NoError(t, err)
	}
	const rule = "rule: RemoveLike takes back only that visitor's like of that post, once; HasLike follows"
	has, err := us.HasLike(ctx, a.ID, "v1")
	require.NoError(t, err)
	assert.True(t, has, rule)

	removed, err := us.RemoveLike(ctx, a.ID, "v1")
	require.NoError(t, err)
	assert.True(t, removed, rule)
	removed, err = us.RemoveLike(ctx, a.ID, "v1")
	require.NoError(t, err)
	assert.False(t, removed, "%s (again)", rule)
	removed, err = us.RemoveLike(ctx, 12345, "v1")
	require.NoError(t, err)
	assert.False(t, removed, "%s (a missing post)", rule)

	for _, c := range []struct {
		post    int64
		visitor string
		want    bool
	}{{a.ID, "v1", false}, {a.ID, "v2", true}, {b.ID, "v1", true}, {12345, "v1", false}} {
		has, err := us.HasLike(ctx, c.post, c.visitor)
		require.NoError(t, err)
		assert.Equal(t, c.want, has, "%s (post %d, %s)", rule, c.post, c.visitor)
	}
	counts, err := us.CountLikes(ctx, []int64{a.ID, b.ID})
	require.NoError(t, err)
	assert.Equal(t, map[int64]int{a.ID: 1, b.ID: 1}, counts, rule)

	again, err := us.AddLike(ctx, a.ID, "v1")
	require.NoError(t, err)
	assert.True(t, again, "rule: a like taken back may be given again")
}
