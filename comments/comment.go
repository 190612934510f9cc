package comments

import (
	"html/template"
	"time"
)

// Status is where a comment stands in moderation. Only [StatusApproved]
// comments are shown to visitors.
type Status string

// The statuses a comment can have.
const (
	StatusPending  Status = "pending"  // held for a moderator
	StatusApproved Status = "approved" // shown on the page
	StatusSpam     Status = "spam"     // judged spam; kept to teach the rules, never shown
	StatusTrash    Status = "trash"    // thrown away; can be restored until deleted
)

// Valid reports whether s is one of the statuses above.
func (s Status) Valid() bool {
	switch s {
	case StatusPending, StatusApproved, StatusSpam, StatusTrash:
		return true
	}
	return false
}

// Type tells an ordinary comment from a notification another site sent.
type Type string

// The types of comment.
const (
	TypeComment   Type = "comment"
	TypePingback  Type = "pingback"
	TypeTrackback Type = "trackback"
)

// Valid reports whether t is one of the types above.
func (t Type) Valid() bool { return t == TypeComment || t == TypePingback || t == TypeTrackback }

// Author is who wrote a comment: an anonymous visitor's name, email and
// website, or the host site's authenticated user.
type Author struct {
	Name  string // shown as escaped text, never as markup
	Email string // never shown; used for avatars and the guards
	URL   string // an http(s) URL, validated; shown as a nofollow link

	// UserID is the host's identifier of its logged-in user, empty for
	// anonymous visitors; Verified means the host vouched for it.
	UserID   string
	Verified bool
}

// Decision records which moderation rule set a comment's status and why
// ("links: held: 2 links, limit 2"), so a moderator can see it.
type Decision struct {
	Status Status
	Rule   string
	Reason string
}

// Comment is one comment on a thread. A thread is any page of the host
// site, named by a key (for a blog post, its ID in decimal).
type Comment struct {
	ID       int64  // assigned by the store on create
	Thread   string // the key of the page the comment is on
	ParentID int64  // the comment this replies to; 0 for a top-level comment
	Type     Type   // TypeComment unless a pingback or trackback

	Author Author

	Source string        // what the visitor wrote (Markdown)
	HTML   template.HTML // Source rendered and sanitised at write time

	Status   Status
	Decision Decision // the rule that set Status, and why

	IP        string // the visitor's address, as text
	UserAgent string // cut to MaxUserAgent bytes

	CreatedAt time.Time // UTC, microsecond precision
}

// MaxUserAgent is the most bytes of a user agent a comment keeps, as
// WordPress does.
const MaxUserAgent = 254

// Clone returns a copy of c that shares nothing mutable with it.
func (c *Comment) Clone() *Comment {
	if c == nil {
		return nil
	}
	d := *c
	return &d
}
