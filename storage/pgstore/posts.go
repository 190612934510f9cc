package pgstore

import (
	"context"
	"errors"
	"fmt"
	"html/template"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/folioblog/folio/blog"
)

// postColumns are the columns of posts a Post is read from, in the order
// scanPost reads them, followed by its terms and previous slugs. The
// query they appear in names the posts row p and joins the lateral
// subqueries terms and prev (see postJoins).
const postColumns = `p.id, p.kind, p.slug, p.title, p.author_name, p.author_email, p.author_url,
	p.format, p.source, p.excerpt, p.html, p.summary, p.has_more, p.description, p.word_count,
	p.status, p.comment_status, p.sticky, p.created_at, p.updated_at, p.published_at, p.version,
	p.plain_text, p.image, terms.tag_names, terms.tag_slugs, terms.category_names, terms.category_slugs, prev.slugs`

// postRowColumns are the columns of posts a listing's inner query passes
// on: every one but the search vector.
const postRowColumns = `p.id, p.kind, p.slug, p.title, p.author_name, p.author_email, p.author_url,
	p.format, p.source, p.excerpt, p.html, p.summary, p.has_more, p.description, p.word_count,
	p.status, p.comment_status, p.sticky, p.created_at, p.updated_at, p.published_at, p.version,
	p.plain_text, p.image, p.listed_at`

// postJoins gathers a post's tags, categories and previous slugs, each in
// the order the post lists them.
const postJoins = `
	CROSS JOIN LATERAL (
		SELECT
			array_agg(t.name ORDER BY t.position) FILTER (WHERE t.taxonomy = 'tag') AS tag_names,
			array_agg(t.slug ORDER BY t.position) FILTER (WHERE t.taxonomy = 'tag') AS tag_slugs,
			array_agg(t.name ORDER BY t.position) FILTER (WHERE t.taxonomy = 'category') AS category_names,
			array_agg(t.slug ORDER BY t.position) FILTER (WHERE t.taxonomy = 'category') AS category_slugs
		FROM {S}post_terms t WHERE t.post_id = p.id
	) AS terms
	CROSS JOIN LATERAL (
		SELECT array_agg(ps.slug ORDER BY ps.position) AS slugs
		FROM {S}post_slugs ps WHERE ps.post_id = p.id
	) AS prev`

// postOrder is the order of listings: newest first, never-published last.
const postOrder = `p.listed_at DESC, p.id DESC`

// postOrderAscending is the reverse of postOrder, for PostQuery.Ascending:
// the same indexes, walked backwards.
const postOrderAscending = `p.listed_at, p.id`

// scanPost reads a row of postColumns, plus extra trailing columns into
// extra.
func scanPost(row pgx.Row, extra ...any) (*blog.Post, error) {
	var (
		p                             blog.Post
		kind, format, status, cstatus string
		html, summary                 string
		created, updated, published   pgtype.Timestamptz
		wordCount                     int64
		tagNames, tagSlugs            []string
		catNames, catSlugs, prevSlugs []string
	)
	dest := []any{
		&p.ID, &kind, &p.Slug, &p.Title, &p.Author.Name, &p.Author.Email, &p.Author.URL,
		&format, &p.Source, &p.Excerpt, &html, &summary, &p.HasMore, &p.Description, &wordCount,
		&status, &cstatus, &p.Sticky, &created, &updated, &published, &p.Version,
		&p.Text, &p.Image, &tagNames, &tagSlugs, &catNames, &catSlugs, &prevSlugs,
	}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	p.Kind, p.Format, p.Status, p.CommentStatus = blog.Kind(kind), blog.Format(format), blog.Status(status), blog.CommentStatus(cstatus)
	p.HTML, p.Summary = template.HTML(html), template.HTML(summary)
	p.WordCount = int(wordCount)
	p.CreatedAt, p.UpdatedAt, p.PublishedAt = timeOf(created), timeOf(updated), timeOf(published)
	p.Tags = terms(tagNames, tagSlugs)
	p.Categories = terms(catNames, catSlugs)
	if len(prevSlugs) > 0 {
		p.PreviousSlugs = prevSlugs
	}
	return &p, nil
}

func terms(names, slugs []string) []blog.Term {
	if len(names) == 0 {
		return nil
	}
	out := make([]blog.Term, len(names))
	for i := range names {
		out[i] = blog.Term{Name: names[i], Slug: slugs[i]}
	}
	return out
}

// termArrays flattens a post's tags and categories into parallel arrays
// for unnest: taxonomy, name, slug.
func termArrays(p *blog.Post) (tax, names, slugs []string) {
	n := len(p.Tags) + len(p.Categories)
	tax, names, slugs = make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
	for _, t := range p.Tags {
		tax, names, slugs = append(tax, "tag"), append(names, t.Name), append(slugs, t.Slug)
	}
	for _, t := range p.Categories {
		tax, names, slugs = append(tax, "category"), append(names, t.Name), append(slugs, t.Slug)
	}
	return tax, names, slugs
}

