// Package blogcomments is where a [blog.Blog] meets the comments domain
// for hosts that serve their pages themselves: it offers the blog's
// [comments.ThreadPolicy], the one argument [comments.NewService] needs
// from the blog.
//
// It is its own small package because neither domain package may import
// the other (comments hang on a thread key, a string, and know nothing of
// posts) and a host that does not use blog/bloghttp should not import an
// HTTP adapter to learn which posts take comments. Hosts that do use
// blog/bloghttp build their comment service with the same policy.
//
//	b, err := blog.New(store)
//	…
//	cs, err := comments.NewService(store, blogcomments.Threads(b))
package blogcomments

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
)

// Threads returns the thread policy of a blog's comments: a thread key is
// the decimal ID of a post visitors can see now ([blog.Blog.PublicPost]);
// it is open when the post's comments are open, and began when the post
// was published. Any other key, and a post that is missing, unpublished
// or private, is an error wrapping [comments.ErrNotFound]; other errors of
// the blog are returned wrapped as they are.
func Threads(b *blog.Blog) comments.ThreadPolicy {
	return comments.ThreadPolicyFunc(func(ctx context.Context, key string) (comments.ThreadInfo, error) {
		id, err := strconv.ParseInt(key, 10, 64)
		if err != nil || id <= 0 || strconv.FormatInt(id, 10) != key {
			return comments.ThreadInfo{}, fmt.Errorf("blogcomments: thread %q: %w", key, comments.ErrNotFound)
		}
		p, err := b.PublicPost(ctx, id)
		if errors.Is(err, blog.ErrNotFound) {
			return comments.ThreadInfo{}, fmt.Errorf("blogcomments: thread %q: %w", key, comments.ErrNotFound)
		}
		if err != nil {
			return comments.ThreadInfo{}, fmt.Errorf("blogcomments: thread %q: %w", key, err)
		}
		return comments.ThreadInfo{Open: p.CommentStatus == blog.CommentsOpen, CreatedAt: p.PublishedAt}, nil
	})
}
