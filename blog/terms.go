package blog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// The taxonomies a Term belongs to, as TermCounter takes them.
const (
	TaxonomyTag      = "tag"
	TaxonomyCategory = "category"
)

// TermsEnabled reports whether the Blog can count its terms: whether its
// store is a [TermCounter].
func (b *Blog) TermsEnabled() bool {
	_, ok := b.store.(TermCounter)
	return ok
}

// Terms returns the tags (taxonomy [TaxonomyTag]) or categories
// ([TaxonomyCategory]) of the posts visitors see now, each with the number
// of those posts, ordered by slug. ErrUnsupported if the store is no
// [TermCounter]; a *ValidationError for another taxonomy.
func (b *Blog) Terms(ctx context.Context, taxonomy string) ([]TermCount, error) {
	if err := checkTaxonomy(taxonomy); err != nil {
		return nil, err
	}
	tc, ok := b.store.(TermCounter)
	if !ok {
		return nil, fmt.Errorf("blog: count %s terms: %w", taxonomy, ErrUnsupported)
	}
	out, err := tc.CountTerms(ctx, taxonomy, b.visibleNow().Before)
	if err != nil {
		return nil, fmt.Errorf("blog: count %s terms: %w", taxonomy, err)
	}
	return out, nil
}

// ReplaceTerm gives every post and page carrying the term slug of
// taxonomy the term to instead, and returns how many it changed. It
// renames a term (to has the same slug, or a new one no post uses),
// merges it into another (to is a term posts already carry: a post with
// both keeps one), and, with a zero to, deletes it from every post. The
// posts are re-read and saved one at a time through [Blog.UpdatePost], so
// an edit that races it is not lost (a post changed meanwhile is read
// again); a store failure stops it part way, with the posts saved so far
// changed. A bad taxonomy, slug or to is a *ValidationError.
func (b *Blog) ReplaceTerm(ctx context.Context, taxonomy, slug string, to Term) (int, error) {
	if err := checkTaxonomy(taxonomy); err != nil {
		return 0, err
	}
	if slug == "" {
		return 0, &ValidationError{Field: "slug", Reason: "empty"}
	}
	deleting := to == Term{}
	if !deleting {
		if strings.TrimSpace(to.Name) == "" {
			return 0, &ValidationError{Field: "name", Reason: "empty"}
		}
		if to.Slug == "" {
			to.Slug = Slugify(to.Name)
		}
		if to.Slug == "" {
			return 0, &ValidationError{Field: "slug", Reason: fmt.Sprintf("%q makes no slug", to.Name)}
		}
	}
	q := PostQuery{Limit: MaxLimit}
	if taxonomy == TaxonomyTag {
		q.Tag = slug
	} else {
		q.Category = slug
	}
	changed := 0
	for {
		page, err := b.ListAll(ctx, q)
		if err != nil {
			return changed, fmt.Errorf("blog: replace %s %q: %w", taxonomy, slug, err)
		}
		for _, p := range page {
			if err := b.replaceTermOf(ctx, p, taxonomy, slug, to, deleting); err != nil {
				return changed, fmt.Errorf("blog: replace %s %q: %w", taxonomy, slug, err)
			}
			changed++
		}
		if len(page) < q.EffectiveLimit() {
			return changed, nil
		}
		q.After = CursorOf(page[len(page)-1])
	}
}

// replaceTermOf saves p with its term slug of taxonomy replaced by to, or
// dropped; p is read again when it changed since it was listed.
func (b *Blog) replaceTermOf(ctx context.Context, p *Post, taxonomy, slug string, to Term, deleting bool) error {
	for range 3 {
		terms := &p.Tags
		if taxonomy == TaxonomyCategory {
			terms = &p.Categories
		}
		var out []Term
		for _, t := range *terms {
			switch {
			case t.Slug == slug && !deleting:
				t = to
			case t.Slug == slug:
				continue
			}
			if !slices.ContainsFunc(out, func(o Term) bool { return o.Slug == t.Slug }) {
				out = append(out, t)
			}
		}
		*terms = out
		_, err := b.UpdatePost(ctx, p)
		if !errors.Is(err, ErrConflict) {
			return err
		}
		if p, err = b.GetPost(ctx, p.ID); err != nil {
			return err
		}
	}
	return fmt.Errorf("post %d: %w", p.ID, ErrConflict)
}

// checkTaxonomy returns a *ValidationError unless taxonomy is one of the
// two there are.
func checkTaxonomy(taxonomy string) error {
	if taxonomy != TaxonomyTag && taxonomy != TaxonomyCategory {
		return &ValidationError{Field: "taxonomy", Reason: fmt.Sprintf("%q is neither %q nor %q", taxonomy, TaxonomyTag, TaxonomyCategory)}
	}
	return nil
}
