package blog

import (
	"errors"
	"fmt"
)

// Errors that callers branch on with [errors.Is]. Stores return them too,
// wrapped or not, and never a driver's own error for these cases.
var (
	// ErrNotFound: no post with that ID, slug or permalink, or one the
	// caller may not see.
	ErrNotFound = errors.New("blog: post not found")
	// ErrSlugTaken: another post already has that slug.
	ErrSlugTaken = errors.New("blog: slug taken")
	// ErrConflict: the post was changed since it was read (its Version
	// moved on); read it again and reapply the change.
	ErrConflict = errors.New("blog: post changed since it was read")
	// ErrUnavailable: the store cannot be reached now (a lost database
	// connection); the same call may succeed later. Stores wrap their
	// connection errors with it, for posts and comments alike, and the
	// HTTP layer answers 503.
	ErrUnavailable = errors.New("blog: store temporarily unavailable")
	// ErrUnsupported: the Blog's store lacks the optional capability the
	// call needs (likes without a [LikeStore], old paths without a
	// [RedirectStore]). Adapters answer as if the feature did not exist.
	ErrUnsupported = errors.New("blog: not supported by the store")
)

// ValidationError says which field of a post or an option is wrong and why.
// Nothing is stored when one is returned.
type ValidationError struct {
	Field  string // the Post field or option, in lower case: "title", "slug", "source", …
	Reason string
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("blog: invalid %s: %s", e.Field, e.Reason)
}
