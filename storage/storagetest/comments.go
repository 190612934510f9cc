package storagetest

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/comments"
)

// RunCommentStore checks that the stores newStore returns keep the
// [comments.Store] contract, and the contracts of the optional
// capabilities they implement. It runs one subtest per rule, in the order
// the package documentation lists them, and every failure begins with
// "rule:" and states the rule that was broken.
//
// newStore is called at least once for every subtest, with the subtest's
// t, and must return a new, empty store each time; it should register any
// clean-up with t.Cleanup and call t.Fatal if the store cannot be made.
// The subtests do not run in parallel, but several of them use one store
// from many goroutines, so run the suite with -race.
//
// The Guarded_ rules are skipped when the store does not implement
// [comments.GuardedStore], and ChangeFeed_ReportsCommentWrites when it is
// not a [blog.ChangeFeed]; each says so in its skip message.
//
// A backend's test is a few lines:
//
//	func TestCommentStoreConformance(t *testing.T) {
//		storagetest.RunCommentStore(t, func(t *testing.T) comments.Store {
//			return memstore.New()
//		})
//	}
func RunCommentStore(t *testing.T, newStore func(t *testing.T) comments.Store) {
	t.Helper()
	for _, r := range commentRules {
		t.Run(r.name, func(t *testing.T) { r.run(t, newStore) })
	}
}

// commentEpoch is the time the suite's comments are written around. It
// has microseconds, as stored times do.
var commentEpoch = time.Date(2024, time.March, 1, 12, 0, 0, 123456000, time.UTC)

// commentAt returns the i-th of a series of distinct times, a minute and a
// microsecond apart, all in UTC at microsecond precision.
func commentAt(i int) time.Time {
	return commentEpoch.Add(time.Duration(i) * (time.Minute + time.Microsecond))
}

// newComment returns an approved comment on thread written at, with every
// field the Service would fill in set to something ordinary.
func newComment(thread string, at time.Time) *comments.Comment {
	return &comments.Comment{
		Thread: thread,
		Type:   comments.TypeComment,
		Author: comments.Author{
			Name:  "Ann Example",
			Email: "ann@example.com",
			URL:   "https://ann.example.com/",
		},
		Source:    "Nice post.",
		HTML:      "<p>Nice post.</p>\n",
		Status:    comments.StatusApproved,
		Decision:  comments.Decision{Status: comments.StatusApproved, Rule: "default", Reason: "no rule matched"},
		IP:        "192.0.2.10",
		UserAgent: "Mozilla/5.0 (X11; Linux x86_64)",
		CreatedAt: at,
	}
}

// mustCreateComment stores c, which gets its ID, and returns it.
func mustCreateComment(tb testing.TB, s comments.Store, c *comments.Comment) *comments.Comment {
	tb.Helper()
	require.NoError(tb, s.CreateComment(context.Background(), c),
		"rule: CreateComment stores a valid new comment (thread %q)", c.Thread)
	require.NotZero(tb, c.ID, "rule: CreateComment assigns a non-zero c.ID")
	return c
}

// mustGetComment returns the stored comment with that ID.
func mustGetComment(tb testing.TB, s comments.Store, id int64) *comments.Comment {
	tb.Helper()
	c, err := s.GetComment(context.Background(), id)
	require.NoError(tb, err, "rule: GetComment returns a stored comment (ID %d)", id)
	require.NotNil(tb, c, "rule: GetComment returns a comment with a nil error")
	return c
}

// mustListComments returns one page of the listing q asks for.
func mustListComments(tb testing.TB, s comments.Store, q comments.CommentQuery) []*comments.Comment {
	tb.Helper()
	page, err := s.ListComments(context.Background(), q)
	require.NoError(tb, err, "rule: ListComments succeeds for %+v", q)
	return page
}

// listAllComments follows a listing page by page, pageSize at a time, to
// its end and returns every comment it gave.
func listAllComments(tb testing.TB, s comments.Store, q comments.CommentQuery, pageSize int) []*comments.Comment {
	tb.Helper()
	q.Limit = pageSize
	var all []*comments.Comment
	for pages := 0; ; pages++ {
		require.Less(tb, pages, 100000, "rule: keyset pagination with ListComments comes to an end")
		page := mustListComments(tb, s, q)
		require.LessOrEqual(tb, len(page), q.EffectiveLimit(),
			"rule: ListComments returns at most q.EffectiveLimit() comments")
		all = append(all, page...)
		if len(page) == 0 {
			return all
		}
		q.After = comments.CursorOf(page[len(page)-1])
	}
}

// commentIDs returns the IDs of cs, in order.
func commentIDs(cs []*comments.Comment) []int64 {
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids
}

