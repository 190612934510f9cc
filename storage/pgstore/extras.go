package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/folioblog/folio/blog"
)

var (
	_ blog.LikeStore     = (*Store)(nil)
	_ blog.RedirectStore = (*Store)(nil)
)

// isForeignKeyViolation reports whether err is PostgreSQL's
// foreign_key_violation: here, a reference to a post that does not exist.
func isForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23503"
}

// addLikeSQL records a like and, only if it is new, its change event.
const addLikeSQL = `
WITH l AS (
	INSERT INTO {S}post_likes (post_id, visitor) VALUES ($1, $2)
	ON CONFLICT DO NOTHING
	RETURNING post_id
)
SELECT post_id FROM l, pg_notify($3, json_build_object('kind', 'like', 'post_id', post_id)::text) AS n`

// AddLike records that visitor likes post postID and reports whether the
// like is new: false, with nothing changed, when that visitor liked the
// post before. A new like is reported as a [blog.ChangeLike]. It returns
// an error wrapping [blog.ErrNotFound] if there is no such post.
func (s *Store) AddLike(ctx context.Context, postID int64, visitor string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("pgstore: add like to post %d: %w", postID, dbErr(err))
	}
	var got int64
	err := s.writeRow(ctx, s.sql(addLikeSQL), []any{postID, cleanText(visitor), s.channel}, &got)
	switch {
	case err == nil:
		s.publish(ctx, blog.Change{Kind: blog.ChangeLike, PostID: postID})
		return true, nil
	case errors.Is(err, pgx.ErrNoRows):
		return false, nil // the like was there: so is the post
	case isForeignKeyViolation(err):
		return false, fmt.Errorf("pgstore: add like to post %d: %w", postID, blog.ErrNotFound)
	}
	return false, fmt.Errorf("pgstore: add like to post %d: %w", postID, dbErr(err))
}

// removeLikeSQL takes back a like and, only if there was one, reports the
// change.
const removeLikeSQL = `
WITH l AS (
	DELETE FROM {S}post_likes WHERE post_id = $1 AND visitor = $2
	RETURNING post_id
)
SELECT post_id FROM l, pg_notify($3, json_build_object('kind', 'like', 'post_id', post_id)::text) AS n`

// RemoveLike takes back visitor's like of post postID and reports whether
// there was one. A like removed is reported as a [blog.ChangeLike].
func (s *Store) RemoveLike(ctx context.Context, postID int64, visitor string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("pgstore: remove like from post %d: %w", postID, dbErr(err))
	}
	var got int64
	err := s.writeRow(ctx, s.sql(removeLikeSQL), []any{postID, cleanText(visitor), s.channel}, &got)
	switch {
	case err == nil:
		s.publish(ctx, blog.Change{Kind: blog.ChangeLike, PostID: postID})
		return true, nil
	case errors.Is(err, pgx.ErrNoRows):
		return false, nil
	}
	return false, fmt.Errorf("pgstore: remove like from post %d: %w", postID, dbErr(err))
}

// HasLike reports whether visitor likes post postID.
func (s *Store) HasLike(ctx context.Context, postID int64, visitor string) (bool, error) {
	var has bool
	err := s.db(ctx).QueryRow(ctx, s.sql(`SELECT EXISTS (SELECT 1 FROM {S}post_likes WHERE post_id = $1 AND visitor = $2)`),
		postID, cleanText(visitor)).Scan(&has)
	if err != nil {
		return false, fmt.Errorf("pgstore: has like on post %d: %w", postID, dbErr(err))
	}
	return has, nil
}

// CountLikes returns the number of likes of each post, in one query;
// every post asked for is in the map, with 0 if it has none.
func (s *Store) CountLikes(ctx context.Context, postIDs []int64) (map[int64]int, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: count likes: %w", dbErr(err))
	}
	out := make(map[int64]int, len(postIDs))
	for _, id := range postIDs {
		out[id] = 0
	}
	if len(postIDs) == 0 {
		return out, nil
	}
	rows, err := s.db(ctx).Query(ctx, s.sql(`SELECT post_id, count(*) FROM {S}post_likes
		WHERE post_id = ANY($1::bigint[]) GROUP BY post_id`), postIDs)
	if err != nil {
		return nil, fmt.Errorf("pgstore: count likes: %w", dbErr(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id, n int64
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("pgstore: count likes: %w", dbErr(err))
		}
		out[id] = int(n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: count likes: %w", dbErr(err))
	}
	return out, nil
}

// PutRedirect records that path leads to post postID, replacing what path
// led to before. The record goes when the post is deleted. It returns an
// error wrapping [blog.ErrNotFound] if there is no such post, and an error
// if path is not valid UTF-8 or holds a NUL byte.
func (s *Store) PutRedirect(ctx context.Context, path string, postID int64) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pgstore: redirect %q to post %d: %w", path, postID, dbErr(err))
	}
	if !storable(path) {
		return fmt.Errorf("pgstore: redirect %q to post %d: path is not valid UTF-8 text", path, postID)
	}
	var got int64
	err := s.writeRow(ctx, s.sql(`INSERT INTO {S}redirects (path, post_id) VALUES ($1, $2)
		ON CONFLICT (path) DO UPDATE SET post_id = EXCLUDED.post_id RETURNING post_id`),
		[]any{path, postID}, &got)
	switch {
	case isForeignKeyViolation(err):
		return fmt.Errorf("pgstore: redirect %q to post %d: %w", path, postID, blog.ErrNotFound)
	case err != nil:
		return fmt.Errorf("pgstore: redirect %q to post %d: %w", path, postID, dbErr(err))
	}
	return nil
}

// LookupRedirect returns the ID of the post path leads to, or an error
// wrapping [blog.ErrNotFound]. Paths compare exactly.
func (s *Store) LookupRedirect(ctx context.Context, path string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("pgstore: redirect %q: %w", path, dbErr(err))
	}
	if !storable(path) {
		return 0, fmt.Errorf("pgstore: redirect %q: %w", path, blog.ErrNotFound)
	}
	var id int64
	err := s.db(ctx).QueryRow(ctx, s.sql(`SELECT post_id FROM {S}redirects WHERE path = $1`), path).Scan(&id)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return 0, fmt.Errorf("pgstore: redirect %q: %w", path, blog.ErrNotFound)
	case err != nil:
		return 0, fmt.Errorf("pgstore: redirect %q: %w", path, dbErr(err))
	}
	return id, nil
}
