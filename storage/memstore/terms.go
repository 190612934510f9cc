package memstore

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/folioblog/folio/blog"
)

// CountTerms counts the visible posts of each term of taxonomy; see
// [blog.TermCounter]. It reads every post: fine for the small sites and
// tests memstore serves.
func (s *Store) CountTerms(ctx context.Context, taxonomy string, before time.Time) ([]blog.TermCount, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	counts := map[string]*blog.TermCount{}
	s.posts.mu.RLock()
	for _, p := range s.posts.byID {
		if p.Kind != blog.KindPost || !countsAt(p, before) {
			continue
		}
		terms := p.Tags
		if taxonomy == blog.TaxonomyCategory {
			terms = p.Categories
		}
		seen := map[string]bool{}
		for _, t := range terms {
			if seen[t.Slug] {
				continue
			}
			seen[t.Slug] = true
			if c := counts[t.Slug]; c != nil {
				c.Count++
			} else {
				counts[t.Slug] = &blog.TermCount{Term: t, Count: 1}
			}
		}
	}
	s.posts.mu.RUnlock()
	out := make([]blog.TermCount, 0, len(counts))
	for _, c := range counts {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b blog.TermCount) int { return cmp.Compare(a.Slug, b.Slug) })
	return out, nil
}

// countsAt reports whether p is published, or scheduled before before.
func countsAt(p *blog.Post, before time.Time) bool {
	switch p.Status {
	case blog.StatusPublished:
		return true
	case blog.StatusScheduled:
		return !p.PublishedAt.IsZero() && p.PublishedAt.Before(before)
	}
	return false
}