// sortedCommentIDs returns the IDs of cs in listing order: by (CreatedAt,
// ID), reversed if newest.
func sortedCommentIDs(cs []*comments.Comment, newest bool) []int64 {
	cs = slices.Clone(cs)
	slices.SortFunc(cs, func(a, b *comments.Comment) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	if newest {
		slices.Reverse(cs)
	}
	return commentIDs(cs)
}

// assertSameComment checks that got holds every field of want, times
// compared as instants, and that got's time is in UTC.
func assertSameComment(tb testing.TB, want, got *comments.Comment, rule string) {
	tb.Helper()
	if !assert.NotNil(tb, got, "rule: %s", rule) {
		return
	}
	assert.True(tb, want.CreatedAt.Equal(got.CreatedAt),
		"rule: %s: CreatedAt %v, want %v", rule, got.CreatedAt, want.CreatedAt)
	assert.Equal(tb, time.UTC, got.CreatedAt.Location(),
		"rule: %s: CreatedAt comes back in UTC", rule)
	w, g := *want, *got
	w.CreatedAt, g.CreatedAt = time.Time{}, time.Time{}
	assert.Equal(tb, w, g, "rule: %s", rule)
}

// countComments returns how many comments the store holds on thread, or
// on every thread if thread is empty.
func countComments(tb testing.TB, s comments.Store, thread string) int {
	tb.Helper()
	return len(listAllComments(tb, s, comments.CommentQuery{Thread: thread}, comments.MaxLimit))
}

func commentCreateAssignsIDs(t *testing.T, newStore func(t *testing.T) comments.Store) {
	s := newStore(t)
	seen := make(map[int64]bool)
	for i := range 20 {
		c := newComment(fmt.Sprintf("thread-%d", i%3), commentAt(i%5))
		require.NoError(t, s.CreateComment(t.Context(), c), "rule: CreateComment stores a valid new comment")
		assert.NotZero(t, c.ID, "rule: CreateComment assigns a non-zero c.ID")
		assert.False(t, seen[c.ID], "rule: CreateComment assigns each comment a distinct ID (%d twice)", c.ID)
		seen[c.ID] = true
		got := mustGetComment(t, s, c.ID)
		assert.Equal(t, c.ID, got.ID, "rule: GetComment finds a comment by the ID CreateComment assigned")
	}
}

func commentCreateRejectsNonZeroID(t *testing.T, newStore func(t *testing.T) comments.Store) {
	s := newStore(t)
	c := newComment("t", commentAt(0))
	c.ID = 777
	assert.Error(t, s.CreateComment(t.Context(), c), "rule: CreateComment returns an error when c.ID is not zero")
	assert.Zero(t, countComments(t, s, ""), "rule: a rejected CreateComment writes nothing")
}

func commentRoundTrip(t *testing.T, newStore func(t *testing.T) comments.Store) {
	s := newStore(t)
	parent := mustCreateComment(t, s, newComment("post-1", commentAt(0)))

	ua := "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 "
	ua += strings.Repeat("é", (comments.MaxUserAgent-len(ua))/2)
	ua += strings.Repeat("x", comments.MaxUserAgent-len(ua))
	require.Len(t, ua, comments.MaxUserAgent)

	want := &comments.Comment{
		Thread:   "post-1",
		ParentID: parent.ID,
		Type:     comments.TypePingback,
		Author: comments.Author{
			Name:     "Zoë Łukasz 山田 🎉 <b>not bold</b>",
			Email:    "Zoe.Lukasz@Example.COM",
			URL:      "https://example.org/ünïcode/?a=1&b=2",
			UserID:   "user-42",
			Verified: true,
		},
		Source: "Hi *there* & <script>alert(1)</script>\n\n> quoted 💬",
		HTML:   template.HTML("<p>Hi <em>there</em> &amp; &lt;script&gt;alert(1)&lt;/script&gt;</p>\n<blockquote>\n<p>quoted 💬</p>\n</blockquote>\n"),
		Status: comments.StatusPending,
		Decision: comments.Decision{
			Status: comments.StatusPending,
			Rule:   "links",
			Reason: "held: 2 links, limit 2",
		},
		IP:        "2001:db8::1",
		UserAgent: ua,
		CreatedAt: time.Date(2023, time.July, 9, 21, 4, 5, 123456000, time.UTC),
	}
	in := want.Clone()
	mustCreateComment(t, s, in)
	want.ID = in.ID

	assertSameComment(t, want, mustGetComment(t, s, in.ID), "GetComment returns every field as CreateComment was given it")

	page := mustListComments(t, s, comments.CommentQuery{Thread: "post-1"})
	require.Len(t, page, 2, "rule: ListComments returns every comment on the thread")
	require.Equal(t, want.ID, page[0].ID, "rule: ListComments lists oldest first")
	assertSameComment(t, want, page[0], "ListComments returns every field as CreateComment was given it")
}

func commentGetMissing(t *testing.T, newStore func(t *testing.T) comments.Store) {
	s := newStore(t)
	_, err := s.GetComment(t.Context(), 1)
	assert.ErrorIs(t, err, comments.ErrNotFound, "rule: GetComment returns ErrNotFound on an empty store")

	c := mustCreateComment(t, s, newComment("t", commentAt(0)))
	for _, id := range []int64{c.ID + 1000, -1, 0} {
		_, err := s.GetComment(t.Context(), id)
		assert.ErrorIs(t, err, comments.ErrNotFound, "rule: GetComment returns ErrNotFound for a missing ID (%d)", id)
	}
}

func commentReturnsCopies(t *testing.T, newStore func(t *testing.T) comments.Store) {
	s := newStore(t)
	in := newComment("t", commentAt(0))
	mustCreateComment(t, s, in)
	want := in.Clone()

	in.Source, in.Author.Name, in.Status = "changed input", "Mallory", comments.StatusSpam
	assertSameComment(t, want, mustGetComment(t, s, want.ID),
		"changing the comment given to CreateComment afterwards changes nothing stored")

	got := mustGetComment(t, s, want.ID)
	got.Source, got.Author.Email, got.Thread = "changed copy", "x@example.com", "other"
	assertSameComment(t, want, mustGetComment(t, s, want.ID),
		"changing a comment GetComment returned changes nothing stored")

	page := mustListComments(t, s, comments.CommentQuery{Thread: "t"})
	require.Len(t, page, 1)
	page[0].HTML, page[0].Status = "<p>changed</p>", comments.StatusTrash
	assertSameComment(t, want, mustGetComment(t, s, want.ID),
		"changing a comment ListComments returned changes nothing stored")

	up := want.Clone()
	up.Source = "edited"
	require.NoError(t, s.UpdateComment(t.Context(), up), "rule: UpdateComment updates a stored comment")
	up.Source = "changed after update"
	assert.Equal(t, "edited", mustGetComment(t, s, want.ID).Source,
		"rule: changing the comment given to UpdateComment afterwards changes nothing stored")

	probe := want.Clone()
	probe.Source = "edited"
	dup, err := s.FindDuplicate(t.Context(), probe)
	require.NoError(t, err, "rule: FindDuplicate finds a comment with the same thread, Source and email")
	dup.Source = "changed duplicate"
	assert.Equal(t, "edited", mustGetComment(t, s, want.ID).Source,
		"rule: changing a comment FindDuplicate returned changes nothing stored")

	latest, err := s.LatestComment(t.Context(), want.IP, "")
	require.NoError(t, err, "rule: LatestComment finds a comment by IP")
	latest.Source = "changed latest"
	assert.Equal(t, "edited", mustGetComment(t, s, want.ID).Source,
		"rule: changing a comment LatestComment returned changes nothing stored")
}

func commentUpdateKeepsIdentity(t *testing.T, newStore func(t *testing.T) comments.Store) {
	s := newStore(t)
	parent := mustCreateComment(t, s, newComment("post-1", commentAt(0)))
	orig := newComment("post-1", commentAt(1))
	orig.Status = comments.StatusPending
	orig.Decision = comments.Decision{Status: comments.StatusPending, Rule: "first", Reason: "first comment"}
	mustCreateComment(t, s, orig)

	up := orig.Clone()
	up.Thread = "post-2"                // ignored
	up.CreatedAt = commentAt(50)        // ignored
	up.ParentID = parent.ID             // kept
	up.Type = comments.TypeTrackback    // kept
	up.Status = comments.StatusApproved // kept
	up.Source = "Edited **text**."      // kept
	up.HTML = "<p>Edited <strong>text</strong>.</p>\n"
	up.Decision = comments.Decision{Status: comments.StatusApproved, Rule: "moderator", Reason: "approved by hand"}
	up.Author = comments.Author{Name: "Ann E.", Email: "ann@new.example.com", URL: "https://new.example.com/", UserID: "u1", Verified: true}
	up.IP = "198.51.100.7"
	up.UserAgent = "curl/8.0"
	require.NoError(t, s.UpdateComment(t.Context(), up.Clone()), "rule: UpdateComment updates a stored comment")

	want := up.Clone()
	want.Thread, want.CreatedAt = orig.Thread, orig.CreatedAt
	assertSameComment(t, want, mustGetComment(t, s, orig.ID),
		"UpdateComment replaces every field but ID, Thread and CreatedAt, which it keeps")

	assert.Equal(t, []int64{parent.ID, orig.ID}, commentIDs(mustListComments(t, s, comments.CommentQuery{Thread: "post-1"})),
		"rule: after UpdateComment the comment is still listed on its own thread, at its original time")
	assert.Empty(t, mustListComments(t, s, comments.CommentQuery{Thread: "post-2"}),
		"rule: UpdateComment does not move a comment to another thread")
}

func commentUpdateMissing(t *testing.T, newStore func(t *testing.T) comments.Store) {
	s := newStore(t)
	c := mustCreateComment(t, s, newComment("t", commentAt(0)))
	missing := c.Clone()
	missing.ID = c.ID + 1000
	missing.Source = "ghost"
	assert.ErrorIs(t, s.UpdateComment(t.Context(), missing), comments.ErrNotFound,
		"rule: UpdateComment returns ErrNotFound for a missing ID")
	assert.Equal(t, 1, countComments(t, s, ""), "rule: UpdateComment of a missing ID creates nothing")
	assert.Equal(t, c.Source, mustGetComment(t, s, c.ID).Source,
		"rule: UpdateComment of a missing ID changes no other comment")
}

func commentDeleteRemoves(t *testing.T, newStore func(t *testing.T) comments.Store) {
	s := newStore(t)
	a := mustCreateComment(t, s, newComment("t", commentAt(0)))
	b := mustCreateComment(t, s, newComment("t", commentAt(1)))

	assert.ErrorIs(t, s.DeleteComment(t.Context(), b.ID+1000), comments.ErrNotFound,
		"rule: DeleteComment returns ErrNotFound for a missing ID")
	require.NoError(t, s.DeleteComment(t.Context(), a.ID), "rule: DeleteComment deletes a stored comment")

	_, err := s.GetComment(t.Context(), a.ID)
	assert.ErrorIs(t, err, comments.ErrNotFound, "rule: GetComment returns ErrNotFound for a deleted comment")
	assert.Equal(t, []int64{b.ID}, commentIDs(mustListComments(t, s, comments.CommentQuery{Thread: "t"})),
		"rule: ListComments no longer returns a deleted comment, and still returns the others")
	assert.ErrorIs(t, s.DeleteComment(t.Context(), a.ID), comments.ErrNotFound,
		"rule: DeleteComment returns ErrNotFound for a comment already deleted")
	assert.ErrorIs(t, s.UpdateComment(t.Context(), a), comments.ErrNotFound,
		"rule: UpdateComment returns ErrNotFound for a deleted comment")
	counts, err := s.CountApproved(t.Context(), []string{"t"})
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"t": 1}, counts, "rule: CountApproved does not count a deleted comment")
}

