package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"

	"github.com/folioblog/folio/blog"
)

// postColumns are the columns scanPost reads, in its order, qualified by
// the alias p.
const postColumns = `p.id, p.kind, p.slug, p.title, p.author_name, p.author_email, p.author_url,
	p.format, p.source, p.excerpt, p.html, p.summary, p.has_more, p.description, p.word_count, p.plain_text, p.image,
	p.tags, p.categories, p.previous_slugs, p.status, p.comment_status, p.sticky,
	p.created_at, p.updated_at, p.published_at, p.version`

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// scanPost reads a row of postColumns, followed by the destinations in
// extra.
func scanPost(sc scanner, extra ...any) (*blog.Post, error) {
	var (
		p                           blog.Post
		kind, format, status, cs    string
		html, summary               string
		tags, cats, prev            string
		created, updated, published int64
	)
	dest := []any{&p.ID, &kind, &p.Slug, &p.Title, &p.Author.Name, &p.Author.Email, &p.Author.URL,
		&format, &p.Source, &p.Excerpt, &html, &summary, &p.HasMore, &p.Description, &p.WordCount, &p.Text, &p.Image,
		&tags, &cats, &prev, &status, &cs, &p.Sticky,
		&created, &updated, &published, &p.Version}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	p.Kind, p.Format, p.Status, p.CommentStatus = blog.Kind(kind), blog.Format(format), blog.Status(status), blog.CommentStatus(cs)
	p.HTML, p.Summary = template.HTML(html), template.HTML(summary)
	p.CreatedAt, p.UpdatedAt, p.PublishedAt = fromMicros(created), fromMicros(updated), fromMicros(published)
	var err error
	if p.Tags, err = decodeTerms(tags); err != nil {
		return nil, fmt.Errorf("post %d: tags: %w", p.ID, err)
	}
	if p.Categories, err = decodeTerms(cats); err != nil {
		return nil, fmt.Errorf("post %d: categories: %w", p.ID, err)
	}
	if prev != "" {
		if err := json.Unmarshal([]byte(prev), &p.PreviousSlugs); err != nil {
			return nil, fmt.Errorf("post %d: previous slugs: %w", p.ID, err)
		}
	}
	return &p, nil
}

// A term is kept in the posts row as a two-element JSON array, slug first.
func encodeTerms(ts []blog.Term) string {
	if len(ts) == 0 {
		return ""
	}
	pairs := make([][2]string, len(ts))
	for i, t := range ts {
		pairs[i] = [2]string{t.Slug, t.Name}
	}
	b, _ := json.Marshal(pairs) // strings always marshal
	return string(b)
}

func decodeTerms(s string) ([]blog.Term, error) {
	if s == "" {
		return nil, nil
	}
	var pairs [][2]string
	if err := json.Unmarshal([]byte(s), &pairs); err != nil {
		return nil, err
	}
	out := make([]blog.Term, len(pairs))
	for i, p := range pairs {
		out[i] = blog.Term{Slug: p[0], Name: p[1]}
	}
	return out, nil
}

func encodeSlugs(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	b, _ := json.Marshal(ss)
	return string(b)
}

// postArgs returns the values of p for the columns from kind to version
// in postColumns' order, with version v.
func postArgs(p *blog.Post, v int64) []any {
	return []any{string(p.Kind), p.Slug, p.Title, p.Author.Name, p.Author.Email, p.Author.URL,
		string(p.Format), p.Source, p.Excerpt, string(p.HTML), string(p.Summary), p.HasMore, p.Description, p.WordCount, p.Text, p.Image,
		encodeTerms(p.Tags), encodeTerms(p.Categories), encodeSlugs(p.PreviousSlugs), string(p.Status), string(p.CommentStatus), p.Sticky,
		toMicros(p.CreatedAt), toMicros(p.UpdatedAt), toMicros(p.PublishedAt), v}
}

const insertPostSQL = `INSERT INTO posts (kind, slug, title, author_name, author_email, author_url,
	format, source, excerpt, html, summary, has_more, description, word_count, plain_text, image,
	tags, categories, previous_slugs, status, comment_status, sticky,
	created_at, updated_at, published_at, version)
	VALUES (?,?,?,?,?,?, ?,?,?,?,?,?,?,?,?,?, ?,?,?,?,?,?, ?,?,?,?)`

