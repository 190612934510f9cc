package blog

import (
	"context"
	"fmt"
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
	if taxonomy != TaxonomyTag && taxonomy != TaxonomyCategory {
		return nil, &ValidationError{Field: "taxonomy", Reason: fmt.Sprintf("%q is neither %q nor %q", taxonomy, TaxonomyTag, TaxonomyCategory)}
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
