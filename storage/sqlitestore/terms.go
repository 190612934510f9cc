package sqlitestore

import (
	"context"
	"fmt"
	"time"

	"github.com/folioblog/folio/blog"
)

// countTermsSQL counts the visible posts of each term of a taxonomy: the
// terms from post_terms, each post checked by its primary key.
const countTermsSQL = `SELECT t.slug, min(t.name), count(*)
	FROM post_terms t JOIN posts p ON p.id = t.post_id
	WHERE t.taxonomy = ? AND p.kind = 'post'
		AND (p.status = 'published' OR (p.status = 'scheduled' AND p.published_at > ? AND p.published_at < ?))
	GROUP BY t.slug ORDER BY t.slug`

// CountTerms counts the visible posts of each term of taxonomy; see
// [blog.TermCounter].
func (s *Store) CountTerms(ctx context.Context, taxonomy string, before time.Time) ([]blog.TermCount, error) {
	var out []blog.TermCount
	err := s.inRead(ctx, func(tx querier) error {
		rows, err := tx.QueryContext(ctx, countTermsSQL, taxonomy, zeroMicros, toMicros(before))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c blog.TermCount
			if err := rows.Scan(&c.Slug, &c.Name, &c.Count); err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: count %s terms: %w", taxonomy, err)
	}
	return out, nil
}
