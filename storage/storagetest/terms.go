package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
)

func termsCountVisiblePosts(t *testing.T, s blog.Store) {
	tc, ok := s.(blog.TermCounter)
	if !ok {
		t.Skip("the store is not a blog.TermCounter")
	}
	ctx := context.Background()
	tag := func(names ...string) []blog.Term {
		ts := make([]blog.Term, len(names))
		for i, n := range names {
			ts[i] = blog.Term{Name: n, Slug: blog.Slugify(n)}
		}
		return ts
	}
	now := postAt(100)
	for _, c := range []struct {
		slug   string
		status blog.Status
		at     time.Time
		kind   blog.Kind
		tags   []blog.Term
		cats   []blog.Term
	}{
		{"a", blog.StatusPublished, postAt(1), blog.KindPost, tag("Go", "Sea"), tag("Walks")},
		{"b", blog.StatusPublished, postAt(2), blog.KindPost, tag("Go"), tag("Walks", "Food")},
		{"due", blog.StatusScheduled, postAt(99), blog.KindPost, tag("Go", "Due"), nil},
		{"later", blog.StatusScheduled, postAt(101), blog.KindPost, tag("Go", "Later"), tag("Walks")},
		{"draft", blog.StatusDraft, time.Time{}, blog.KindPost, tag("Draft"), tag("Walks")},
		{"page", blog.StatusPublished, postAt(3), blog.KindPage, tag("Page"), tag("Walks")},
		{"private", blog.StatusPrivate, postAt(4), blog.KindPost, tag("Private"), nil},
	} {
		p := newPost(c.slug, c.at)
		p.Status, p.Kind, p.Tags, p.Categories = c.status, c.kind, c.tags, c.cats
		mustCreatePost(t, s, p)
	}
	const rule = "rule: CountTerms counts, per term, the posts of kind post that are published or scheduled before the time given, ordered by slug"
	tags, err := tc.CountTerms(ctx, blog.TaxonomyTag, now)
	require.NoError(t, err)
	assert.Equal(t, []blog.TermCount{
		{Term: blog.Term{Name: "Due", Slug: "due"}, Count: 1},
		{Term: blog.Term{Name: "Go", Slug: "go"}, Count: 3},
		{Term: blog.Term{Name: "Sea", Slug: "sea"}, Count: 1},
	}, tags, rule)
	cats, err := tc.CountTerms(ctx, blog.TaxonomyCategory, now)
	require.NoError(t, err)
	assert.Equal(t, []blog.TermCount{
		{Term: blog.Term{Name: "Food", Slug: "food"}, Count: 1},
		{Term: blog.Term{Name: "Walks", Slug: "walks"}, Count: 2},
	}, cats, rule)
}
