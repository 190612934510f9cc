package blog

import (
	"context"
)

// ListOffset returns the page token that continues the listing o selects
// after its first skip posts, as a page-numbered listing (WordPress's
// /page/N/) needs, and false when no post follows them. It reads the
// skipped posts a page of [MaxLimit] at a time: cost grows with skip.
func (b *Blog) ListOffset(ctx context.Context, o ListOptions, skip int64) (after string, ok bool, err error) {
	after = o.After
	for skip > 0 {
		n := int(min(skip, MaxLimit))
		o.After, o.Limit = after, n
		page, err := b.List(ctx, o)
		if err != nil {
			return "", false, err
		}
		if len(page.Posts) < n || page.Next == "" {
			return "", false, nil
		}
		skip -= int64(n)
		after = page.Next
	}
	return after, true, nil
}

// Nicename is the path segment of an author's archive, as WordPress's
// author "nicename": the slug of the author's name.
func Nicename(name string) string { return Slugify(name) }

// AuthorScanLimit bounds the posts [Blog.ListByAuthor] reads while looking
// for one author's posts: an author whose posts are further apart than
// that is shown fewer.
const AuthorScanLimit = 10 * MaxLimit

// ListByAuthor returns up to limit visible posts, newest first, after the
// page token after, whose author's name is name or slugifies to nicename
// (the path segment of an author archive, as WordPress's author
// "nicename"), and the token of the next page ("" on the last). Stores
// keep no index by author, so it reads at most [AuthorScanLimit] posts.
func (b *Blog) ListByAuthor(ctx context.Context, nicename, name, after string, limit int) ([]*Post, string, error) {
	var out []*Post
	for scanned := 0; scanned < AuthorScanLimit; {
		page, err := b.List(ctx, ListOptions{After: after, Limit: MaxLimit})
		if err != nil {
			return nil, "", err
		}
		for _, p := range page.Posts {
			if (name != "" && p.Author.Name == name) || Nicename(p.Author.Name) == nicename {
				if len(out) == limit {
					return out, CursorOf(out[limit-1]).String(), nil
				}
				out = append(out, p)
			}
		}
		scanned += len(page.Posts)
		if page.Next == "" {
			break
		}
		after = page.Next
	}
	return out, "", nil
}