func commentDeleteReparentsReplies(t *testing.T, newStore func(t *testing.T) comments.Store) {
	s := newStore(t)
	reply := func(parent *comments.Comment, i int) *comments.Comment {
		c := newComment("t", commentAt(i))
		if parent != nil {
			c.ParentID = parent.ID
		}
		c.Source = fmt.Sprintf("comment %d", i)
		return mustCreateComment(t, s, c)
	}
	// top ← mid ← {leaf1, leaf2 ← deep}; other is a second top-level comment.
	top := reply(nil, 0)
	mid := reply(top, 1)
	leaf1 := reply(mid, 2)
	leaf2 := reply(mid, 3)
	deep := reply(leaf2, 4)
	other := reply(nil, 5)
	otherReply := reply(other, 6)

	parentOf := func(c *comments.Comment) int64 { return mustGetComment(t, s, c.ID).ParentID }

	require.NoError(t, s.DeleteComment(t.Context(), mid.ID))
	assert.Equal(t, top.ID, parentOf(leaf1), "rule: DeleteComment moves the deleted comment's replies up to its parent")
	assert.Equal(t, top.ID, parentOf(leaf2), "rule: DeleteComment moves the deleted comment's replies up to its parent")
	assert.Equal(t, leaf2.ID, parentOf(deep), "rule: DeleteComment leaves replies to replies where they are")
	assert.Equal(t, other.ID, parentOf(otherReply), "rule: DeleteComment leaves replies to other comments where they are")

	got := mustGetComment(t, s, leaf1.ID)
	assert.Equal(t, leaf1.Source, got.Source, "rule: DeleteComment changes only the ParentID of a reply")
	assert.True(t, leaf1.CreatedAt.Equal(got.CreatedAt), "rule: DeleteComment changes only the ParentID of a reply")

	require.NoError(t, s.DeleteComment(t.Context(), top.ID))
	assert.Zero(t, parentOf(leaf1), "rule: replies to a deleted top-level comment become top-level comments")
	assert.Zero(t, parentOf(leaf2), "rule: replies to a deleted top-level comment become top-level comments")
	assert.Equal(t, leaf2.ID, parentOf(deep), "rule: DeleteComment leaves replies to replies where they are")

	// A reply made a new reply after the first move is moved again.
	require.NoError(t, s.DeleteComment(t.Context(), leaf2.ID))
	assert.Zero(t, parentOf(deep), "rule: DeleteComment moves replies up to the deleted comment's parent, 0 for a top-level one")
	assert.Equal(t, []int64{leaf1.ID, deep.ID, other.ID, otherReply.ID},
		commentIDs(mustListComments(t, s, comments.CommentQuery{Thread: "t"})),
		"rule: DeleteComment removes only the comment deleted")
}

func commentListByThread(t *testing.T, newStore func(t *testing.T) comments.Store) {
	s := newStore(t)
	var onA []*comments.Comment
	// Written out of time order, so IDs and times disagree.
	for i, at := range []int{5, 1, 9, 3, 7, 0, 8} {
		th := "a"
		if i%2 == 1 {
			th = "b"
		}
		c := mustCreateComment(t, s, newComment(th, commentAt(at)))
		if th == "a" {
			onA = append(onA, c)
		}
	}
	mustCreateComment(t, s, newComment("a-longer", commentAt(2)))
	mustCreateComment(t, s, newComment("A", commentAt(2)))

	got := mustListComments(t, s, comments.CommentQuery{Thread: "a"})
	for _, c := range got {
		assert.Equal(t, "a", c.Thread, "rule: ListComments with a Thread returns only that thread's comments")
	}
	assert.Equal(t, sortedCommentIDs(onA, false), commentIDs(got),
		"rule: ListComments returns the thread's comments oldest first, by CreatedAt")

	got = mustListComments(t, s, comments.CommentQuery{Thread: "a", Newest: true})
	assert.Equal(t, sortedCommentIDs(onA, true), commentIDs(got),
		"rule: ListComments with Newest returns the thread's comments newest first")

	assert.Empty(t, mustListComments(t, s, comments.CommentQuery{Thread: "no-such-thread"}),
		"rule: ListComments of a thread without comments returns none")
}

func commentListAllThreads(t *testing.T, newStore func(t *testing.T) comments.Store) {
	s := newStore(t)
	var all []*comments.Comment
	for i := range 12 {
		all = append(all, mustCreateComment(t, s, newComment(fmt.Sprintf("thread-%d", i%4), commentAt((i*7)%12))))
	}
	assert.Equal(t, sortedCommentIDs(all, false), commentIDs(mustListComments(t, s, comments.CommentQuery{})),
		"rule: ListComments without a Thread returns every thread's comments, oldest first")
	assert.Equal(t, sortedCommentIDs(all, true), commentIDs(mustListComments(t, s, comments.CommentQuery{Newest: true})),
		"rule: ListComments without a Thread and with Newest returns every thread's comments, newest first")
}

