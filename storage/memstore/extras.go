package memstore

import (
	"context"
	"fmt"
	"sync"

	"github.com/folioblog/folio/blog"
)

// extraTable holds likes and old paths.
type extraTable struct {
	mu        sync.RWMutex
	likes     map[int64]map[string]struct{} // post ID → visitor keys
	redirects map[string]int64              // old path → post ID
}

func (t *extraTable) init() {
	t.likes = make(map[int64]map[string]struct{})
	t.redirects = make(map[string]int64)
}

// forgetPost drops the likes of and paths to a deleted post. It runs after
// the post has left the post table, so no write through [postTable.holding]
// can add to them again.
func (t *extraTable) forgetPost(id int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.likes, id)
	for path, to := range t.redirects {
		if to == id {
			delete(t.redirects, path)
		}
	}
}

// AddLike records that visitor likes post postID; see [blog.LikeStore].
func (s *Store) AddLike(ctx context.Context, postID int64, visitor string) (bool, error) {
	defer s.enter(ctx)()
	if err := ctx.Err(); err != nil {
		return false, err
	}
	var seen bool
	err := s.posts.holding(postID, func() {
		t := &s.extras
		t.mu.Lock()
		defer t.mu.Unlock()
		visitors := t.likes[postID]
		if visitors == nil {
			visitors = make(map[string]struct{})
			t.likes[postID] = visitors
		}
		_, seen = visitors[visitor]
		if !seen {
			visitors[visitor] = struct{}{}
		}
	})
	if err != nil {
		return false, fmt.Errorf("memstore: add like to post %d: %w", postID, err)
	}
	if !seen {
		s.publish(ctx, blog.Change{Kind: blog.ChangeLike, PostID: postID})
	}
	return !seen, nil
}

// RemoveLike takes back visitor's like of post postID; see
// [blog.UnlikeStore].
func (s *Store) RemoveLike(ctx context.Context, postID int64, visitor string) (bool, error) {
	defer s.enter(ctx)()
	if err := ctx.Err(); err != nil {
		return false, err
	}
	t := &s.extras
	t.mu.Lock()
	_, had := t.likes[postID][visitor]
	delete(t.likes[postID], visitor)
	t.mu.Unlock()
	if had {
		s.publish(ctx, blog.Change{Kind: blog.ChangeLike, PostID: postID})
	}
	return had, nil
}

// HasLike reports whether visitor likes post postID; see
// [blog.UnlikeStore].
func (s *Store) HasLike(ctx context.Context, postID int64, visitor string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	t := &s.extras
	t.mu.RLock()
	defer t.mu.RUnlock()
	_, ok := t.likes[postID][visitor]
	return ok, nil
}

// CountLikes returns the number of likes of each post; see
// [blog.LikeStore].
func (s *Store) CountLikes(ctx context.Context, postIDs []int64) (map[int64]int, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t := &s.extras
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make(map[int64]int, len(postIDs))
	for _, id := range postIDs {
		out[id] = len(t.likes[id])
	}
	return out, nil
}

// PutRedirect records that an old path leads to post postID; see
// [blog.RedirectStore].
func (s *Store) PutRedirect(ctx context.Context, path string, postID int64) error {
	defer s.enter(ctx)()
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.posts.holding(postID, func() {
		t := &s.extras
		t.mu.Lock()
		t.redirects[path] = postID
		t.mu.Unlock()
	})
	if err != nil {
		return fmt.Errorf("memstore: redirect %q to post %d: %w", path, postID, err)
	}
	return nil
}

// LookupRedirect returns the post an old path leads to, or
// [blog.ErrNotFound]; see [blog.RedirectStore].
func (s *Store) LookupRedirect(ctx context.Context, path string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	t := &s.extras
	t.mu.RLock()
	id, ok := t.redirects[path]
	t.mu.RUnlock()
	if !ok {
		return 0, fmt.Errorf("memstore: redirect %q: %w", path, blog.ErrNotFound)
	}
	return id, nil
}

// holding runs fn while the post with that ID is stored, holding the
// post table's read lock so that the post cannot be deleted until fn
// returns; it returns [blog.ErrNotFound] without calling fn if there is no
// such post. A DeletePost that waited then forgets what fn wrote, so
// nothing fn writes outlives the post. Locks are taken in this order
// only: the post table's, then the extra table's.
func (t *postTable) holding(id int64, fn func()) error {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if _, ok := t.byID[id]; !ok {
		return blog.ErrNotFound
	}
	fn()
	return nil
}

// Ready reports whether the store can serve: always, unless ctx is done.
// It matches the readiness check of the database-backed stores.
func (s *Store) Ready(ctx context.Context) error { return ctx.Err() }