// postFieldArgs are the arguments $1…$20 of postFields' values, in order.
// The post's text, which came later, is the last argument of each write
// (see postText).
func postFieldArgs(p *blog.Post) []any {
	return []any{
		string(p.Kind), p.Slug, p.Title, p.Author.Name, p.Author.Email, p.Author.URL,
		string(p.Format), p.Source, p.Excerpt, string(p.HTML), string(p.Summary), p.HasMore,
		p.Description, int64(p.WordCount), string(p.Status), string(p.CommentStatus), p.Sticky,
		tsArg(p.CreatedAt), tsArg(p.UpdatedAt), tsArg(p.PublishedAt),
	}
}

// postNotify is the NOTIFY of a post change; the query names the changed
// row's ID id and passes the channel as $21.
const postNotify = `pg_notify($21, json_build_object('kind', 'post', 'post_id', id)::text)`

// Writing a post is one statement (run in a transaction by writeRow): the
// row, its terms and previous slugs, and the change event commit together
// or not at all.
const createPostSQL = `
WITH p AS (
	INSERT INTO {S}posts (kind, slug, title, author_name, author_email, author_url,
		format, source, excerpt, html, summary, has_more, description, word_count,
		status, comment_status, sticky, created_at, updated_at, published_at, version, plain_text, image)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
		$18, $19, $20, 1, $26, $27)
	RETURNING id
), new_terms AS (
	INSERT INTO {S}post_terms (post_id, taxonomy, position, name, slug)
	SELECT p.id, x.taxonomy, x.position, x.name, x.slug
	FROM p, unnest($22::text[], $23::text[], $24::text[]) WITH ORDINALITY AS x(taxonomy, name, slug, position)
), new_slugs AS (
	INSERT INTO {S}post_slugs (post_id, position, slug)
	SELECT p.id, x.position, x.slug
	FROM p, unnest($25::text[]) WITH ORDINALITY AS x(slug, position)
)
SELECT id FROM p, ` + postNotify + ` AS n`

// CreatePost stores p and sets p.ID and p.Version (to 1). It returns an
// error wrapping [blog.ErrSlugTaken] if another post has p.Slug as its
// current slug, a [*blog.ValidationError] if p is nil or p.ID is not zero,
// and ctx's error if ctx is done; nothing is written then.
func (s *Store) CreatePost(ctx context.Context, p *blog.Post) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pgstore: create post: %w", dbErr(err))
	}
	if p == nil {
		return fmt.Errorf("pgstore: create post: %w", &blog.ValidationError{Field: "post", Reason: "nil post"})
	}
	if p.ID != 0 {
		return fmt.Errorf("pgstore: create post %q: %w", p.Slug,
			&blog.ValidationError{Field: "id", Reason: fmt.Sprintf("must be zero on create, got %d", p.ID)})
	}
	tax, names, slugs := termArrays(p)
	a := append(postFieldArgs(p), s.channel, tax, names, slugs, p.PreviousSlugs, p.Text, p.Image)
	var id int64
	err := s.writeRow(ctx, s.sql(createPostSQL), a, &id)
	switch {
	case isUniqueViolation(err, "posts_slug_key"):
		return fmt.Errorf("pgstore: create post %q: %w", p.Slug, blog.ErrSlugTaken)
	case err != nil:
		return fmt.Errorf("pgstore: create post %q: %w", p.Slug, dbErr(err))
	}
	p.ID, p.Version = id, 1
	s.publish(ctx, blog.Change{Kind: blog.ChangePost, PostID: id})
	return nil
}

// updatePostSQL replaces a post only if its stored version is $22: the
// version check and the write are one statement, so of two instances
// updating the same post from the same version exactly one succeeds (the
// other's WHERE no longer matches once the first commits).
const updatePostSQL = `
WITH p AS (
	UPDATE {S}posts SET kind = $1, slug = $2, title = $3, author_name = $4, author_email = $5,
		author_url = $6, format = $7, source = $8, excerpt = $9, html = $10, summary = $11,
		has_more = $12, description = $13, word_count = $14, status = $15, comment_status = $16,
		sticky = $17, created_at = $18, updated_at = $19, published_at = $20,
		version = version + 1, plain_text = $28, image = $29
	WHERE id = $23 AND version = $22
	RETURNING id, version
), old_terms AS (
	DELETE FROM {S}post_terms WHERE post_id IN (SELECT id FROM p)
), new_terms AS (
	INSERT INTO {S}post_terms (post_id, taxonomy, position, name, slug)
	SELECT p.id, x.taxonomy, x.position, x.name, x.slug
	FROM p, unnest($24::text[], $25::text[], $26::text[]) WITH ORDINALITY AS x(taxonomy, name, slug, position)
), old_slugs AS (
	DELETE FROM {S}post_slugs WHERE post_id IN (SELECT id FROM p)
), new_slugs AS (
	INSERT INTO {S}post_slugs (post_id, position, slug)
	SELECT p.id, x.position, x.slug
	FROM p, unnest($27::text[]) WITH ORDINALITY AS x(slug, position)
)
SELECT version FROM p, ` + postNotify + ` AS n`

