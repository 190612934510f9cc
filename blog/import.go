package blog

import (
	"context"
	"fmt"
	"time"
)

// ImportPost stores a post brought over from another engine, such as a
// WordPress export. It validates and renders p exactly as [Blog.CreatePost]
// does, and returns what was stored (p itself is not changed), but it keeps
// the post's own history:
//
//   - CreatedAt and UpdatedAt are kept when set (in UTC, at microsecond
//     precision); a zero CreatedAt is now, a zero UpdatedAt is CreatedAt.
//   - Status and PublishedAt are kept as given, except that a published
//     post dated in the future is scheduled and one without a date is
//     dated now, as CreatePost does.
//   - A Slug that another post already has is made unique with "-2",
//     "-3", … like a slug made from the title, since the post's old links
//     are expected to be kept by redirects; an empty Slug is made from
//     the title.
//
// Bad input is a [*ValidationError] naming the field, and nothing is
// stored; a store failure is returned wrapped.
func (b *Blog) ImportPost(ctx context.Context, p *Post) (*Post, error) {
	if p == nil {
		return nil, &ValidationError{Field: "post", Reason: "nil"}
	}
	q := p.Clone()
	q.ID, q.Version = 0, 0
	now := b.Now()
	if q.CreatedAt.IsZero() {
		q.CreatedAt = now
	} else {
		q.CreatedAt = q.CreatedAt.UTC().Truncate(time.Microsecond)
	}
	if q.UpdatedAt.IsZero() {
		q.UpdatedAt = q.CreatedAt
	} else {
		q.UpdatedAt = q.UpdatedAt.UTC().Truncate(time.Microsecond)
	}
	if err := b.prepare(q, now); err != nil {
		return nil, err
	}
	if err := b.insert(ctx, q, false); err != nil {
		return nil, fmt.Errorf("blog: import post: %w", err)
	}
	b.noteWrite()
	return q, nil
}
