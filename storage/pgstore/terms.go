package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/folioblog/folio/blog"
)

// countTermsSQL counts the visible posts of each term of a taxonomy, a
// post counted once however often it lists the term.
const countTermsSQL = `SELECT t.slug, min(t.name), count(DISTINCT p.id)
	FROM {S}post_terms t JOIN {S}posts p ON p.id = t.post_id
	WHERE t.taxonomy = $1 AND p.kind = 'post'
		AND (p.status = 'published' OR (p.status = 'scheduled' AND p.published_at < $2))
	GROUP BY t.slug ORDER BY t.slug`

// CountTerms counts the visible posts of each term of taxonomy; see
// [blog.TermCounter].
func (s *Store) CountTerms(ctx context.Context, taxonomy string, before time.Time) ([]blog.TermCount, error) {
	rows, err := s.db(ctx).Query(ctx, s.sql(countTermsSQL), taxonomy, tsArg(before))
	if err != nil {
		return nil, fmt.Errorf("pgstore: count %s terms: %w", taxonomy, dbErr(err))
	}
	defer rows.Close()
	var out []blog.TermCount
	for rows.Next() {
		var c blog.TermCount
		if err := rows.Scan(&c.Slug, &c.Name, &c.Count); err != nil {
			return nil, fmt.Errorf("pgstore: count %s terms: %w", taxonomy, dbErr(err))
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: count %s terms: %w", taxonomy, dbErr(err))
	}
	return out, nil
}