func commentListEqualTimesByID(t *testing.T, newStore func(t *testing.T) comments.Store) {
	s := newStore(t)
	var ids []int64
	for range 6 {
		ids = append(ids, mustCreateComment(t, s, newComment("t", commentAt(3))).ID)
	}
	early := mustCreateComment(t, s, newComment("t", commentAt(1)))
	late := mustCreateComment(t, s, newComment("t", commentAt(5)))

	slices.Sort(ids)
	want := append(append([]int64{early.ID}, ids...), late.ID)
	assert.Equal(t, want, commentIDs(mustListComments(t, s, comments.CommentQuery{Thread: "t"})),
		"rule: ListComments orders comments with equal CreatedAt by ID, ascending when oldest first")
	slices.Reverse(want)
	assert.Equal(t, want, commentIDs(mustListComments(t, s, comments.CommentQuery{Thread: "t", Newest: true})),
		"rule: ListComments orders comments with equal CreatedAt by ID, descending when newest first")
	for range 3 {
		assert.Equal(t, want, commentIDs(mustListComments(t, s, comments.CommentQuery{Thread: "t", Newest: true})),
			"rule: ListComments gives the same order every time")
	}
}

func commentListStatuses(t *testing.T, newStore func(t *testing.T) comments.Store) {
	s := newStore(t)
	statuses := []comments.Status{comments.StatusApproved, comments.StatusPending, comments.StatusSpam, comments.StatusTrash}
	byStatus := make(map[comments.Status][]*comments.Comment)
	for i := range 16 {
		c := newComment("t", commentAt(15-i))
		c.Status = statuses[i*5%4]
		mustCreateComment(t, s, c)
		byStatus[c.Status] = append(byStatus[c.Status], c)
	}
	for _, st := range statuses {
		got := mustListComments(t, s, comments.CommentQuery{Thread: "t", Statuses: []comments.Status{st}})
		assert.Equal(t, sortedCommentIDs(byStatus[st], false), commentIDs(got),
			"rule: ListComments with Statuses [%s] returns exactly the %s comments, in order", st, st)
	}
	two := []comments.Status{comments.StatusPending, comments.StatusSpam}
	want := append(slices.Clone(byStatus[comments.StatusPending]), byStatus[comments.StatusSpam]...)
	got := mustListComments(t, s, comments.CommentQuery{Thread: "t", Statuses: two, Newest: true})
	assert.Equal(t, sortedCommentIDs(want, true), commentIDs(got),
		"rule: ListComments with several Statuses returns comments with any of them")
	assert.Len(t, mustListComments(t, s, comments.CommentQuery{Thread: "t"}), 16,
		"rule: ListComments without Statuses returns comments of every status")

	// Updating a comment's status moves it between the filtered listings.
	c := byStatus[comments.StatusPending][0]
	c.Status = comments.StatusApproved
	require.NoError(t, s.UpdateComment(t.Context(), c))
	got = mustListComments(t, s, comments.CommentQuery{Thread: "t", Statuses: []comments.Status{comments.StatusApproved}})
	assert.Contains(t, commentIDs(got), c.ID, "rule: ListComments filters by the status UpdateComment stored")
	assert.Len(t, got, len(byStatus[comments.StatusApproved])+1, "rule: ListComments filters by the status UpdateComment stored")
}

func commentListDefaultLimit(t *testing.T, newStore func(t *testing.T) comments.Store) {
	s := newStore(t)
	for i := range comments.DefaultLimit + 10 {
		mustCreateComment(t, s, newComment("t", commentAt(i)))
	}
	for _, limit := range []int{0, -1} {
		assert.Len(t, mustListComments(t, s, comments.CommentQuery{Thread: "t", Limit: limit}), comments.DefaultLimit,
			"rule: ListComments with Limit %d returns DefaultLimit comments", limit)
	}
	for _, limit := range []int{1, 7, comments.DefaultLimit + 1} {
		assert.Len(t, mustListComments(t, s, comments.CommentQuery{Thread: "t", Limit: limit}), limit,
			"rule: ListComments returns Limit comments when there are more")
	}
	assert.Len(t, mustListComments(t, s, comments.CommentQuery{Thread: "t", Limit: 500}), comments.DefaultLimit+10,
		"rule: ListComments returns every comment when Limit is larger than their number")
}

func commentListMaxLimit(t *testing.T, newStore func(t *testing.T) comments.Store) {
	s := newStore(t)
	for i := range comments.MaxLimit + 5 {
		mustCreateComment(t, s, newComment("t", commentAt(i/3)))
	}
	for _, limit := range []int{comments.MaxLimit + 1, 100000} {
		assert.Len(t, mustListComments(t, s, comments.CommentQuery{Thread: "t", Limit: limit}), comments.MaxLimit,
			"rule: ListComments returns at most MaxLimit comments (Limit %d)", limit)
	}
}

// createPaginationThread writes n comments on thread, in a shuffled order
// and in groups of four sharing one CreatedAt, with mixed statuses, and
// some comments on another thread between them.
func createPaginationThread(tb testing.TB, s comments.Store, thread string, n int) []*comments.Comment {
	tb.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	order := rng.Perm(n)
	var created []*comments.Comment
	for k, i := range order {
		c := newComment(thread, commentAt(i/4))
		if i%3 == 0 {
			c.Status = comments.StatusPending
		}
		created = append(created, mustCreateComment(tb, s, c))
		if k%10 == 0 {
			mustCreateComment(tb, s, newComment(thread+"-other", commentAt(i/4)))
		}
	}
	return created
}

func commentListPagination(t *testing.T, newStore func(t *testing.T) comments.Store) {
	s := newStore(t)
	const n = 300
	created := createPaginationThread(t, s, "t", n)
	var approved []*comments.Comment
	for _, c := range created {
		if c.Status == comments.StatusApproved {
			approved = append(approved, c)
		}
	}
	for _, newest := range []bool{false, true} {
		for _, size := range []int{1, 7, 50, n - 1, n, comments.MaxLimit} {
			q := comments.CommentQuery{Thread: "t", Newest: newest}
			got := listAllComments(t, s, q, size)
			assert.Equal(t, sortedCommentIDs(created, newest), commentIDs(got),
				"rule: paging through ListComments (Newest %v, Limit %d) with CursorOf gives every comment once, in order: no duplicates, no gaps", newest, size)

			q.Statuses = []comments.Status{comments.StatusApproved}
			got = listAllComments(t, s, q, size)
			assert.Equal(t, sortedCommentIDs(approved, newest), commentIDs(got),
				"rule: paging through ListComments with Statuses (Newest %v, Limit %d) gives every matching comment once, in order", newest, size)
		}
	}

	// A cursor built by hand, between two groups of equal times, works too.
	mid := &comments.Cursor{CreatedAt: commentAt(10), ID: 0}
	got := mustListComments(t, s, comments.CommentQuery{Thread: "t", After: mid, Limit: 4})
	want := sortedCommentIDs(created, false)[40:44]
	assert.Equal(t, want, commentIDs(got),
		"rule: ListComments continues after a Cursor that matches no comment: strictly after (CreatedAt, ID)")
}

