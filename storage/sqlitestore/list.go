package sqlitestore

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/folioblog/folio/blog"
)

// where collects the conditions of a WHERE clause and their arguments.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// in adds "col IN (?, …)" for vals; nothing if vals is empty.
func whereIn[T ~string](w *where, col string, vals []T) {
	switch len(vals) {
	case 0:
		return
	case 1:
		w.add(col+" = ?", string(vals[0]))
		return
	}
	ph := placeholders(len(vals))
	args := make([]any, len(vals))
	for i, v := range vals {
		args[i] = string(v)
	}
	w.add(col+" IN ("+ph+")", args...)
}

// placeholders returns n comma-separated question marks.
func placeholders(n int) string { return strings.Repeat(",?", n)[1:] }

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// dedupe returns vals without repeats, in first-seen order.
func dedupe[T comparable](vals []T) []T {
	var out []T
	for _, v := range vals {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// addTimeBounds adds q's From and Before bounds on the column col, which
// holds published_at.
// A post never published (zero PublishedAt) is outside every non-zero
// bound.
func addTimeBounds(w *where, col string, q *blog.PostQuery) {
	switch {
	case !q.From.IsZero():
		w.add(col+" >= ?", max(toMicros(q.From), zeroMicros+1))
	case !q.Before.IsZero():
		w.add(col+" > ?", zeroMicros)
	}
	if !q.Before.IsZero() {
		w.add(col+" < ?", toMicros(q.Before))
	}
}

// addKeyBounds adds q's From bound on pubCol and one upper bound on the
// listing key (pubCol, idCol): the tighter of q.Before and q.After, as a
// row value, so that the index walk starts right at the cursor.
// As in addTimeBounds, a post never published is outside every non-zero
// bound.
func addKeyBounds(w *where, pubCol, idCol string, q *blog.PostQuery) {
	if q.Ascending {
		// From and Before as plain bounds, the cursor as the lower bound
		// of the key, where the index walk starts.
		addTimeBounds(w, pubCol, q)
		if q.After != nil {
			w.add("("+pubCol+", "+idCol+") > (?, ?)", toMicros(q.After.PublishedAt), q.After.ID)
		}
		return
	}
	switch {
	case !q.From.IsZero():
		w.add(pubCol+" >= ?", max(toMicros(q.From), zeroMicros+1))
	case !q.Before.IsZero():
		w.add(pubCol+" > ?", zeroMicros)
	}
	var (
		pub, id int64
		bounded bool
	)
	if q.After != nil {
		pub, id, bounded = toMicros(q.After.PublishedAt), q.After.ID, true
	}
	if !q.Before.IsZero() {
		// published_at < Before is (published_at, id) < (Before, MinInt64).
		b := toMicros(q.Before)
		if !bounded || b < pub || (b == pub && math.MinInt64 < id) {
			pub, id, bounded = b, math.MinInt64, true
		}
	}
	if bounded {
		w.add("("+pubCol+", "+idCol+") < (?, ?)", pub, id)
	}
}

// addFilters adds every filter of q on the posts row p except its time
// bounds and its cursor. termsDone says that the tag (or, without a tag,
// the category) is already a join condition.
func addFilters(w *where, q *blog.PostQuery, termsDone bool) {
	whereIn(w, "p.kind", dedupe(q.Kinds))
	whereIn(w, "p.status", dedupe(q.Statuses))
	if q.Sticky != nil {
		w.add("p.sticky = ?", *q.Sticky)
	}
	tag, cat := q.Tag, q.Category
	if termsDone {
		if tag != "" {
			tag = ""
		} else {
			cat = ""
		}
	}
	if tag != "" {
		w.add("EXISTS (SELECT 1 FROM post_terms x WHERE x.post_id = p.id AND x.taxonomy = '"+taxTag+"' AND x.slug = ?)", tag)
	}
	if cat != "" {
		w.add("EXISTS (SELECT 1 FROM post_terms x WHERE x.post_id = p.id AND x.taxonomy = '"+taxCategory+"' AND x.slug = ?)", cat)
	}
}

// maxBranches bounds the number of index ranges a listing merges; more
// kinds × statuses than this are filtered while walking one index.
const maxBranches = 16

// listPostsSQL returns the statement that lists the posts matching q,
// newest first (oldest first if q.Ascending), at most limit of them, and
// its arguments.
//
// Every shape of query reads an index in listing order and stops at the
// limit, so the first page and a page deep in the listing cost the same:
//
//   - a tag or category: the post_terms_listing index of that term;
//   - kinds and statuses: one range of posts_by_kind_status (or
//     posts_by_kind, posts_by_status) per kind × status, each limited,
//     merged by ID and sorted — at most limit rows per range;
//   - neither: posts_by_time.
func listPostsSQL(q *blog.PostQuery, limit int) (string, []any) {
	if q.Tag != "" || q.Category != "" {
		tax, slug := taxTag, q.Tag
		if q.Tag == "" {
			tax, slug = taxCategory, q.Category
		}
		var w where
		w.add("t.taxonomy = ?", tax)
		w.add("t.slug = ?", slug)
		addKeyBounds(&w, "t.published_at", "t.post_id", q)
		addFilters(&w, q, true)
		w.args = append(w.args, limit)
		dir := " DESC"
		if q.Ascending {
			dir = ""
		}
		return `SELECT ` + postColumns + ` FROM post_terms t INDEXED BY post_terms_listing
			JOIN posts p ON p.id = t.post_id` + w.String() + `
			ORDER BY t.published_at` + dir + `, t.post_id` + dir + ` LIMIT ?`, w.args
	}

	kinds, statuses := dedupe(q.Kinds), dedupe(q.Statuses)
	type branch struct {
		index string
		eq    where
	}
	var branches []branch
	switch {
	case len(kinds) > 0 && len(statuses) > 0 && len(kinds)*len(statuses) <= maxBranches:
		for _, k := range kinds {
			for _, st := range statuses {
				b := branch{index: "posts_by_kind_status"}
				if q.Sticky != nil && *q.Sticky {
					b.index = "posts_sticky" // partial: sticky = 1
				}
				b.eq.add("p.kind = ?", string(k))
				b.eq.add("p.status = ?", string(st))
				branches = append(branches, b)
			}
		}
	case len(kinds) > 0 && len(kinds) <= maxBranches:
		for _, k := range kinds {
			b := branch{index: "posts_by_kind"}
			b.eq.add("p.kind = ?", string(k))
			whereIn(&b.eq, "p.status", statuses)
			branches = append(branches, b)
		}
	case len(statuses) > 0 && len(statuses) <= maxBranches:
		for _, st := range statuses {
			b := branch{index: "posts_by_status"}
			b.eq.add("p.status = ?", string(st))
			whereIn(&b.eq, "p.kind", kinds)
			branches = append(branches, b)
		}
	default:
		b := branch{index: "posts_by_time"}
		whereIn(&b.eq, "p.kind", kinds)
		whereIn(&b.eq, "p.status", statuses)
		branches = append(branches, b)
	}
	rest := func(w *where) {
		addKeyBounds(w, "p.published_at", "p.id", q)
		switch {
		case q.Sticky == nil:
		case *q.Sticky:
			w.add("p.sticky = 1") // a literal, so the partial index applies
		default:
			w.add("p.sticky = 0")
		}
	}
	order := ` ORDER BY p.published_at DESC, p.id DESC LIMIT ?`
	if q.Ascending {
		order = ` ORDER BY p.published_at, p.id LIMIT ?`
	}
	if len(branches) == 1 {
		w := branches[0].eq
		rest(&w)
		w.args = append(w.args, limit)
		return `SELECT ` + postColumns + ` FROM posts p INDEXED BY ` + branches[0].index + w.String() + order, w.args
	}
	var (
		parts []string
		args  []any
	)
	for _, b := range branches {
		w := b.eq
		rest(&w)
		parts = append(parts, `SELECT id FROM (SELECT p.id FROM posts p INDEXED BY `+b.index+w.String()+order+`)`)
		args = append(args, w.args...)
		args = append(args, limit)
	}
	args = append(args, limit)
	return `SELECT ` + postColumns + ` FROM posts p WHERE p.id IN (` + strings.Join(parts, " UNION ALL ") + `)` + order, args
}

// ListPosts returns the posts matching q, by PublishedAt descending, then
// ID descending, posts never published last (the reverse if q.Ascending);
// at most q.EffectiveLimit()
// of them, continuing after q.After (keyset pagination: a deep page costs
// what the first does).
func (s *Store) ListPosts(ctx context.Context, q blog.PostQuery) ([]*blog.Post, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlitestore: list posts: %w", err)
	}
	query, args := listPostsSQL(&q, q.EffectiveLimit())
	rows, err := s.reader(ctx).QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: list posts: %w", err)
	}
	defer rows.Close()
	var out []*blog.Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlitestore: list posts: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlitestore: list posts: %w", err)
	}
	return out, nil
}