const updatePostSQL = `UPDATE posts SET kind=?, slug=?, title=?, author_name=?, author_email=?, author_url=?,
	format=?, source=?, excerpt=?, html=?, summary=?, has_more=?, description=?, word_count=?, plain_text=?, image=?,
	tags=?, categories=?, previous_slugs=?, status=?, comment_status=?, sticky=?,
	created_at=?, updated_at=?, published_at=?, version=?
	WHERE id=? AND version=?`

// The fixed statements of post writes.
const (
	postVersionSQL = `SELECT version FROM posts WHERE id=?`
	deletePostSQL  = `DELETE FROM posts WHERE id=?`
	deleteTermsSQL = `DELETE FROM post_terms WHERE post_id=?`
	deleteSlugsSQL = `DELETE FROM post_slugs WHERE post_id=?`
	insertTermSQL  = `INSERT OR IGNORE INTO post_terms (post_id, taxonomy, position, slug, name, published_at) VALUES (?,?,?,?,?,?)`
	insertSlugSQL  = `INSERT INTO post_slugs (post_id, position, slug) VALUES (?,?,?)`
)

// writeIndexes replaces the post_terms and post_slugs rows of p, whose ID
// is set, inside tx.
func writeIndexes(ctx context.Context, tx querier, p *blog.Post, replace bool) error {
	if replace {
		if _, err := tx.ExecContext(ctx, deleteTermsSQL, p.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, deleteSlugsSQL, p.ID); err != nil {
			return err
		}
	}
	pub := toMicros(p.PublishedAt)
	for _, tax := range []struct {
		name  string
		terms []blog.Term
	}{{taxTag, p.Tags}, {taxCategory, p.Categories}} {
		for i, t := range tax.terms {
			if _, err := tx.ExecContext(ctx, insertTermSQL, p.ID, tax.name, i, t.Slug, t.Name, pub); err != nil {
				return err
			}
		}
	}
	for i, s := range p.PreviousSlugs {
		if _, err := tx.ExecContext(ctx, insertSlugSQL, p.ID, i, s); err != nil {
			return err
		}
	}
	return nil
}

// The taxonomies of post_terms.
const (
	taxTag      = "tag"
	taxCategory = "category"
)

// CreatePost stores p and sets p.ID and p.Version (to 1). The post row,
// its terms and its previous slugs are written in one transaction. It
// returns an error wrapping [blog.ErrSlugTaken] if another post has
// p.Slug, a [*blog.ValidationError] if p is nil or p.ID is not zero, and
// ctx's error if ctx is done; in every case nothing is written.
func (s *Store) CreatePost(ctx context.Context, p *blog.Post) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlitestore: create post: %w", err)
	}
	if p == nil {
		return fmt.Errorf("sqlitestore: create post: %w", &blog.ValidationError{Field: "post", Reason: "nil post"})
	}
	if p.ID != 0 {
		return fmt.Errorf("sqlitestore: create post %q: %w", p.Slug,
			&blog.ValidationError{Field: "id", Reason: fmt.Sprintf("must be zero on create, got %d", p.ID)})
	}
	var id int64
	err := s.inWrite(ctx, func(tx querier) error {
		res, err := tx.ExecContext(ctx, insertPostSQL, postArgs(p, 1)...)
		if err != nil {
			if isUniqueViolation(err) {
				return blog.ErrSlugTaken
			}
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		c := *p
		c.ID = id
		return writeIndexes(ctx, tx, &c, false)
	})
	if err != nil {
		return fmt.Errorf("sqlitestore: create post %q: %w", p.Slug, err)
	}
	p.ID, p.Version = id, 1
	s.publish(ctx, blog.Change{Kind: blog.ChangePost, PostID: id})
	return nil
}

