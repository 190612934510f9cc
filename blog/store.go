package blog

import (
	"context"
	"time"
)

// Store keeps posts. It is the contract every backend (storage/memstore,
// storage/sqlitestore, storage/pgstore, or a host's own) implements and
// storagetest.RunPostStore checks.
//
// A Store keeps every field of a Post exactly as given, times included
// (UTC, microsecond precision), and hands back copies: changing a returned
// Post changes nothing stored. It derives nothing: rendering, slugs and
// times are the [Blog] service's work. Every method honours ctx: a
// cancelled context returns ctx.Err() (possibly wrapped) promptly and
// writes nothing. All methods are safe for concurrent use.
type Store interface {
	// CreatePost stores a new post, assigning p.ID (and setting p.Version
	// to 1) on success. It returns ErrSlugTaken if another post has
	// p.Slug as its current slug. p.ID must be zero.
	CreatePost(ctx context.Context, p *Post) error

	// UpdatePost replaces the stored post with ID p.ID by p, provided the
	// stored version equals p.Version; it then increments p.Version. It
	// returns ErrNotFound if there is no such post, ErrConflict if the
	// versions differ, and ErrSlugTaken if another post has p.Slug.
	UpdatePost(ctx context.Context, p *Post) error

	// DeletePost removes the post with that ID, or returns ErrNotFound.
	DeletePost(ctx context.Context, id int64) error

	// GetPost returns the post with that ID, or ErrNotFound.
	GetPost(ctx context.Context, id int64) (*Post, error)

	// GetPostBySlug returns the post whose current slug is slug; failing
	// that, the post (the most recently published, then the highest ID)
	// that lists slug among its PreviousSlugs, so that old links can be
	// redirected; failing that, ErrNotFound. Slugs compare exactly.
	GetPostBySlug(ctx context.Context, slug string) (*Post, error)

	// ListPosts returns the posts that match q, newest first: by
	// PublishedAt descending, then ID descending (posts with a zero
	// PublishedAt come last); with q.Ascending, in exactly the reverse
	// order. At most q.Limit posts are returned; keyset pagination
	// continues after q.After in the same order.
	ListPosts(ctx context.Context, q PostQuery) ([]*Post, error)
}

// PostQuery selects posts for [Store.ListPosts]. Its zero value selects
// every post of every kind and status, up to DefaultLimit.
type PostQuery struct {
	Kinds    []Kind   // any of these kinds; all if empty
	Statuses []Status // any of these statuses; all if empty
	Tag      string   // a tag slug the post must carry
	Category string   // a category slug the post must carry
	Sticky   *bool    // if set, only posts whose Sticky equals *Sticky

	// PublishedAt in [From, Before): a zero bound is open. A post with a
	// zero PublishedAt (never published) is outside every non-zero bound.
	From   time.Time
	Before time.Time

	// After continues a listing after the post with this sort key:
	// only posts strictly after it in the listing's order are returned
	// (older ones, or newer ones when Ascending).
	After *Cursor

	// Ascending lists oldest first: by PublishedAt, then ID, ascending
	// (posts with a zero PublishedAt first), the reverse of the default.
	Ascending bool

	Limit int // at most this many posts; DefaultLimit if 0, MaxLimit at most
}

// Page sizes for listings.
const (
	DefaultLimit = 10
	MaxLimit     = 1000
)

// EffectiveLimit returns the number of posts q asks for, after defaults and
// the MaxLimit cap are applied. Stores use it so they all agree.
func (q PostQuery) EffectiveLimit() int {
	switch {
	case q.Limit <= 0:
		return DefaultLimit
	case q.Limit > MaxLimit:
		return MaxLimit
	}
	return q.Limit
}

// Cursor is the sort key of a post in a listing: the position after which
// the next page starts.
type Cursor struct {
	PublishedAt time.Time
	ID          int64
}

// CursorOf returns the cursor that continues a listing after p.
func CursorOf(p *Post) *Cursor { return &Cursor{PublishedAt: p.PublishedAt, ID: p.ID} }

// Follows reports whether a post with key (publishedAt, id) comes after c
// in a newest-first listing's order (is older), which is what
// [PostQuery.After] selects; an ascending listing selects the posts
// strictly before c instead.
func (c *Cursor) Follows(publishedAt time.Time, id int64) bool {
	if !publishedAt.Equal(c.PublishedAt) {
		return publishedAt.Before(c.PublishedAt)
	}
	return id < c.ID
}

// Optional capabilities. A [Blog] detects them with a type assertion and
// falls back to slower ways without them.

// PostSearcher is a Store that can search the title and body of posts.
type PostSearcher interface {
	// SearchPosts returns posts matching the words of q.Text that also
	// match q.Query's filters, best match first, with a short snippet in
	// which the matched words are wrapped in <mark>.
	SearchPosts(ctx context.Context, q SearchQuery) ([]SearchResult, error)
}

// SearchQuery is a full-text search: words, plus a PostQuery for filters
// and the limit (its After is ignored; use Offset).
type SearchQuery struct {
	Text   string
	Query  PostQuery
	Offset int
}

// SearchResult is one post found by a search.
type SearchResult struct {
	Post    *Post
	Snippet string // HTML-escaped text with matches in <mark>…</mark>
}