// UpdatePost replaces the stored post with ID p.ID by p if the stored
// version equals p.Version, then increments p.Version. It returns an error
// wrapping [blog.ErrNotFound] if there is no such post, [blog.ErrConflict]
// if the versions differ (another writer, in this process or another,
// updated it first), [blog.ErrSlugTaken] if another post has p.Slug, and
// ctx's error if ctx is done; nothing is written then.
func (s *Store) UpdatePost(ctx context.Context, p *blog.Post) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pgstore: update post: %w", dbErr(err))
	}
	if p == nil {
		return fmt.Errorf("pgstore: update post: %w", &blog.ValidationError{Field: "post", Reason: "nil post"})
	}
	tax, names, slugs := termArrays(p)
	a := append(postFieldArgs(p), s.channel, p.Version, p.ID, tax, names, slugs, p.PreviousSlugs, p.Text, p.Image)
	var version, stored int64
	err := pgx.BeginFunc(ctx, s.db(ctx), func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, s.sql(updatePostSQL), a...).Scan(&version)
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		// Nothing matched: tell a missing post from a stale version.
		err = tx.QueryRow(ctx, s.sql(`SELECT version FROM {S}posts WHERE id = $1`), p.ID).Scan(&stored)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return blog.ErrNotFound
		case err != nil:
			return err
		}
		return blog.ErrConflict
	})
	switch {
	case err == nil:
		p.Version = version
		s.publish(ctx, blog.Change{Kind: blog.ChangePost, PostID: p.ID})
		return nil
	case isUniqueViolation(err, "posts_slug_key"):
		return fmt.Errorf("pgstore: update post %d: slug %q: %w", p.ID, p.Slug, blog.ErrSlugTaken)
	case errors.Is(err, blog.ErrConflict):
		return fmt.Errorf("pgstore: update post %d: version %d, stored %d: %w", p.ID, p.Version, stored, dbErr(err))
	}
	return fmt.Errorf("pgstore: update post %d: %w", p.ID, dbErr(err))
}

// deletePostSQL removes a post; its terms and previous slugs go with it
// (ON DELETE CASCADE).
const deletePostSQL = `
WITH p AS (DELETE FROM {S}posts WHERE id = $1 RETURNING id)
SELECT id FROM p, pg_notify($2, json_build_object('kind', 'post', 'post_id', id)::text) AS n`

// DeletePost removes the post with that ID, its terms and previous slugs.
// It returns an error wrapping [blog.ErrNotFound] if there is no such
// post, and ctx's error if ctx is done.
func (s *Store) DeletePost(ctx context.Context, id int64) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pgstore: delete post %d: %w", id, dbErr(err))
	}
	var got int64
	err := s.writeRow(ctx, s.sql(deletePostSQL), []any{id, s.channel}, &got)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("pgstore: delete post %d: %w", id, blog.ErrNotFound)
	case err != nil:
		return fmt.Errorf("pgstore: delete post %d: %w", id, dbErr(err))
	}
	s.publish(ctx, blog.Change{Kind: blog.ChangePost, PostID: id})
	return nil
}

// GetPost returns the post with that ID, or an error wrapping
// [blog.ErrNotFound].
func (s *Store) GetPost(ctx context.Context, id int64) (*blog.Post, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: get post %d: %w", id, dbErr(err))
	}
	p, err := scanPost(s.db(ctx).QueryRow(ctx,
		s.sql(`SELECT `+postColumns+` FROM {S}posts p `+postJoins+` WHERE p.id = $1`), id))
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, fmt.Errorf("pgstore: get post %d: %w", id, blog.ErrNotFound)
	case err != nil:
		return nil, fmt.Errorf("pgstore: get post %d: %w", id, dbErr(err))
	}
	return p, nil
}

// getBySlugSQL finds the post whose current slug is $1, else the newest
// post (by listing order) that lists $1 among its previous slugs.
const getBySlugSQL = `
SELECT ` + postColumns + ` FROM {S}posts p ` + postJoins + `
WHERE p.id = (
	SELECT id FROM (
		SELECT id, 0 AS rank, listed_at FROM {S}posts WHERE slug = $1
		UNION ALL
		SELECT q.id, 1, q.listed_at FROM {S}posts q JOIN {S}post_slugs ps ON ps.post_id = q.id
		WHERE ps.slug = $1
	) AS found
	ORDER BY rank, listed_at DESC, id DESC
	LIMIT 1
)`