func commentListPaginationAfterDelete(t *testing.T, newStore func(t *testing.T) comments.Store) {
	s := newStore(t)
	createPaginationThread(t, s, "t", 60)
	for _, newest := range []bool{false, true} {
		q := comments.CommentQuery{Thread: "t", Newest: newest, Limit: 10}
		first := mustListComments(t, s, q)
		require.Len(t, first, 10)
		q.After = comments.CursorOf(first[9])
		want := commentIDs(mustListComments(t, s, q))
		require.Len(t, want, 10)

		require.NoError(t, s.DeleteComment(t.Context(), first[9].ID))
		assert.Equal(t, want, commentIDs(mustListComments(t, s, q)),
			"rule: ListComments continues after a cursor whose comment has since been deleted (Newest %v)", newest)
	}
}

func commentListPaginationConcurrentAppends(t *testing.T, newStore func(t *testing.T) comments.Store) {
	s := newStore(t)
	const n, extra = 240, 240
	var older []*comments.Comment
	for i := range n {
		older = append(older, mustCreateComment(t, s, newComment("t", commentAt(i/3))))
	}
	wantOld := sortedCommentIDs(older, false)

	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		newer []*comments.Comment
	)
	start := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		for i := range extra {
			c := newComment("t", commentAt(n+i/2))
			if err := s.CreateComment(context.Background(), c); err != nil {
				t.Errorf("rule: CreateComment succeeds while the thread is being listed: %v", err)
				return
			}
			mu.Lock()
			newer = append(newer, c)
			mu.Unlock()
		}
	}()

	close(start)
	// Oldest first: the older comments come first, each once, in order,
	// whatever is appended meanwhile; anything after them is newer.
	q := comments.CommentQuery{Thread: "t", Limit: 7}
	var got []*comments.Comment
	for len(got) < n {
		page := mustListComments(t, s, q)
		require.NotEmpty(t, page, "rule: ListComments pages reach every older comment while newer ones are added")
		got = append(got, page...)
		q.After = comments.CursorOf(page[len(page)-1])
	}
	assert.Equal(t, wantOld, commentIDs(got[:n]),
		"rule: paging oldest first through a thread while comments are added gives each older comment once, in order")

	// Newest first from the newest older comment: exactly the older ones.
	q = comments.CommentQuery{Thread: "t", Newest: true, Limit: 11, After: comments.CursorOf(got[n-1])}
	rest := []int64{got[n-1].ID}
	for pages := 0; ; pages++ {
		require.Less(t, pages, 2*n, "rule: keyset pagination with ListComments comes to an end")
		page := mustListComments(t, s, q)
		if len(page) == 0 {
			break
		}
		rest = append(rest, commentIDs(page)...)
		q.After = comments.CursorOf(page[len(page)-1])
	}
	wantNewest := slices.Clone(wantOld)
	slices.Reverse(wantNewest)
	assert.Equal(t, wantNewest, rest,
		"rule: paging newest first from a cursor while comments are added gives each older comment once, in order")

	wg.Wait()
	all := listAllComments(t, s, comments.CommentQuery{Thread: "t"}, 13)
	assert.Equal(t, sortedCommentIDs(append(older, newer...), false), commentIDs(all),
		"rule: every comment added during the listing is stored and listed once, in order")
}

func commentCountApproved(t *testing.T, newStore func(t *testing.T) comments.Store) {
	s := newStore(t)
	add := func(thread string, st comments.Status, i int) *comments.Comment {
		c := newComment(thread, commentAt(i))
		c.Status = st
		return mustCreateComment(t, s, c)
	}
	a1 := add("a", comments.StatusApproved, 0)
	add("a", comments.StatusApproved, 1)
	add("a", comments.StatusApproved, 2)
	add("a", comments.StatusPending, 3)
	b1 := add("b", comments.StatusPending, 4)
	add("b", comments.StatusPending, 5)
	add("c", comments.StatusApproved, 6)
	add("c", comments.StatusSpam, 7)
	add("c", comments.StatusTrash, 8)

	counts, err := s.CountApproved(t.Context(), []string{"a", "b", "c", "d"})
	require.NoError(t, err, "rule: CountApproved succeeds")
	assert.Equal(t, map[string]int{"a": 3, "b": 0, "c": 1, "d": 0}, counts,
		"rule: CountApproved counts approved comments per thread; a thread with only pending comments, or none, maps to 0")

	counts, err = s.CountApproved(t.Context(), []string{"c"})
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"c": 1}, counts, "rule: CountApproved returns only the threads asked for")

	counts, err = s.CountApproved(t.Context(), nil)
	require.NoError(t, err, "rule: CountApproved of no threads succeeds")
	assert.Empty(t, counts, "rule: CountApproved of no threads returns an empty map")

	b1.Status = comments.StatusApproved
	require.NoError(t, s.UpdateComment(t.Context(), b1))
	a1.Status = comments.StatusSpam
	require.NoError(t, s.UpdateComment(t.Context(), a1))
	counts, err = s.CountApproved(t.Context(), []string{"a", "b"})
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"a": 2, "b": 1}, counts, "rule: CountApproved counts the statuses UpdateComment stored")
}

func commentHasApprovedComment(t *testing.T, newStore func(t *testing.T) comments.Store) {
	s := newStore(t)
	add := func(name, email string, st comments.Status) *comments.Comment {
		c := newComment("t", commentAt(0))
		c.Author.Name, c.Author.Email, c.Status = name, email, st
		return mustCreateComment(t, s, c)
	}
	add("Ann", "Ann@Example.com", comments.StatusApproved)
	pat := add("Pat", "pat@example.com", comments.StatusPending)
	add("Sam", "sam@example.com", comments.StatusSpam)
	add("Tom", "tom@example.com", comments.StatusTrash)
	add("Nan", "", comments.StatusApproved)
	add(" Joan ", "joan@example.com", comments.StatusApproved)

	for _, tc := range []struct {
		name, email string
		want        bool
		rule        string
	}{
		{"Ann", "Ann@Example.com", true, "HasApprovedComment is true for a name and email with an approved comment"},
		{"Ann", "ann@example.com", true, "HasApprovedComment compares emails case-insensitively"},
		{"Ann", "ANN@EXAMPLE.COM", true, "HasApprovedComment compares emails case-insensitively"},
		{" Ann  ", "ann@example.com", true, "HasApprovedComment compares names trimmed of spaces"},
		{"Joan", "joan@example.com", true, "HasApprovedComment compares names trimmed of spaces"},
		{"Mallory", "ann@example.com", false, "HasApprovedComment is false for the email of an approved comment under another name"},
		{"", "ann@example.com", false, "HasApprovedComment is false for the email of an approved comment without its name"},
		{"ann", "ann@example.com", false, "HasApprovedComment compares names exactly"},
		{"Ann", "ann@example.org", false, "HasApprovedComment is false for the name of an approved comment with another email"},
		{"Pat", "pat@example.com", false, "HasApprovedComment is false for an email with only a pending comment"},
		{"Sam", "sam@example.com", false, "HasApprovedComment is false for an email with only a spam comment"},
		{"Tom", "tom@example.com", false, "HasApprovedComment is false for an email with only a trashed comment"},
		{"Nobody", "nobody@example.com", false, "HasApprovedComment is false for an email without comments"},
		{"Nan", "", false, "HasApprovedComment is false for an empty email, even when approved comments have none"},
	} {
		got, err := s.HasApprovedComment(t.Context(), tc.name, tc.email)
		require.NoError(t, err, "rule: HasApprovedComment succeeds")
		assert.Equal(t, tc.want, got, "rule: %s (%q, %q)", tc.rule, tc.name, tc.email)
	}

	pat.Status = comments.StatusApproved
	require.NoError(t, s.UpdateComment(t.Context(), pat))
	got, err := s.HasApprovedComment(t.Context(), "Pat", "Pat@example.com")
	require.NoError(t, err)
	assert.True(t, got, "rule: HasApprovedComment sees the status UpdateComment stored")
}

