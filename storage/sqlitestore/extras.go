package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/folioblog/folio/blog"
)

var (
	_ blog.LikeStore     = (*Store)(nil)
	_ blog.RedirectStore = (*Store)(nil)
)

// The fixed statements of likes and redirects.
const (
	postExistsSQL      = `SELECT 1 FROM posts WHERE id = ?`
	insertLikeSQL      = `INSERT OR IGNORE INTO post_likes (post_id, visitor) VALUES (?, ?)`
	removeLikeSQL      = `DELETE FROM post_likes WHERE post_id = ? AND visitor = ?`
	hasLikeSQL         = `SELECT 1 FROM post_likes WHERE post_id = ? AND visitor = ?`
	deleteLikesSQL     = `DELETE FROM post_likes WHERE post_id = ?`
	putRedirectSQL     = `INSERT INTO redirects (path, post_id) VALUES (?, ?) ON CONFLICT (path) DO UPDATE SET post_id = excluded.post_id`
	deleteRedirectsSQL = `DELETE FROM redirects WHERE post_id = ?`
	lookupRedirectSQL  = `SELECT post_id FROM redirects WHERE path = ?`
)

// postExists returns blog.ErrNotFound unless the post with that ID exists.
func postExists(ctx context.Context, tx querier, id int64) error {
	var one int
	err := tx.QueryRowContext(ctx, postExistsSQL, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return blog.ErrNotFound
	}
	return err
}

// AddLike records that visitor likes the post with ID postID, reporting
// whether this is the visitor's first like of it; a repeated like changes
// nothing. The check and the insert are one statement (INSERT OR IGNORE on
// the primary key), so concurrent likes by one visitor add one. It returns
// an error wrapping [blog.ErrNotFound] if there is no such post. A like
// added is reported on the change feed as [blog.ChangeLike].
func (s *Store) AddLike(ctx context.Context, postID int64, visitor string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("sqlitestore: add like to post %d: %w", postID, err)
	}
	var added bool
	err := s.inWrite(ctx, func(tx querier) error {
		if err := postExists(ctx, tx, postID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, insertLikeSQL, postID, visitor)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		added = n > 0
		return err
	})
	if err != nil {
		return false, fmt.Errorf("sqlitestore: add like to post %d: %w", postID, err)
	}
	if added {
		s.publish(ctx, blog.Change{Kind: blog.ChangeLike, PostID: postID})
	}
	return added, nil
}

// RemoveLike takes back visitor's like of post postID, reporting whether
// there was one, by its primary key. A like removed is reported on the
// change feed as [blog.ChangeLike].
func (s *Store) RemoveLike(ctx context.Context, postID int64, visitor string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("sqlitestore: remove like from post %d: %w", postID, err)
	}
	var removed bool
	err := s.inWrite(ctx, func(tx querier) error {
		res, err := tx.ExecContext(ctx, removeLikeSQL, postID, visitor)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		removed = n > 0
		return err
	})
	if err != nil {
		return false, fmt.Errorf("sqlitestore: remove like from post %d: %w", postID, err)
	}
	if removed {
		s.publish(ctx, blog.Change{Kind: blog.ChangeLike, PostID: postID})
	}
	return removed, nil
}

// HasLike reports whether visitor likes post postID, reading one row of
// the primary key.
func (s *Store) HasLike(ctx context.Context, postID int64, visitor string) (bool, error) {
	var has bool
	err := s.inRead(ctx, func(tx querier) error {
		var one int
		err := tx.QueryRowContext(ctx, hasLikeSQL, postID, visitor).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		has = err == nil
		return err
	})
	if err != nil {
		return false, fmt.Errorf("sqlitestore: has like on post %d: %w", postID, err)
	}
	return has, nil
}

// CountLikes returns the number of likes of each of the posts, 0 for a
// post without likes, reading the primary key of post_likes in one
// statement per 500 posts within one read transaction.
func (s *Store) CountLikes(ctx context.Context, postIDs []int64) (map[int64]int, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlitestore: count likes: %w", err)
	}
	counts := make(map[int64]int, len(postIDs))
	for _, id := range postIDs {
		counts[id] = 0
	}
	if len(postIDs) == 0 {
		return counts, nil
	}
	err := s.inRead(ctx, func(tx querier) error {
		for start := 0; start < len(postIDs); start += countChunk {
			chunk := postIDs[start:min(start+countChunk, len(postIDs))]
			args := make([]any, len(chunk))
			for i, id := range chunk {
				args[i] = id
			}
			if err := countInto(ctx, tx, `SELECT post_id, count(*) FROM post_likes WHERE post_id IN (`+
				placeholders(len(chunk))+`) GROUP BY post_id`, args, func(id int64, n int) { counts[id] = n }); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: count likes: %w", err)
	}
	return counts, nil
}

// countInto runs a query returning (key, count) rows and hands each to set.
func countInto[K any](ctx context.Context, tx querier, query string, args []any, set func(K, int)) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			k K
			n int
		)
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		set(k, n)
	}
	return rows.Err()
}

// PutRedirect records that path leads to the post with ID postID,
// replacing what path led to before. Paths compare exactly. It returns an
// error wrapping [blog.ErrNotFound] if there is no such post. Deleting the
// post deletes the paths leading to it.
func (s *Store) PutRedirect(ctx context.Context, path string, postID int64) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlitestore: redirect %q to post %d: %w", path, postID, err)
	}
	err := s.inWrite(ctx, func(tx querier) error {
		if err := postExists(ctx, tx, postID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, putRedirectSQL, path, postID)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlitestore: redirect %q to post %d: %w", path, postID, err)
	}
	return nil
}

// LookupRedirect returns the ID of the post path leads to, or an error
// wrapping [blog.ErrNotFound].
func (s *Store) LookupRedirect(ctx context.Context, path string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("sqlitestore: redirect %q: %w", path, err)
	}
	var id int64
	err := s.reader(ctx).QueryRowContext(ctx, lookupRedirectSQL, path).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = blog.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("sqlitestore: redirect %q: %w", path, err)
	}
	return id, nil
}