// GetPostBySlug returns the post whose current slug is slug; failing that,
// the most recently published post (then the one with the highest ID) that
// lists slug among its PreviousSlugs; failing that, an error wrapping
// [blog.ErrNotFound]. Slugs compare exactly.
func (s *Store) GetPostBySlug(ctx context.Context, slug string) (*blog.Post, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: get post %q: %w", slug, dbErr(err))
	}
	if !storable(slug) {
		return nil, fmt.Errorf("pgstore: get post %q: %w", slug, blog.ErrNotFound)
	}
	p, err := scanPost(s.db(ctx).QueryRow(ctx, s.sql(getBySlugSQL), slug))
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, fmt.Errorf("pgstore: get post %q: %w", slug, blog.ErrNotFound)
	case err != nil:
		return nil, fmt.Errorf("pgstore: get post %q: %w", slug, dbErr(err))
	}
	return p, nil
}

// filterPosts adds the conditions of q's filters and, if useAfter, its
// cursor, on the posts row p.
func (s *Store) filterPosts(a *args, q *blog.PostQuery, useAfter bool) {
	if len(q.Kinds) > 0 {
		kinds := make([]string, len(q.Kinds))
		for i, k := range q.Kinds {
			kinds[i] = string(k)
		}
		a.where("p.kind = ANY(" + a.add(kinds) + "::text[])")
	}
	if len(q.Statuses) > 0 {
		statuses := make([]string, len(q.Statuses))
		for i, st := range q.Statuses {
			statuses[i] = string(st)
		}
		a.where("p.status = ANY(" + a.add(statuses) + "::text[])")
	}
	if q.Sticky != nil {
		// Literals, not parameters: a plan may then use the partial index
		// of sticky posts.
		if *q.Sticky {
			a.where("p.sticky")
		} else {
			a.where("NOT p.sticky")
		}
	}
	if !storable(q.Tag) || !storable(q.Category) {
		a.where("false") // no post can carry such a term
	}
	if q.Tag != "" {
		a.where(s.sql(`EXISTS (SELECT 1 FROM {S}post_terms t WHERE t.post_id = p.id
			AND t.taxonomy = 'tag' AND t.slug = ` + a.add(q.Tag) + `)`))
	}
	if q.Category != "" {
		a.where(s.sql(`EXISTS (SELECT 1 FROM {S}post_terms t WHERE t.post_id = p.id
			AND t.taxonomy = 'category' AND t.slug = ` + a.add(q.Category) + `)`))
	}
	// A post never published is outside every bound. listed_at maps its
	// NULL to -infinity: before any non-zero From already, and excluded
	// explicitly for Before.
	if !q.From.IsZero() {
		a.where("p.listed_at >= " + a.add(keyArg(q.From)) + "::timestamptz")
	} else if !q.Before.IsZero() {
		a.where("p.listed_at > '-infinity'::timestamptz")
	}
	if !q.Before.IsZero() {
		a.where("p.listed_at < " + a.add(keyArg(q.Before)) + "::timestamptz")
	}
	if useAfter && q.After != nil {
		op := "<"
		if q.Ascending {
			op = ">"
		}
		a.where("(p.listed_at, p.id) " + op + " (" + a.add(keyArg(q.After.PublishedAt)) + "::timestamptz, " +
			a.add(q.After.ID) + "::bigint)")
	}
}

// ListPosts returns the posts that match q, newest first (by PublishedAt
// descending, then ID descending, never-published posts last; the
// reverse if q.Ascending), at most
// q.EffectiveLimit() of them, continuing after q.After. Every page is an
// index range scan, however deep.
func (s *Store) ListPosts(ctx context.Context, q blog.PostQuery) ([]*blog.Post, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: list posts: %w", dbErr(err))
	}
	var a args
	s.filterPosts(&a, &q, true)
	order := postOrder
	if q.Ascending {
		order = postOrderAscending
	}
	query := s.sql(`SELECT ` + postColumns + ` FROM (
		SELECT ` + postRowColumns + ` FROM {S}posts p ` + a.clause() + ` ORDER BY ` + order + ` LIMIT ` + a.add(q.EffectiveLimit()) + `
	) AS p ` + postJoins + ` ORDER BY ` + order)
	rows, err := s.db(ctx).Query(ctx, query, a.vals...)
	if err != nil {
		return nil, fmt.Errorf("pgstore: list posts: %w", dbErr(err))
	}
	defer rows.Close()
	var out []*blog.Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, fmt.Errorf("pgstore: list posts: %w", dbErr(err))
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: list posts: %w", dbErr(err))
	}
	return out, nil
}