func commentLatestComment(t *testing.T, newStore func(t *testing.T) comments.Store) {
	s := newStore(t)
	add := func(ip, email string, st comments.Status, i int) *comments.Comment {
		c := newComment("t", commentAt(i))
		c.IP, c.Author.Email, c.Status = ip, email, st
		return mustCreateComment(t, s, c)
	}
	// Written out of time order: the latest is the one with the latest
	// CreatedAt, not the last written.
	b := add("192.0.2.2", "bee@example.com", comments.StatusPending, 30)
	a := add("192.0.2.1", "ay@example.com", comments.StatusApproved, 10)
	c := add("192.0.2.1", "cee@example.com", comments.StatusSpam, 20)
	add("192.0.2.3", "ay@example.com", comments.StatusApproved, 5)
	tie1 := add("192.0.2.9", "tie@example.com", comments.StatusApproved, 40)
	tie2 := add("192.0.2.9", "tie@example.com", comments.StatusApproved, 40)

	for _, tc := range []struct {
		ip, email string
		want      *comments.Comment
		rule      string
	}{
		{"192.0.2.1", "", c, "LatestComment by IP returns the comment with the latest CreatedAt from that IP, of any status"},
		{"192.0.2.2", "", b, "LatestComment by IP returns a pending comment too"},
		{"", "AY@example.COM", a, "LatestComment by email compares case-insensitively and returns the latest"},
		{"192.0.2.1", "bee@example.com", b, "LatestComment by IP or email returns the latest comment matching either"},
		{"192.0.2.250", "cee@example.com", c, "LatestComment finds a comment by email when none is from the IP"},
		{"192.0.2.9", "", tie2, "LatestComment breaks a tie in CreatedAt by the higher ID"},
	} {
		got, err := s.LatestComment(t.Context(), tc.ip, tc.email)
		if assert.NoError(t, err, "rule: %s", tc.rule) {
			assert.Equal(t, tc.want.ID, got.ID, "rule: %s (ip %q, email %q)", tc.rule, tc.ip, tc.email)
		}
	}
	assert.NotEqual(t, tie1.ID, tie2.ID)

	for _, tc := range []struct{ ip, email string }{
		{"203.0.113.1", ""},
		{"203.0.113.1", "nobody@example.com"},
		{"", "nobody@example.com"},
		{"", ""},
	} {
		_, err := s.LatestComment(t.Context(), tc.ip, tc.email)
		assert.ErrorIs(t, err, comments.ErrNotFound,
			"rule: LatestComment returns ErrNotFound when no comment is from the IP or has the email (ip %q, email %q)", tc.ip, tc.email)
	}
}

func commentFindDuplicate(t *testing.T, newStore func(t *testing.T) comments.Store) {
	author := func(name, email, userID string) comments.Author {
		return comments.Author{Name: name, Email: email, UserID: userID}
	}
	for _, tc := range []struct {
		name      string
		stored    comments.Author
		status    comments.Status
		candidate func(c *comments.Comment)
		found     bool
		rule      string
	}{
		{"SameEverything", author("Ann", "ann@example.com", ""), comments.StatusApproved,
			func(c *comments.Comment) {}, true,
			"FindDuplicate finds a comment with the same thread, Source and email"},
		{"EmailCase", author("Ann", "Ann@Example.COM", ""), comments.StatusApproved,
			func(c *comments.Comment) { c.Author.Email = "ann@example.com" }, true,
			"FindDuplicate compares emails case-insensitively"},
		{"EmailSameOtherName", author("Ann", "ann@example.com", ""), comments.StatusApproved,
			func(c *comments.Comment) { c.Author.Name = "Ann E." }, true,
			"FindDuplicate matches authors by email when the candidate has one"},
		{"Pending", author("Ann", "ann@example.com", ""), comments.StatusPending,
			func(c *comments.Comment) {}, true,
			"FindDuplicate finds a pending duplicate"},
		{"Spam", author("Ann", "ann@example.com", ""), comments.StatusSpam,
			func(c *comments.Comment) {}, true,
			"FindDuplicate finds a spam duplicate"},
		{"Trash", author("Ann", "ann@example.com", ""), comments.StatusTrash,
			func(c *comments.Comment) {}, false,
			"FindDuplicate ignores trashed comments"},
		{"OtherThread", author("Ann", "ann@example.com", ""), comments.StatusApproved,
			func(c *comments.Comment) { c.Thread = "other" }, false,
			"FindDuplicate looks only at c.Thread"},
		{"OtherSource", author("Ann", "ann@example.com", ""), comments.StatusApproved,
			func(c *comments.Comment) { c.Source = "Something else." }, false,
			"FindDuplicate needs the same Source"},
		{"SourceCase", author("Ann", "ann@example.com", ""), comments.StatusApproved,
			func(c *comments.Comment) { c.Source = strings.ToUpper(c.Source) }, false,
			"FindDuplicate compares Source exactly"},
		{"OtherEmail", author("Ann", "ann@example.com", ""), comments.StatusApproved,
			func(c *comments.Comment) { c.Author.Email = "bob@example.com"; c.Author.Name = "Bob" }, false,
			"FindDuplicate needs the same author"},
		{"NoEmailSameName", author("Bob", "", ""), comments.StatusApproved,
			func(c *comments.Comment) { c.Author = author("Bob", "", "") }, true,
			"FindDuplicate matches authors by name when the candidate has no email"},
		{"NoEmailOtherName", author("Bob", "", ""), comments.StatusApproved,
			func(c *comments.Comment) { c.Author = author("Rob", "", "") }, false,
			"FindDuplicate needs the same name when the candidate has no email"},
		{"UserIDSame", author("Carol", "carol@old.example.com", "u-7"), comments.StatusApproved,
			func(c *comments.Comment) { c.Author = author("Carol W.", "carol@new.example.com", "u-7") }, true,
			"FindDuplicate matches authors by UserID when the candidate has one"},
		{"UserIDOther", author("Carol", "carol@example.com", "u-7"), comments.StatusApproved,
			func(c *comments.Comment) { c.Author = author("Dave", "dave@example.com", "u-8") }, false,
			"FindDuplicate needs the same author when the candidate has a UserID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			orig := newComment("post-1", commentAt(0))
			orig.Author, orig.Status = tc.stored, tc.status
			mustCreateComment(t, s, orig)
			noise := newComment("post-1", commentAt(1))
			noise.Author, noise.Source = author("Zed", "zed@example.com", "u-99"), "Other words."
			mustCreateComment(t, s, noise)

			cand := newComment("post-1", commentAt(2))
			cand.Author = tc.stored
			tc.candidate(cand)
			before := cand.Clone()
			got, err := s.FindDuplicate(t.Context(), cand)
			if tc.found {
				if assert.NoError(t, err, "rule: %s", tc.rule) {
					assert.Equal(t, orig.ID, got.ID, "rule: %s", tc.rule)
				}
			} else {
				assert.ErrorIs(t, err, comments.ErrNotFound, "rule: %s", tc.rule)
			}
			assert.Equal(t, before, cand, "rule: FindDuplicate does not change its argument")
			assert.Equal(t, 2, countComments(t, s, ""), "rule: FindDuplicate writes nothing")
		})
	}
}

