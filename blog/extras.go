package blog

import (
	"context"
	"fmt"
)

// Likes and old paths: what a Blog answers through its store's optional
// capabilities, so that adapters never reach the store themselves.

// LikesEnabled reports whether the Blog keeps likes: whether its store is a
// [LikeStore].
func (b *Blog) LikesEnabled() bool { return b.likes != nil }

// Like records that visitor likes the visible post postID; visitor is the
// opaque key described at [LikeStore]. It reports false, changing nothing,
// when that visitor liked the post before. ErrNotFound if visitors cannot
// see the post; ErrUnsupported if the store keeps no likes.
func (b *Blog) Like(ctx context.Context, postID int64, visitor string) (added bool, err error) {
	if b.likes == nil {
		return false, fmt.Errorf("blog: like post %d: %w", postID, ErrUnsupported)
	}
	if _, err := b.PublicPost(ctx, postID); err != nil {
		return false, err
	}
	added, err = b.likes.AddLike(ctx, postID, visitor)
	if err != nil {
		return false, fmt.Errorf("blog: like post %d: %w", postID, err)
	}
	return added, nil
}

// LikesUndoable reports whether likes can be taken back: whether the
// store is an [UnlikeStore].
func (b *Blog) LikesUndoable() bool {
	_, ok := b.likes.(UnlikeStore)
	return ok
}

// Liked reports whether visitor likes the post postID. ErrUnsupported if
// the store cannot take likes back (is no [UnlikeStore]), since a visitor
// who cannot undo a like need not be told they gave it.
func (b *Blog) Liked(ctx context.Context, postID int64, visitor string) (bool, error) {
	u, ok := b.likes.(UnlikeStore)
	if !ok {
		return false, fmt.Errorf("blog: liked post %d: %w", postID, ErrUnsupported)
	}
	liked, err := u.HasLike(ctx, postID, visitor)
	if err != nil {
		return false, fmt.Errorf("blog: liked post %d: %w", postID, err)
	}
	return liked, nil
}

// Unlike takes back visitor's like of the visible post postID, reporting
// whether there was one. ErrNotFound if visitors cannot see the post;
// ErrUnsupported if the store is no [UnlikeStore].
func (b *Blog) Unlike(ctx context.Context, postID int64, visitor string) (removed bool, err error) {
	u, ok := b.likes.(UnlikeStore)
	if !ok {
		return false, fmt.Errorf("blog: unlike post %d: %w", postID, ErrUnsupported)
	}
	if _, err := b.PublicPost(ctx, postID); err != nil {
		return false, err
	}
	removed, err = u.RemoveLike(ctx, postID, visitor)
	if err != nil {
		return false, fmt.Errorf("blog: unlike post %d: %w", postID, err)
	}
	return removed, nil
}

// LikeCounts returns the number of likes of each of the posts ids, in one
// store call however many; a post without likes maps to 0. ErrUnsupported
// if the store keeps no likes.
func (b *Blog) LikeCounts(ctx context.Context, ids ...int64) (map[int64]int, error) {
	if b.likes == nil {
		return nil, fmt.Errorf("blog: count likes: %w", ErrUnsupported)
	}
	n, err := b.likes.CountLikes(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("blog: count likes: %w", err)
	}
	return n, nil
}

// RedirectsEnabled reports whether the Blog keeps old paths: whether its
// store is a [RedirectStore].
func (b *Blog) RedirectsEnabled() bool { return b.redirects != nil }

// AddOldPath records that the old path (as [RedirectStore.PutRedirect]
// takes it: decoded, relative to the blog's mount, with its query if it
// needs one) leads to post postID, replacing what it led to before. An
// importer calls it for the URLs posts had on another engine.
// ErrUnsupported if the store keeps no old paths.
func (b *Blog) AddOldPath(ctx context.Context, path string, postID int64) error {
	if b.redirects == nil {
		return fmt.Errorf("blog: record old path %q: %w", path, ErrUnsupported)
	}
	if err := b.redirects.PutRedirect(ctx, path, postID); err != nil {
		return fmt.Errorf("blog: record old path %q: %w", path, err)
	}
	return nil
}

// OldPathPostID returns the ID of the post an old path was recorded for,
// whether or not visitors may see it; ErrNotFound if none was recorded,
// ErrUnsupported if the store keeps no old paths.
func (b *Blog) OldPathPostID(ctx context.Context, path string) (int64, error) {
	if b.redirects == nil {
		return 0, fmt.Errorf("blog: old path %q: %w", path, ErrUnsupported)
	}
	id, err := b.redirects.LookupRedirect(ctx, path)
	if err != nil {
		return 0, fmt.Errorf("blog: old path %q: %w", path, err)
	}
	return id, nil
}

// ResolveOldPath returns the visible post an old path was recorded for.
// ErrNotFound if none was recorded or visitors cannot see that post;
// ErrUnsupported if the store keeps no old paths.
func (b *Blog) ResolveOldPath(ctx context.Context, path string) (*Post, error) {
	id, err := b.OldPathPostID(ctx, path)
	if err != nil {
		return nil, err
	}
	return b.PublicPost(ctx, id)
}
