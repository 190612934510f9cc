package blog

import (
	"fmt"
	"html/template"
	"time"
)

// Status is where a post stands in its life: only [StatusPublished] posts,
// and [StatusScheduled] posts whose time has come, are shown to visitors.
type Status string

// The statuses a post can have.
const (
	StatusDraft     Status = "draft"     // being written; never shown to visitors
	StatusPending   Status = "pending"   // awaiting an editor's review; never shown to visitors
	StatusScheduled Status = "scheduled" // published automatically at PublishedAt
	StatusPublished Status = "published" // visible to everyone
	StatusPrivate   Status = "private"   // visible only to the site's own users
)

// Valid reports whether s is one of the statuses above.
func (s Status) Valid() bool {
	switch s {
	case StatusDraft, StatusPending, StatusScheduled, StatusPublished, StatusPrivate:
		return true
	}
	return false
}

// ParseStatus returns the Status named by s, or a [*ValidationError] for an
// unknown name.
func ParseStatus(s string) (Status, error) {
	if st := Status(s); st.Valid() {
		return st, nil
	}
	return "", &ValidationError{Field: "status", Reason: fmt.Sprintf("unknown status %q", s)}
}

// CommentStatus says whether visitors may comment on a post.
type CommentStatus string

// The comment statuses a post can have.
const (
	CommentsOpen   CommentStatus = "open"
	CommentsClosed CommentStatus = "closed"
)

// Valid reports whether s is [CommentsOpen] or [CommentsClosed].
func (s CommentStatus) Valid() bool { return s == CommentsOpen || s == CommentsClosed }

// Kind distinguishes dated posts from pages (an "About" page, say), which
// stay out of listings, archives and feeds.
type Kind string

// The kinds of post.
const (
	KindPost Kind = "post"
	KindPage Kind = "page"
)

// Valid reports whether k is [KindPost] or [KindPage].
func (k Kind) Valid() bool { return k == KindPost || k == KindPage }

// Format is the markup language of a post's Source.
type Format string

// The formats a post's source can be written in.
const (
	// FormatMarkdown is CommonMark with Folio's extensions: the default.
	FormatMarkdown Format = "markdown"
	// FormatHTML is HTML written by a trusted author or imported from
	// another engine; it is sanitised with the post policy when rendered.
	FormatHTML Format = "html"
)

// Valid reports whether f is a known format.
func (f Format) Valid() bool { return f == FormatMarkdown || f == FormatHTML }

// Author is the person a post is credited to.
type Author struct {
	Name  string
	Email string // optional; never shown on pages
	URL   string // optional
}

// Term is a tag or a category: a display name and the slug used in its URL
// (/tag/SLUG/, /category/SLUG/).
type Term struct {
	Name string
	Slug string
}

// Post is a blog post or page with its source, its rendered HTML and the
// facts derived from it at write time.
//
// Times are UTC with microsecond precision. A store keeps every field as
// given and hands back equal values; the [Blog] service fills the derived
// fields (HTML, Summary, Description, Text, Image, WordCount, Slug when
// empty) and the times.
type Post struct {
	ID    int64  // assigned by the store on create
	Kind  Kind   // KindPost unless a page
	Slug  string // unique among the current slugs of a store
	Title string

	Author Author

	Format  Format // FormatMarkdown unless set
	Source  string // what the author wrote
	Excerpt string // optional hand-written excerpt, in Format

	HTML        template.HTML // rendered and sanitised Source
	Summary     template.HTML // rendered excerpt: hand-written, before <!--more-->, or cut at N words
	HasMore     bool          // Summary is shorter than HTML ("Continue reading")
	Description string        // plain text for <meta name="description">
	Text        string        // plain text of HTML, what search matches and quotes (see [PlainText])
	Image       string        // src of the first image of HTML, as written, or "" (see [FirstImage])
	WordCount   int

	Tags       []Term
	Categories []Term

	Status        Status
	CommentStatus CommentStatus
	Sticky        bool

	// PreviousSlugs are slugs the post was published under before; links
	// using them keep working by redirect.
	PreviousSlugs []string

	CreatedAt   time.Time
	UpdatedAt   time.Time
	PublishedAt time.Time // zero for a post never published or scheduled

	// Version is set to 1 by the store on create and incremented by each
	// update; an update carrying an older version fails with ErrConflict.
	Version int64
}

// Clone returns a deep copy of p, so that a store can hand out posts that
// its callers may change freely.
func (p *Post) Clone() *Post {
	if p == nil {
		return nil
	}
	c := *p
	c.Tags = append([]Term(nil), p.Tags...)
	c.Categories = append([]Term(nil), p.Categories...)
	c.PreviousSlugs = append([]string(nil), p.PreviousSlugs...)
	return &c
}

// VisibleAt reports whether visitors may see p at time now: a published
// post, or a scheduled one whose time has come, of any kind.
func (p *Post) VisibleAt(now time.Time) bool {
	switch p.Status {
	case StatusPublished:
		return true
	case StatusScheduled:
		return !p.PublishedAt.IsZero() && !p.PublishedAt.After(now)
	}
	return false
}

// ReadingTime is how long an adult takes to read the post at 230 words a
// minute, rounded up to whole minutes; at least one minute.
func (p *Post) ReadingTime() time.Duration {
	const wordsPerMinute = 230
	m := (p.WordCount + wordsPerMinute - 1) / wordsPerMinute
	if m < 1 {
		m = 1
	}
	return time.Duration(m) * time.Minute
}
