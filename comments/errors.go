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
	// ErrUnavailable: the store failed in a way retrying later may cure (a
	// lost database connection). Stores wrap it; an HTTP adapter answers
	// 503 with Retry-After.
	ErrUnavailable = errors.New("comments: store unavailable")
)

// OptionError is the error of [NewService] when a required argument is
// nil or an option is out of range: Option names it ("store", "threads",
// "WithFloodInterval", …) and Reason says what is wrong. Branch on it with
// [errors.As].
type OptionError struct {
	Option string
	Reason string
}

func (e *OptionError) Error() string {
	return "comments: new service: " + e.Option + ": " + e.Reason
}
