package comments

import "errors"

// Errors that callers branch on with [errors.Is].
var (
	// ErrNotFound: no comment with that ID, or one the caller may not see.
	ErrNotFound = errors.New("comments: comment not found")
	// ErrClosed: the thread takes no comments (closed, or too old).
	ErrClosed = errors.New("comments: comments are closed")
	// ErrDuplicate: the same author already said the same on this thread.
	ErrDuplicate = errors.New("comments: duplicate comment")
	// ErrFlood: the author is commenting faster than the flood limit.
	ErrFlood = errors.New("comments: you are posting comments too quickly")
)