func commentCancelledContext(t *testing.T, newStore func(t *testing.T) comments.Store) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	// Each case gets a store holding one approved comment, c.
	for _, tc := range []struct {
		name string
		call func(s comments.Store, c *comments.Comment) error
	}{
		{"CreateComment", func(s comments.Store, c *comments.Comment) error {
			return s.CreateComment(cancelled, newComment(c.Thread, commentAt(9)))
		}},
		{"GetComment", func(s comments.Store, c *comments.Comment) error {
			_, err := s.GetComment(cancelled, c.ID)
			return err
		}},
		{"UpdateComment", func(s comments.Store, c *comments.Comment) error {
			up := c.Clone()
			up.Source, up.Status = "changed", comments.StatusTrash
			return s.UpdateComment(cancelled, up)
		}},
		{"DeleteComment", func(s comments.Store, c *comments.Comment) error {
			return s.DeleteComment(cancelled, c.ID)
		}},
		{"ListComments", func(s comments.Store, c *comments.Comment) error {
			_, err := s.ListComments(cancelled, comments.CommentQuery{Thread: c.Thread})
			return err
		}},
		{"CountApproved", func(s comments.Store, c *comments.Comment) error {
			_, err := s.CountApproved(cancelled, []string{c.Thread})
			return err
		}},
		{"HasApprovedComment", func(s comments.Store, c *comments.Comment) error {
			_, err := s.HasApprovedComment(cancelled, c.Author.Name, c.Author.Email)
			return err
		}},
		{"LatestComment", func(s comments.Store, c *comments.Comment) error {
			_, err := s.LatestComment(cancelled, c.IP, c.Author.Email)
			return err
		}},
		{"FindDuplicate", func(s comments.Store, c *comments.Comment) error {
			_, err := s.FindDuplicate(cancelled, c.Clone())
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			c := mustCreateComment(t, s, newComment("t", commentAt(0)))
			want := c.Clone()
			err := tc.call(s, c)
			assert.ErrorIs(t, err, context.Canceled,
				"rule: %s with a cancelled context returns the context's error", tc.name)
			all := mustListComments(t, s, comments.CommentQuery{})
			if assert.Len(t, all, 1, "rule: %s with a cancelled context writes nothing", tc.name) {
				assertSameComment(t, want, all[0], tc.name+" with a cancelled context writes nothing")
			}
		})
	}
}

func commentConcurrentCreates(t *testing.T, newStore func(t *testing.T) comments.Store) {
	s := newStore(t)
	const writers, each = 8, 50
	ids := make([][]int64, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				c := newComment(fmt.Sprintf("t%d", w%2), commentAt(i))
				c.Source = fmt.Sprintf("writer %d, comment %d", w, i)
				if err := s.CreateComment(context.Background(), c); err != nil {
					t.Errorf("rule: concurrent CreateComment calls all succeed: %v", err)
					return
				}
				ids[w] = append(ids[w], c.ID)
			}
		}()
	}
	wg.Wait()

	seen := make(map[int64]bool)
	for _, w := range ids {
		for _, id := range w {
			assert.False(t, seen[id], "rule: concurrent CreateComment calls assign distinct IDs (%d twice)", id)
			seen[id] = true
		}
	}
	assert.Len(t, seen, writers*each, "rule: every concurrent CreateComment assigns an ID")
	var listed []int64
	for _, th := range []string{"t0", "t1"} {
		got := listAllComments(t, s, comments.CommentQuery{Thread: th}, 64)
		assert.Len(t, got, writers/2*each, "rule: every comment created concurrently is listed on its thread")
		listed = append(listed, commentIDs(got)...)
	}
	for _, id := range listed {
		assert.True(t, seen[id], "rule: ListComments returns only comments that were created (ID %d)", id)
	}
	counts, err := s.CountApproved(t.Context(), []string{"t0", "t1"})
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"t0": writers / 2 * each, "t1": writers / 2 * each}, counts,
		"rule: CountApproved counts every comment created concurrently")
}

func commentConcurrentReadWrite(t *testing.T, newStore func(t *testing.T) comments.Store) {
	s := newStore(t)
	var seed []*comments.Comment
	for i := range 40 {
		seed = append(seed, mustCreateComment(t, s, newComment("t", commentAt(i))))
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	run := func(f func(i int) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 40 {
				if err := f(i); err != nil && !errors.Is(err, comments.ErrNotFound) {
					t.Errorf("rule: Store methods are safe for concurrent use: %v", err)
					return
				}
			}
		}()
	}
	run(func(i int) error { return s.CreateComment(ctx, newComment("t", commentAt(100+i))) })
	run(func(i int) error {
		c := seed[i].Clone()
		c.Status = comments.StatusSpam
		return s.UpdateComment(ctx, c)
	})
	run(func(i int) error {
		if i%2 == 0 {
			return s.DeleteComment(ctx, seed[i].ID)
		}
		return nil
	})
	run(func(i int) error {
		_, err := s.ListComments(ctx, comments.CommentQuery{Thread: "t", After: comments.CursorOf(seed[i])})
		return err
	})
	run(func(i int) error {
		_, err := s.CountApproved(ctx, []string{"t"})
		return err
	})
	run(func(i int) error {
		_, err := s.GetComment(ctx, seed[i].ID)
		return err
	})
	run(func(i int) error {
		_, err := s.LatestComment(ctx, "192.0.2.10", "ann@example.com")
		return err
	})
	run(func(i int) error {
		_, err := s.HasApprovedComment(ctx, "Ann", "ann@example.com")
		return err
	})
	run(func(i int) error {
		_, err := s.FindDuplicate(ctx, seed[i].Clone())
		return err
	})
	wg.Wait()

	all := listAllComments(t, s, comments.CommentQuery{Thread: "t"}, 25)
	assert.Len(t, all, 40+40-20, "rule: concurrent creates and deletes leave exactly the comments not deleted")
	counts, err := s.CountApproved(t.Context(), []string{"t"})
	require.NoError(t, err)
	assert.Equal(t, 40, counts["t"], "rule: CountApproved agrees with the comments left after concurrent writes")
}

