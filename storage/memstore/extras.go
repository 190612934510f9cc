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

// forgetPost drops the likes of and paths to a deleted post.
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
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if _, err := s.posts.get(ctx, postID); err != nil {
		return false, fmt.Errorf("memstore: add like to post %d: %w", postID, err)
	}
	t := &s.extras
	t.mu.Lock()
	visitors := t.likes[postID]
	if visitors == nil {
		visitors = make(map[string]struct{})
		t.likes[postID] = visitors
	}
	_, seen := visitors[visitor]
	if !seen {
		visitors[visitor] = struct{}{}
	}
	t.mu.Unlock()
	if !seen {
		s.feed.Publish(blog.Change{Kind: blog.ChangeLike, PostID: postID})
	}
	return !seen, nil
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
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := s.posts.get(ctx, postID); err != nil {
		return fmt.Errorf("memstore: redirect %q to post %d: %w", path, postID, err)
	}
	t := &s.extras
	t.mu.Lock()
	t.redirects[path] = postID
	t.mu.Unlock()
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