// MonthCounter is a Store that can count posts by month in a time zone
// without loading them, for building the archive index at start-up.
type MonthCounter interface {
	// CountPostsByMonth counts the posts matching q (its After and Limit
	// are ignored) by the year and month of their PublishedAt in loc,
	// newest month first; months without posts are absent.
	CountPostsByMonth(ctx context.Context, q PostQuery, loc *time.Location) ([]MonthCount, error)
}

// MonthCount is the number of posts in one month.
type MonthCount struct {
	Year  int
	Month time.Month
	Count int
}

// ChangeFeed is a Store that reports the writes made to it — by this
// process or, for a shared database, by any — so caches can evict exactly
// what changed.
type ChangeFeed interface {
	// Changes delivers a Change for every committed write until ctx is
	// done, then closes the channel. Each call gets its own channel. A
	// slow reader does not block writers: when its buffer is full, or the
	// feed lost its connection, it receives one ChangeFlush meaning "some
	// changes may have been missed: drop everything".
	Changes(ctx context.Context) <-chan Change
}

// ChangeFeedFunc adapts a function, such as [Blog.OtherWrites], to
// [ChangeFeed].
type ChangeFeedFunc func(ctx context.Context) <-chan Change

// Changes calls f(ctx).
func (f ChangeFeedFunc) Changes(ctx context.Context) <-chan Change { return f(ctx) }

// ChangeHook is a store that calls functions for each write it commits,
// in the writer's goroutine, before the write returns. A cache in the same
// process then never serves a page older than a write that has returned.
// Hooks see only this process's writes; a store shared by several
// processes also offers a [ChangeFeed] for theirs.
type ChangeHook interface {
	// OnChange registers fn and returns a function that removes it. fn
	// must be quick and must not call the store: it runs inside writes.
	OnChange(fn func(Change)) (remove func())
}

// SharedChangeFeed is a store several processes may write to at once (a
// database server that app instances share). Its hooks ([ChangeHook]) see
// only this process's writes; OtherWrites carries everyone's, so a [Blog]
// follows both. A store one process writes to (storage/memstore,
// storage/sqlitestore) is not a SharedChangeFeed even when it is a
// [ChangeFeed].
type SharedChangeFeed interface {
	// OtherWrites delivers a Change for every write committed to the
	// store by any process sharing it (this process's writes may come
	// too, a second time), with the guarantees of [ChangeFeed.Changes].
	OtherWrites(ctx context.Context) <-chan Change
}

// ChangeKind says what a [Change] is about.
type ChangeKind string

// The kinds of change.
const (
	ChangePost    ChangeKind = "post"    // a post was created, updated or deleted: PostID
	ChangeComment ChangeKind = "comment" // a comment was created, changed or deleted: Thread
	ChangeLike    ChangeKind = "like"    // a like was recorded: PostID
	ChangeFlush   ChangeKind = "flush"   // changes may have been missed: evict everything
)

// Change is one write reported by a [ChangeFeed].
type Change struct {
	Kind   ChangeKind
	PostID int64  // for ChangePost and ChangeLike
	Thread string // for ChangeComment: the comment's thread key
}

// LikeStore is a Store that records likes: one per visitor per post, with
// no accounts. The visitor key is an opaque, already-keyed hash (the HTTP
// layer makes it from a cookie or the address and user agent); the store
// never sees who the visitor is.
type LikeStore interface {
	// AddLike records that visitor likes post postID. It reports false,
	// and changes nothing, when that visitor liked the post before; it
	// returns ErrNotFound when there is no such post.
	AddLike(ctx context.Context, postID int64, visitor string) (added bool, err error)

	// CountLikes returns the number of likes of each post, in one query
	// however many posts; a post without likes maps to 0.
	CountLikes(ctx context.Context, postIDs []int64) (map[int64]int, error)
}

// TermCount is a tag or category with the number of posts visitors see
// that carry it.
type TermCount struct {
	Term
	Count int
}

// TermCounter is a Store that counts the posts of each tag or category,
// for a categories widget or a tag cloud.
type TermCounter interface {
	// CountTerms returns every term of taxonomy ("tag" or "category")
	// carried by a post of kind post whose status is published, or
	// scheduled with a PublishedAt before before, with the number of such
	// posts, ordered by slug; terms of no such post are left out. A term's
	// name is the one its posts give it (any one, if they disagree).
	CountTerms(ctx context.Context, taxonomy string, before time.Time) ([]TermCount, error)
}

// UnlikeStore is a LikeStore whose likes can be taken back, so a visitor
// sees that they liked a post and may undo it.
type UnlikeStore interface {
	LikeStore

	// RemoveLike takes back visitor's like of post postID and reports
	// whether there was one; without one it changes nothing. A like
	// removed is reported as a ChangeLike, as one added is.
	RemoveLike(ctx context.Context, postID int64, visitor string) (removed bool, err error)

	// HasLike reports whether visitor likes post postID; false for a
	// missing post.
	HasLike(ctx context.Context, postID int64, visitor string) (bool, error)
}

// RedirectStore is a Store that remembers old paths of posts — the URLs
// they had on another engine before an import — so those links keep
// working by redirect.
type RedirectStore interface {
	// PutRedirect records that path leads to post postID, replacing what
	// path led to before. path is as a visitor requests it, decoded,
	// relative to where the blog is mounted, with its query if it needs
	// one ("/?p=12").
	PutRedirect(ctx context.Context, path string, postID int64) error

	// LookupRedirect returns the ID of the post path leads to, or
	// ErrNotFound.
	LookupRedirect(ctx context.Context, path string) (int64, error)
}
