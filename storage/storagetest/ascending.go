package storagetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/folioblog/folio/blog"
)

// oldestFirst is the order of an ascending listing: the exact reverse of
// postsNewestFirst.
func oldestFirst(ps []*blog.Post) []int64 {
	ids := postsNewestFirst(ps)
	slices.Reverse(ids)
	return ids
}

func postListAscending(t *testing.T, s blog.Store) {
	const rule = "rule: ListPosts with Ascending returns posts by PublishedAt ascending, then ID ascending, zero PublishedAt first"
	times := []time.Time{
		postAt(5), {}, postAt(-3), postAt(5), postAt(0), {},
		postAt(5), postAt(0).Add(time.Microsecond), postAt(-3), postAt(100),
	}
	var all []*blog.Post
	for i, at := range times {
		p := newPost(fmt.Sprintf("a%d", i), at)
		if at.IsZero() {
			p.Status = blog.StatusDraft
		}
		all = append(all, mustCreatePost(t, s, p))
	}
	got := mustListPosts(t, s, blog.PostQuery{Ascending: true, Limit: blog.MaxLimit})
	assert.Equal(t, oldestFirst(all), postIDs(got), rule)
	if assert.Len(t, got, len(all), rule) {
		assert.True(t, got[0].PublishedAt.IsZero(), "%s: unpublished posts come first", rule)
		assert.True(t, got[len(got)-1].PublishedAt.Equal(postAt(100)), "%s: the newest comes last", rule)
	}
	first := mustListPosts(t, s, blog.PostQuery{Ascending: true, From: postAt(0), Limit: 1})
	if assert.Len(t, first, 1, rule) {
		assert.Equal(t, all[4].ID, first[0].ID, "%s: Limit 1 from a time is the oldest post at or after it", rule)
	}
}

func postAscendingPagination(t *testing.T, s blog.Store) {
	const rule = "rule: keyset pagination of an ascending listing with CursorOf(last) visits every post once, oldest first"
	var all []*blog.Post
	for i := range 150 {
		j := (i * 97) % 150 // a permutation of 0..149
		at := time.Time{}
		if j < 140 {
			at = postAt(j / 7).Add(time.Duration(j%2) * time.Microsecond)
		}
		all = append(all, mustCreatePost(t, s, newPost(fmt.Sprintf("asc%d", j), at)))
	}
	want := oldestFirst(all)
	for _, limit := range []int{1, 7, 100} {
		got := collectPostPages(t, s, blog.PostQuery{Ascending: true, Limit: limit}, rule)
		assert.Equal(t, want, got, "%s (Limit %d)", rule, limit)
	}

	// From a post's cursor, within time bounds: what an adjacent-post
	// query asks.
	from, before := postAt(3), postAt(15)
	var bounded []*blog.Post
	for _, p := range all {
		if !p.PublishedAt.Before(from) && p.PublishedAt.Before(before) {
			bounded = append(bounded, p)
		}
	}
	wantBounded := oldestFirst(bounded)
	q := blog.PostQuery{Ascending: true, From: from, Before: before, Limit: 3}
	assert.Equal(t, wantBounded, collectPostPages(t, s, q, rule), "%s, with From and Before", rule)
	mid := slices.IndexFunc(bounded, func(p *blog.Post) bool { return p.ID == wantBounded[len(wantBounded)/2] })
	q.After = blog.CursorOf(bounded[mid])
	assert.Equal(t, wantBounded[len(wantBounded)/2+1:], collectPostPages(t, s, q, rule),
		"%s: a listing after a cursor holds only the posts after it", rule)
}

func postAscendingFilteredPagination(t *testing.T, s blog.Store) {
	all := postFilterFixture(t, s)
	for _, c := range postFilterCases {
		if c.empty {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			rule := fmt.Sprintf("rule: keyset pagination of an ascending ListPosts with %s visits every matching post once, oldest first", c.name)
			var want []*blog.Post
			for _, p := range all {
				if c.want(p) {
					want = append(want, p)
				}
			}
			q := c.q
			q.Ascending, q.Limit = true, 2
			assert.Equal(t, oldestFirst(want), collectPostPages(t, s, q, rule), rule)
		})
	}
}
