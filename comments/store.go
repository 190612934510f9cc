package comments

import (
	"context"
	"time"

	"github.com/folioblog/folio/internal/pagetoken"
)

// Store keeps comments. It is the contract every backend implements and
// storagetest.RunCommentStore checks.
//
// A Store keeps every field of a Comment exactly as given (times in UTC at
// microsecond precision) and hands back copies. It makes no moderation
// decisions and renders nothing: that is the [Service]'s work. Every method
// honours ctx: a cancelled context returns ctx.Err() (possibly wrapped)
// promptly and writes nothing. All methods are safe for concurrent use.
type Store interface {
	// CreateComment stores a new comment and assigns c.ID. c.ID must be
	// zero. The store does not check c.ParentID; the Service does.
	CreateComment(ctx context.Context, c *Comment) error

	// GetComment returns the comment with that ID, or ErrNotFound.
	GetComment(ctx context.Context, id int64) (*Comment, error)

	// UpdateComment replaces the stored comment with ID c.ID by c (body,
	// HTML, author, status, decision: every field but ID, Thread and
	// CreatedAt), or returns ErrNotFound.
	UpdateComment(ctx context.Context, c *Comment) error

	// DeleteComment removes the comment with that ID for good, or returns
	// ErrNotFound. Its replies move up to its parent (as WordPress does),
	// so no comment is left pointing at a missing one.
	DeleteComment(ctx context.Context, id int64) error

	// ListComments returns the comments that match q, oldest first (by
	// CreatedAt, then ID) or newest first if q.Newest, at most
	// q.EffectiveLimit() of them, continuing after q.After.
	ListComments(ctx context.Context, q CommentQuery) ([]*Comment, error)

	// CountApproved returns the number of approved comments on each of
	// the threads, in one query however many threads; a thread without
	// approved comments maps to 0.
	CountApproved(ctx context.Context, threads []string) (map[string]int, error)

	// HasApprovedComment reports whether any approved comment was written
	// with this name and this email, as WordPress matches a returning
	// commenter: the email compared case-insensitively, the name exactly
	// once spaces around it are trimmed. An empty email has none.
	HasApprovedComment(ctx context.Context, name, email string) (bool, error)

	// LatestComment returns the most recent comment (any status) sent
	// from ip or, if email is not empty, with that email (compared
	// case-insensitively), or ErrNotFound. The flood guard uses it.
	LatestComment(ctx context.Context, ip, email string) (*Comment, error)

	// FindDuplicate returns a comment other than trash on c.Thread with
	// the same Source and the same author (the same email, compared
	// case-insensitively, or the same name if c has no email, or the same
	// UserID if c has one), or ErrNotFound.
	FindDuplicate(ctx context.Context, c *Comment) (*Comment, error)
}

// CommentQuery selects comments for [Store.ListComments]. Its zero value
// selects every comment, oldest first, up to DefaultLimit.
type CommentQuery struct {
	Thread   string   // only this thread; every thread if empty
	Statuses []Status // any of these; all if empty
	Newest   bool     // newest first instead of oldest first
	After    *Cursor  // continue after this comment
	Limit    int      // DefaultLimit if 0, MaxLimit at most
}

// Page sizes for listings.
const (
	DefaultLimit = 50
	MaxLimit     = 1000
)

// EffectiveLimit returns the number of comments q asks for, after defaults
// and the MaxLimit cap are applied.
func (q CommentQuery) EffectiveLimit() int {
	switch {
	case q.Limit <= 0:
		return DefaultLimit
	case q.Limit > MaxLimit:
		return MaxLimit
	}
	return q.Limit
}

// Cursor is the sort key of a comment in a listing.
type Cursor struct {
	CreatedAt time.Time
	ID        int64
}

// CursorOf returns the cursor that continues a listing after c.
func CursorOf(c *Comment) *Cursor { return &Cursor{CreatedAt: c.CreatedAt, ID: c.ID} }

// String encodes the cursor as an opaque token safe in a URL query, the
// same kind of token post listings use.
func (c *Cursor) String() string { return pagetoken.Encode(c.CreatedAt, c.ID) }

// ParseCursor decodes a token made by [Cursor.String]; anything else is a
// [*ValidationError] for the field "after".
func ParseCursor(token string) (*Cursor, error) {
	at, id, err := pagetoken.Decode(token)
	if err != nil {
		return nil, &ValidationError{Fields: []FieldError{{Field: "after", Problem: ProblemInvalid, Message: "Malformed page token."}}}
	}
	return &Cursor{CreatedAt: at, ID: id}, nil
}

// Follows reports whether a comment with key (createdAt, id) comes after
// the cursor in a listing, oldest first unless newest is true.
func (c *Cursor) Follows(createdAt time.Time, id int64, newest bool) bool {
	if !createdAt.Equal(c.CreatedAt) {
		return createdAt.After(c.CreatedAt) != newest
	}
	if newest {
		return id < c.ID
	}
	return id > c.ID
}

// GuardedStore is a Store that can apply the duplicate and flood guards and
// create a comment in one atomic step, so that the guards hold even when
// several instances of a site share the store. The [Service] uses it when
// the store has it, and otherwise checks with FindDuplicate and
// LatestComment before CreateComment.
type GuardedStore interface {
	Store

	// CreateCommentGuarded creates c as CreateComment does, unless —
	// judged atomically with the write — FindDuplicate would find a
	// duplicate of c (then ErrDuplicate, wrapped) or, when floodSince is
	// not zero, a comment from c.IP or c.Author.Email (compared
	// case-insensitively) was created after floodSince (then ErrFlood,
	// wrapped). Nothing is written when it returns an error.
	CreateCommentGuarded(ctx context.Context, c *Comment, floodSince time.Time) error
}

// RootCounter is a Store that counts the top-level comments of a thread
// before a given one by an index, so that [Service.PageOf] finds the page
// of a comment without listing the thread. The Service uses it when the
// store has it.
type RootCounter interface {
	// CountRootsBefore returns the number of approved comments on thread
	// that come before at in a listing, oldest first (by CreatedAt, then
	// ID), and that [BuildTree] puts at the top level: those with no
	// parent (ParentID 0 or their own ID) and those whose parent is not
	// an approved comment on the same thread. Loops of parents longer
	// than one comment are not looked for.
	CountRootsBefore(ctx context.Context, thread string, at Cursor) (int, error)
}
