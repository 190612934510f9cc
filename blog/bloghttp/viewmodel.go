package bloghttp

// The data templates receive. A theme (see "Themes" in the package
// documentation) reads these types and never builds them: every field is
// filled in by the Server before a template runs.

import (
	"cmp"
	"context"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/folioblog/folio/archive"
	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/comments/commentshttp"
)

// View is dot in every template: the site, the page's own data in Page,
// and what the layout puts in <head>. Templates read it; only the Server
// makes one.
type View struct {
	Site Site // the blog as [New] was given it

	// Page is the page's own data: a [*PostPage] in post.html, a
	// [*ListPage] in list.html, an [ErrorPage] in error.html.
	Page any

	Title       string     // the page's title; "" on the home page
	Description string     // for <meta name="description"> and og:description; "" for none
	Canonical   string     // absolute URL for <link rel="canonical"> and og:url; "" for none
	OGType      string     // og:type: "website", or "article" on a post
	OGImage     string     // absolute URL for og:image; "" for none
	Search      string     // the words in the search box
	Status      int        // the HTTP status being answered
	Moderator   *Moderator // the moderator making the request, or nil
	Links       []Link     // the discovery links of WithLinks, for <link> in <head>

	s        *Server
	r        *http.Request
	calYear  int // the calendar's month; zero for the current one
	calMonth time.Month
	curYear  int // the archive period the page is, marked in the widgets; zero for none
	curMonth time.Month
	sidebar  *Sidebar
}

// Sidebar is the widgets of the sidebar: the archives as ready HTML, the
// categories and the tag cloud.
type Sidebar struct {
	List     template.HTML // the months with posts, with their counts: "January 2013 (12)"
	Dropdown template.HTML // the same months as a <select> that goes to the month chosen
	Calendar template.HTML // the calendar of the page's month, or of the current one

	Categories []TermLink // every category of the visible posts, by name; nil when the store cannot count them
	Tags       []TermLink // the most used tags (at most 45), by name, for a tag cloud
}

// TermLink is a category or tag as a widget shows it.
type TermLink struct {
	Name  string
	Path  string // the href of its page
	Count int    // its visible posts
	Size  int    // 1 (least used) to 5 (most used), for a tag cloud's classes
}

// Sidebar computes the archive widgets on its first call and returns the
// same ones after: the list of months with counts, the dropdown, and the
// calendar of the page's month (or the current one). It returns the
// store's error when the archive cannot be read.
func (v *View) Sidebar() (*Sidebar, error) {
	if v.sidebar != nil {
		return v.sidebar, nil
	}
	ctx := v.r.Context()
	ix, err := v.s.blog.Archive(ctx)
	if err != nil {
		return nil, err
	}
	y, m := v.calYear, v.calMonth
	if y == 0 {
		now := v.s.blog.Now().In(v.s.blog.Location())
		y, m = now.Year(), now.Month()
	}
	cal, err := v.s.blog.Calendar(ctx, y, m, v.s.firstWeekday)
	if err != nil {
		return nil, err
	}
	months := ix.Months()
	o := archive.ListOptions{ShowCount: true, CurrentYear: v.curYear, CurrentMonth: v.curMonth}
	v.sidebar = &Sidebar{
		List:     v.s.archive.MonthList(months, o),
		Dropdown: v.s.archive.Dropdown(months, archive.ListOptions{CurrentYear: v.curYear, CurrentMonth: v.curMonth}),
		Calendar: v.s.archive.Calendar(cal),
	}
	if v.s.blog.TermsEnabled() {
		if v.sidebar.Categories, err = v.s.termLinks(ctx, blog.TaxonomyCategory, 0); err != nil {
			return nil, err
		}
		if v.sidebar.Tags, err = v.s.termLinks(ctx, blog.TaxonomyTag, maxCloudTags); err != nil {
			return nil, err
		}
	}
	return v.sidebar, nil
}

// ListPage is .Page of list.html: the home page, a tag, a category, an
// author, an archive period or search results.
type ListPage struct {
	Heading string     // "Tag: Go", "Monthly Archives: January 2013", …; "" on the home page
	Search  string     // the words searched for, on a search page; "" elsewhere
	Items   []ListItem // the page's posts, in the order to show them
	Older   string     // the href of the next page of older posts; "" on the last
	Newer   string     // the href of the page of newer posts, on the home page's numbered pages; "" elsewhere
	LikesOn bool       // the store keeps likes: show each item's count
}

// ListItem is one post of a listing.
type ListItem struct {
	Post     *blog.Post
	Snippet  template.HTML // on a search page, the matching text with <mark>s; "" elsewhere
	Comments int           // approved comments on the post
	Likes    int           // likes of the post; 0 when the store keeps none
}