// UpdatePost replaces the stored post with ID p.ID by p if the stored
// Version equals p.Version, then increments p.Version. The check and the
// write are one statement (UPDATE … WHERE id=? AND version=?) in one
// transaction with the terms and slugs. It returns an error wrapping
// [blog.ErrNotFound] if there is no such post, [blog.ErrConflict] if the
// versions differ and [blog.ErrSlugTaken] if another post has p.Slug;
// nothing is written then.
func (s *Store) UpdatePost(ctx context.Context, p *blog.Post) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlitestore: update post: %w", err)
	}
	if p == nil {
		return fmt.Errorf("sqlitestore: update post: %w", &blog.ValidationError{Field: "post", Reason: "nil post"})
	}
	err := s.inWrite(ctx, func(tx querier) error {
		args := append(postArgs(p, p.Version+1), p.ID, p.Version)
		res, err := tx.ExecContext(ctx, updatePostSQL, args...)
		if err != nil {
			if isUniqueViolation(err) {
				return fmt.Errorf("slug %q: %w", p.Slug, blog.ErrSlugTaken)
			}
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			var stored int64
			switch err := tx.QueryRowContext(ctx, postVersionSQL, p.ID).Scan(&stored); {
			case errors.Is(err, sql.ErrNoRows):
				return blog.ErrNotFound
			case err != nil:
				return err
			}
			return fmt.Errorf("version %d, stored %d: %w", p.Version, stored, blog.ErrConflict)
		}
		return writeIndexes(ctx, tx, p, true)
	})
	if err != nil {
		return fmt.Errorf("sqlitestore: update post %d: %w", p.ID, err)
	}
	p.Version++
	s.publish(ctx, blog.Change{Kind: blog.ChangePost, PostID: p.ID})
	return nil
}

// DeletePost removes the post with that ID with its terms, previous slugs,
// likes and the old paths leading to it, in one transaction, or returns an error wrapping [blog.ErrNotFound].
func (s *Store) DeletePost(ctx context.Context, id int64) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlitestore: delete post %d: %w", id, err)
	}
	err := s.inWrite(ctx, func(tx querier) error {
		if _, err := tx.ExecContext(ctx, deleteTermsSQL, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, deleteSlugsSQL, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, deleteLikesSQL, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, deleteRedirectsSQL, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, deletePostSQL, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return blog.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlitestore: delete post %d: %w", id, err)
	}
	s.publish(ctx, blog.Change{Kind: blog.ChangePost, PostID: id})
	return nil
}

// GetPost returns the post with that ID, or an error wrapping
// [blog.ErrNotFound].
func (s *Store) GetPost(ctx context.Context, id int64) (*blog.Post, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlitestore: get post %d: %w", id, err)
	}
	p, err := scanPost(s.reader(ctx).QueryRowContext(ctx, `SELECT `+postColumns+` FROM posts p WHERE p.id=?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = blog.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: get post %d: %w", id, err)
	}
	return p, nil
}

// getBySlugSQL finds the post whose current slug is ?1 or, failing that,
// the most recently published post (then the highest ID) listing ?1 among
// its previous slugs. Both branches are index look-ups.
const getBySlugSQL = `SELECT ` + postColumns + ` FROM posts p WHERE p.slug = ?1
UNION ALL
SELECT * FROM (
	SELECT ` + postColumns + ` FROM post_slugs s JOIN posts p ON p.id = s.post_id
	WHERE s.slug = ?1 AND NOT EXISTS (SELECT 1 FROM posts c WHERE c.slug = ?1)
	ORDER BY p.published_at DESC, p.id DESC LIMIT 1
)`

// GetPostBySlug returns the post whose current slug is slug; failing that,
// the most recently published post, then the one with the highest ID,
// listing slug among its PreviousSlugs; failing that, an error wrapping
// [blog.ErrNotFound]. Slugs compare exactly (byte for byte).
func (s *Store) GetPostBySlug(ctx context.Context, slug string) (*blog.Post, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlitestore: get post %q: %w", slug, err)
	}
	p, err := scanPost(s.reader(ctx).QueryRowContext(ctx, getBySlugSQL, slug))
	if errors.Is(err, sql.ErrNoRows) {
		err = blog.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: get post %q: %w", slug, err)
	}
	return p, nil
}
