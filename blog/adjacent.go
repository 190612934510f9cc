package blog

import (
	"context"
	"fmt"
)

// Adjacent returns the visible posts just older (prev) and just newer
// (next) than p in the listing order (PublishedAt, then ID), for a post
// page's links; either is nil at an end of the listing, both for a post
// never published. Each is one store query of one post: the listing
// continued after p's cursor, newest first for prev and oldest first
// ([PostQuery.Ascending]) for next.
func (b *Blog) Adjacent(ctx context.Context, p *Post) (prev, next *Post, err error) {
	if p == nil || p.PublishedAt.IsZero() {
		return nil, nil, nil
	}
	q := b.visibleNow()
	q.After, q.Limit = CursorOf(p), 1
	older, err := b.store.ListPosts(ctx, q)
	if err != nil {
		return nil, nil, fmt.Errorf("blog: adjacent posts of %d: %w", p.ID, err)
	}
	q.Ascending, q.From = true, p.PublishedAt
	newer, err := b.store.ListPosts(ctx, q)
	if err != nil {
		return nil, nil, fmt.Errorf("blog: adjacent posts of %d: %w", p.ID, err)
	}
	if len(older) > 0 {
		prev = older[0]
	}
	if len(newer) > 0 {
		next = newer[0]
	}
	return prev, next, nil
}
