package blog_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/storage/memstore"
)

func TestReplaceTerm(t *testing.T) {
	ctx := context.Background()
	terms := func(names ...string) []blog.Term {
		out := make([]blog.Term, len(names))
		for i, n := range names {
			out[i] = blog.Term{Name: n}
		}
		return out
	}
	counts := func(b *blog.Blog, taxonomy string) map[string]int {
		tc, err := b.Terms(ctx, taxonomy)
		require.NoError(t, err)
		out := map[string]int{}
		for _, c := range tc {
			out[c.Name+"/"+c.Slug] = c.Count
		}
		return out
	}
	setup := func(t *testing.T) *blog.Blog {
		b, err := blog.New(memstore.New())
		require.NoError(t, err)
		for _, p := range []*blog.Post{
			{Title: "One", Tags: terms("Golang", "Sea"), Categories: terms("Walks")},
			{Title: "Two", Tags: terms("Go", "Golang")},
			{Title: "Three", Tags: terms("Sea")},
			{Title: "Draft", Tags: terms("Golang"), Status: blog.StatusDraft},
		} {
			p.Source = "Text."
			if p.Status == "" {
				p.Status = blog.StatusPublished
			}
			_, err := b.CreatePost(ctx, p)
			require.NoError(t, err)
		}
		return b
	}

	t.Run("rename", func(t *testing.T) {
		b := setup(t)
		n, err := b.ReplaceTerm(ctx, blog.TaxonomyTag, "sea", blog.Term{Name: "The sea"})
		require.NoError(t, err)
		assert.Equal(t, 2, n)
		assert.Equal(t, map[string]int{"Go/go": 1, "Golang/golang": 2, "The sea/the-sea": 2}, counts(b, blog.TaxonomyTag))
	})
	t.Run("merge keeps one of two on a post", func(t *testing.T) {
		b := setup(t)
		n, err := b.ReplaceTerm(ctx, blog.TaxonomyTag, "golang", blog.Term{Name: "Go", Slug: "go"})
		require.NoError(t, err)
		assert.Equal(t, 3, n, "the draft too")
		assert.Equal(t, map[string]int{"Go/go": 2, "Sea/sea": 2}, counts(b, blog.TaxonomyTag))
		draft, err := b.GetPostBySlug(ctx, "draft")
		require.NoError(t, err)
		assert.Equal(t, []blog.Term{{Name: "Go", Slug: "go"}}, draft.Tags)
		two, err := b.GetPostBySlug(ctx, "two")
		require.NoError(t, err)
		assert.Equal(t, []blog.Term{{Name: "Go", Slug: "go"}}, two.Tags, "no post carries a term twice")
	})
	t.Run("delete", func(t *testing.T) {
		b := setup(t)
		n, err := b.ReplaceTerm(ctx, blog.TaxonomyCategory, "walks", blog.Term{})
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		assert.Empty(t, counts(b, blog.TaxonomyCategory))
		assert.Len(t, counts(b, blog.TaxonomyTag), 3, "the tags are untouched")
	})
	t.Run("bad input", func(t *testing.T) {
		b := setup(t)
		for _, c := range []struct {
			taxonomy, slug string
			to             blog.Term
			field          string
		}{
			{"label", "sea", blog.Term{Name: "x"}, "taxonomy"},
			{blog.TaxonomyTag, "", blog.Term{Name: "x"}, "slug"},
			{blog.TaxonomyTag, "sea", blog.Term{Slug: "x"}, "name"},
			{blog.TaxonomyTag, "sea", blog.Term{Name: "!!!"}, "slug"},
		} {
			_, err := b.ReplaceTerm(ctx, c.taxonomy, c.slug, c.to)
			var ve *blog.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, c.field, ve.Field)
		}
		assert.Equal(t, map[string]int{"Go/go": 1, "Golang/golang": 2, "Sea/sea": 2}, counts(b, blog.TaxonomyTag), "nothing changed")
	})
}