// PostPage is .Page of post.html: a post or page, one page of its
// comments and the reply form.
type PostPage struct {
	Post       *blog.Post
	Prev       *blog.Post // the next older visible post, or nil (always nil for a page)
	Next       *blog.Post // the next newer visible post, or nil (always nil for a page)
	LikesOn    bool       // the store keeps likes: show the button
	Likes      int        // likes of the post
	LikeAction string     // the URL the like button posts to; with undo=1, it takes the like back
	Liked      bool       // the visitor likes the post (and may undo it): such a page is not cached
	Others     int        // when Liked, the likes of everyone else

	Thread       comments.ThreadPage // the page of comments shown, with the thread's counts
	Comments     []*CommentNode      // that page's comments as a tree, oldest first
	CommentPages []PageLink          // links to every page of comments; nil when they fit on one
	Form         *CommentForm        // the reply form; nil when comments are closed
}

// CommentNode is a comment as the post page draws it, with its replies.
type CommentNode struct {
	Comment  *comments.Comment
	Depth    int            // 1 for a comment on the post, 2 for a reply to it, …
	Children []*CommentNode // the replies shown, oldest first
	Pending  bool           // the visitor's own comment, awaiting moderation: shown to them alone
	Link     string         // the comment's permalink: its page of comments and "#comment-ID"
	ReplyURL string         // the href of its "Reply" link; "" when no reply can be made
}

// PageLink is a link to one page of a post's comments.
type PageLink struct {
	Number  int    // 1-based
	URL     string // the href of the page
	Current bool   // the page shown
}

// CommentForm is the "Leave a Reply" form. The names of its inputs are
// WordPress's (author, email, url, comment, comment_post_ID,
// comment_parent) and the three in TokenField, HoneypotField and
// RememberField.
type CommentForm struct {
	// State is what the form shows: the values a refused comment had, with
	// the reasons in State.Errors and State.Message, or a new form's
	// (filled from the visitor's remembered details), and State.Action,
	// the URL the form posts to, and State.Token, its anti-forgery token.
	State      commentshttp.FormState
	LoggedInAs string // the name of the moderator or signed-in reader: no name, email or website fields
	ReplyTo    string // the name of the author of the comment replied to; "" for a comment on the post
	CancelURL  string // the href that cancels the reply; "" when there is none to cancel

	TokenField    string // the name of the anti-forgery token's hidden input
	HoneypotField string // the name of the input that only robots fill in; it must stay hidden
	RememberField string // the name of the "remember me" checkbox
}

// ErrorPage is .Page of error.html.
type ErrorPage struct {
	Status int    // the HTTP status: 404, 500, …
	Text   string // its text: "Not Found"

	// On a 404, what to try instead; empty when the store cannot say.
	Recent   []*blog.Post  // the newest visible posts
	Archives template.HTML // the months with posts, as the sidebar lists them
}

// Avatar is what the avatar template function returns for a comment's
// author: an image, or initials on a coloured circle.
type Avatar struct {
	URL      string // the src of an image (a Gravatar with [WithGravatar]); "" for initials
	Initials string // up to two letters of the author's name, "?" for none
	Class    string // "avatar-N": the colour of the circle, from folio.css
}

// maxCloudTags is how many tags the tag cloud shows, WordPress's number.
const maxCloudTags = 45

// termLinks returns the terms of taxonomy for a widget, ordered by name:
// all of them, or the limit most used when limit is positive, each sized
// 1 to 5 by its count.
func (s *Server) termLinks(ctx context.Context, taxonomy string, limit int) ([]TermLink, error) {
	terms, err := s.blog.Terms(ctx, taxonomy)
	if err != nil {
		return nil, err
	}
	if limit > 0 && len(terms) > limit {
		slices.SortStableFunc(terms, func(a, b blog.TermCount) int { return cmp.Compare(b.Count, a.Count) })
		terms = terms[:limit]
	}
	lo, hi := math.MaxInt, 0
	for _, t := range terms {
		lo, hi = min(lo, t.Count), max(hi, t.Count)
	}
	out := make([]TermLink, len(terms))
	for i, t := range terms {
		size := 3
		if hi > lo {
			size = 1 + 4*(t.Count-lo)/(hi-lo)
		}
		out[i] = TermLink{Name: t.Name, Path: s.Path("/" + taxonomy + "/" + url.PathEscape(t.Slug) + "/"), Count: t.Count, Size: size}
	}
	slices.SortStableFunc(out, func(a, b TermLink) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.Path, b.Path))
	})
	return out, nil
}