// newGuardedStore returns a new store from newStore as a
// [comments.GuardedStore], or skips the test if it is not one.
func newGuardedStore(t *testing.T, newStore func(t *testing.T) comments.Store) comments.GuardedStore {
	t.Helper()
	g, ok := newStore(t).(comments.GuardedStore)
	if !ok {
		t.Skip("the store does not implement comments.GuardedStore")
	}
	return g
}

func commentGuardedCreates(t *testing.T, newStore func(t *testing.T) comments.Store) {
	g := newGuardedStore(t, newStore)
	first := newComment("t", commentAt(0))
	require.NoError(t, g.CreateCommentGuarded(t.Context(), first, time.Time{}),
		"rule: CreateCommentGuarded creates a comment with no duplicate and no flood")
	assert.NotZero(t, first.ID, "rule: CreateCommentGuarded assigns c.ID")

	second := newComment("t", commentAt(10))
	second.Source, second.IP, second.Author.Email = "Another thought.", "198.51.100.1", "bo@example.com"
	require.NoError(t, g.CreateCommentGuarded(t.Context(), second, commentAt(5)),
		"rule: CreateCommentGuarded creates a comment when nothing from its IP or email came after floodSince")
	assert.NotEqual(t, first.ID, second.ID, "rule: CreateCommentGuarded assigns distinct IDs")
	assertSameComment(t, second, mustGetComment(t, g, second.ID),
		"CreateCommentGuarded stores every field as CreateComment does")

	bad := newComment("t", commentAt(20))
	bad.Source, bad.ID = "Yet another.", 999
	assert.Error(t, g.CreateCommentGuarded(t.Context(), bad, time.Time{}),
		"rule: CreateCommentGuarded returns an error when c.ID is not zero")
	assert.Equal(t, 2, countComments(t, g, ""), "rule: a rejected CreateCommentGuarded writes nothing")
}

func commentGuardedDuplicate(t *testing.T, newStore func(t *testing.T) comments.Store) {
	g := newGuardedStore(t, newStore)
	orig := mustCreateComment(t, g, newComment("t", commentAt(0)))

	dup := newComment("t", commentAt(100))
	dup.Author.Email, dup.IP = "ANN@example.com", "203.0.113.50"
	err := g.CreateCommentGuarded(t.Context(), dup, time.Time{})
	assert.ErrorIs(t, err, comments.ErrDuplicate,
		"rule: CreateCommentGuarded returns ErrDuplicate when FindDuplicate would find a duplicate")
	assert.Zero(t, dup.ID, "rule: CreateCommentGuarded assigns no ID when it writes nothing")
	assert.Equal(t, 1, countComments(t, g, ""), "rule: CreateCommentGuarded writes nothing on ErrDuplicate")

	other := dup.Clone()
	other.Thread = "elsewhere"
	assert.NoError(t, g.CreateCommentGuarded(t.Context(), other, time.Time{}),
		"rule: CreateCommentGuarded allows the same words on another thread")

	orig.Status = comments.StatusTrash
	require.NoError(t, g.UpdateComment(t.Context(), orig))
	again := dup.Clone()
	assert.NoError(t, g.CreateCommentGuarded(t.Context(), again, time.Time{}),
		"rule: CreateCommentGuarded ignores a trashed duplicate")
	assert.Equal(t, 3, countComments(t, g, ""))
}

func commentGuardedFlood(t *testing.T, newStore func(t *testing.T) comments.Store) {
	g := newGuardedStore(t, newStore)
	prev := newComment("t", commentAt(10))
	prev.IP, prev.Author.Email, prev.Status = "192.0.2.77", "Flo@Example.com", comments.StatusSpam
	mustCreateComment(t, g, prev)

	for i, tc := range []struct {
		ip, email  string
		floodSince time.Time
		flood      bool
		rule       string
	}{
		{"192.0.2.77", "new@example.com", commentAt(9), true,
			"CreateCommentGuarded returns ErrFlood when a comment from c.IP, of any status, came after floodSince"},
		{"198.51.100.9", "flo@example.COM", commentAt(9), true,
			"CreateCommentGuarded returns ErrFlood when a comment with c.Author.Email (case-insensitively) came after floodSince"},
		{"192.0.2.77", "flo@example.com", commentAt(10), false,
			"CreateCommentGuarded allows a comment when the last one came exactly at floodSince, not after it"},
		{"192.0.2.77", "flo@example.com", time.Time{}, false,
			"CreateCommentGuarded checks no flood when floodSince is zero"},
		{"198.51.100.9", "other@example.com", commentAt(9), false,
			"CreateCommentGuarded allows a comment when nothing from its IP or email came after floodSince"},
	} {
		c := newComment("t", commentAt(11))
		c.IP, c.Author.Email = tc.ip, tc.email
		c.Source = fmt.Sprintf("Comment number %d.", i)
		before := countComments(t, g, "")
		err := g.CreateCommentGuarded(t.Context(), c, tc.floodSince)
		if tc.flood {
			assert.ErrorIs(t, err, comments.ErrFlood, "rule: %s", tc.rule)
			assert.Equal(t, before, countComments(t, g, ""), "rule: CreateCommentGuarded writes nothing on ErrFlood")
			continue
		}
		if assert.NoError(t, err, "rule: %s", tc.rule) {
			require.NoError(t, g.DeleteComment(t.Context(), c.ID))
		}
	}
}

func commentGuardedConcurrent(t *testing.T, newStore func(t *testing.T) comments.Store) {
	g := newGuardedStore(t, newStore)
	const tries = 8
	errs := make([]error, tries)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range tries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newComment("t", commentAt(0))
			c.IP = fmt.Sprintf("192.0.2.%d", i+1) // only the words and email are shared
			<-start
			errs[i] = g.CreateCommentGuarded(context.Background(), c, time.Time{})
		}()
	}
	close(start)
	wg.Wait()
	created := 0
	for _, err := range errs {
		if err == nil {
			created++
			continue
		}
		assert.ErrorIs(t, err, comments.ErrDuplicate,
			"rule: concurrent CreateCommentGuarded calls for the same comment fail with ErrDuplicate but for one")
	}
	assert.Equal(t, 1, created, "rule: of concurrent CreateCommentGuarded calls for the same comment, exactly one creates it")
	assert.Equal(t, 1, countComments(t, g, ""), "rule: of concurrent CreateCommentGuarded calls for the same comment, exactly one writes")
}

func commentGuardedCancelledContext(t *testing.T, newStore func(t *testing.T) comments.Store) {
	g := newGuardedStore(t, newStore)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := g.CreateCommentGuarded(ctx, newComment("t", commentAt(0)), time.Time{})
	assert.ErrorIs(t, err, context.Canceled,
		"rule: CreateCommentGuarded with a cancelled context returns the context's error")
	assert.Zero(t, countComments(t, g, ""), "rule: CreateCommentGuarded with a cancelled context writes nothing")
}
