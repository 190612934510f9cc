package bloghttp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/bloghttp/internal/feed"
	"github.com/folioblog/folio/blog/bloghttp/internal/pagecache"
	"github.com/folioblog/folio/comments"
)

// The query links of a WordPress site without pretty permalinks, which
// every WordPress site also answers: /?p=ID, /?page_id=ID, /?cat=ID,
// /?tag=SLUG, /?author=ID, /?m=YYYYMM and /?feed=rss2. Folio answers them
// with 301 to its own pages. IDs are WordPress's, recorded as old paths by
// an import (blog/wordpress) with blog.Blog.AddOldPath; a post's own Folio
// ID answers ?p= (and a page's ?page_id=) only where no import recorded
// that number.

// oldQueryKeys are the query parameters of the home page that are old
// WordPress links, in the order WordPress itself weighs them.
var oldQueryKeys = []string{"p", "page_id", "cat", "tag", "author", "m", "feed"}

// isOldQuery reports whether q is an old WordPress link.
func isOldQuery(q url.Values) bool {
	for _, k := range oldQueryKeys {
		if q.Has(k) {
			return true
		}
	}
	return false
}

// redirectOldQuery answers an old WordPress query link with 301 to the
// Folio page it names, or 404 when it names nothing here.
func (s *Server) redirectOldQuery(w http.ResponseWriter, r *http.Request, q url.Values) {
	to, err := s.oldQueryTarget(r.Context(), q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, s.Path(to), http.StatusMovedPermanently)
}

// errNoOldLink: an old query link names nothing on this site.
var errNoOldLink = fmt.Errorf("bloghttp: old link: %w", blog.ErrNotFound)

// oldQueryTarget returns the path, relative to the base, that the old
// query link q leads to; an error wrapping blog.ErrNotFound when none.
func (s *Server) oldQueryTarget(ctx context.Context, q url.Values) (string, error) {
	feed := ""
	if q.Has("feed") {
		switch q.Get("feed") {
		case "", "rss2", "rss", "rdf", "atom", "feed":
			feed = "feed/"
		case "comments-rss2", "comments-atom":
		default:
			if !q.Has("p") && !q.Has("page_id") {
				return "", errNoOldLink
			}
		}
	}
	switch {
	case q.Has("p"), q.Has("page_id"):
		key, kind := "p", blog.KindPost
		if !q.Has("p") {
			key, kind = "page_id", blog.KindPage
		}
		p, err := s.oldPost(ctx, key, q.Get(key), kind)
		if err != nil {
			return "", err
		}
		if q.Has("feed") {
			return s.blog.PostPath(p) + "feed/", nil
		}
		return s.blog.PostPath(p), nil
	case q.Has("cat"):
		id, ok := oldID(q.Get("cat"))
		if !ok {
			return "", errNoOldLink
		}
		slug, err := s.oldCategory(ctx, id)
		if err != nil {
			return "", err
		}
		return "/category/" + url.PathEscape(slug) + "/" + feed, nil
	case q.Has("tag"):
		slug, err := blog.CheckSlug(q.Get("tag"))
		if err != nil || slug != q.Get("tag") {
			return "", errNoOldLink
		}
		return "/tag/" + url.PathEscape(slug) + "/" + feed, nil
	case q.Has("author"):
		id, ok := oldID(q.Get("author"))
		if !ok || !s.blog.RedirectsEnabled() {
			return "", errNoOldLink
		}
		p, err := s.recordedPost(ctx, "/?author="+strconv.FormatInt(id, 10))
		if err != nil {
			return "", err
		}
		nice := blog.Nicename(p.Author.Name)
		if nice == "" {
			return "", errNoOldLink
		}
		return "/author/" + url.PathEscape(nice) + "/" + feed, nil
	case q.Has("m"):
		path, ok := oldPeriod(q.Get("m"))
		if !ok {
			return "", errNoOldLink
		}
		return path + feed, nil
	}
	switch q.Get("feed") {
	case "atom":
		return "/feed/atom/", nil
	case "comments-rss2":
		return "/comments/feed/", nil
	case "comments-atom":
		return "/comments/feed/?type=atom", nil
	}
	return "/feed/", nil
}

// oldID parses a positive WordPress ID.
func oldID(raw string) (int64, bool) {
	id, err := strconv.ParseInt(raw, 10, 64)
	return id, err == nil && id > 0
}

// oldPost returns the visible post of ?p=ID (key "p") or ?page_id=ID: the
// one an import recorded for that ID, else the Folio post (of kind) with
// that ID when no import recorded it.
func (s *Server) oldPost(ctx context.Context, key, raw string, kind blog.Kind) (*blog.Post, error) {
	id, ok := oldID(raw)
	if !ok {
		return nil, errNoOldLink
	}
	if s.blog.RedirectsEnabled() {
		p, err := s.recordedPost(ctx, "/?"+key+"="+strconv.FormatInt(id, 10))
		if !errors.Is(err, errNotRecorded) {
			return p, err // a recorded link wins, even over a visible Folio post
		}
	}
	p, err := s.blog.PublicPost(ctx, id)
	if err != nil {
		return nil, err
	}
	if kind == blog.KindPage && p.Kind != blog.KindPage {
		return nil, errNoOldLink
	}
	return p, nil
}

// errNotRecorded: no import recorded an old path.
var errNotRecorded = fmt.Errorf("bloghttp: old path not recorded: %w", blog.ErrNotFound)

// recordedPost returns the visible post an import recorded for the old
// path; errNotRecorded when none was recorded, and an error wrapping
// blog.ErrNotFound when that post is not visible.
func (s *Server) recordedPost(ctx context.Context, path string) (*blog.Post, error) {
	id, err := s.blog.OldPathPostID(ctx, path)
	if errors.Is(err, blog.ErrNotFound) || errors.Is(err, blog.ErrUnsupported) {
		return nil, errNotRecorded
	}
	if err != nil {
		return nil, err
	}
	return s.blog.PublicPost(ctx, id)
}

// oldCategory returns the slug of the category WordPress knew by term ID
// id. An import records "/?cat=ID" leading to a post in that category and
// "/category/SLUG/?cat=ID" leading to the same post, which tells which of
// the post's categories it is.
func (s *Server) oldCategory(ctx context.Context, id int64) (string, error) {
	if !s.blog.RedirectsEnabled() {
		return "", errNoOldLink
	}
	cat := "?cat=" + strconv.FormatInt(id, 10)
	p, err := s.recordedPost(ctx, "/"+cat)
	if err != nil {
		return "", err
	}
	for _, c := range p.Categories {
		to, err := s.blog.OldPathPostID(ctx, "/category/"+c.Slug+"/"+cat)
		switch {
		case err == nil && to == p.ID:
			return c.Slug, nil
		case err != nil && !errors.Is(err, blog.ErrNotFound):
			return "", err
		}
	}
	return "", errNoOldLink
}

// oldPeriod returns the archive path of ?m=YYYY, YYYYMM or YYYYMMDD.
func oldPeriod(m string) (string, bool) {
	if _, ok := atoiDigits(m); !ok {
		return "", false
	}
	var path string
	switch len(m) {
	case 4:
		path = "/" + m + "/"
	case 6:
		path = "/" + m[:4] + "/" + m[4:] + "/"
	case 8:
		path = "/" + m[:4] + "/" + m[4:6] + "/" + m[6:] + "/"
	default:
		return "", false
	}
	if _, _, _, ok := parsePeriod(path); !ok {
		return "", false
	}
	return path, true
}

// routeWordPress registers the paths a WordPress site has that Folio keeps
// working: home paging, author archives with their feeds, and the
// site-wide comments feed.
func (s *Server) routeWordPress(m *http.ServeMux) {
	m.HandleFunc("GET /page/{n}/{$}", s.handleHomePage)
	m.HandleFunc("GET /author/{name}/{$}", s.handleAuthor)
	m.HandleFunc("GET /author/{name}/feed/{$}", s.handleAuthorFeed)
	m.HandleFunc("GET /comments/feed/{$}", s.handleCommentsFeed)
}

// handleHomePage serves /page/N/: page N of the home page's listing, as
// WordPress numbers it (page 1 is the home page itself, with the sticky
// posts). A page past the last is 404.
func (s *Server) handleHomePage(w http.ResponseWriter, r *http.Request) {
	raw := r.PathValue("n")
	n, ok := atoiDigits(raw)
	if !ok || len(raw) > 9 || n < 1 || raw[0] == '0' {
		s.notFound(w, r)
		return
	}
	if n == 1 {
		http.Redirect(w, r, s.Path("/"), http.StatusMovedPermanently)
		return
	}
	no := false
	after, ok, err := s.blog.ListOffset(r.Context(), blog.ListOptions{Sticky: &no}, int64(n-1)*int64(s.perPage))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !ok {
		s.notFound(w, r)
		return
	}
	s.serveList(w, r, listSpec{
		opts:  blog.ListOptions{Sticky: &no},
		canon: "/page/" + strconv.Itoa(n) + "/",
		after: after,
		older: "/page/" + strconv.Itoa(n+1) + "/",
		newer: newerPage(n),
		paged: true,
	})
}

// newerPage is the path of the home page before page n (n ≥ 2).
func newerPage(n int) string {
	if n == 2 {
		return "/"
	}
	return "/page/" + strconv.Itoa(n-1) + "/"
}

// authorPosts returns up to limit visible posts by the author whose
// nicename is nice, newest first, after the cursor token after, and the
// token of the next page ("" for the last). The author is the one whose
// name slugifies to nice, or the one of the post an import recorded for
// "/author/NICE/" (WordPress's author login).
func (s *Server) authorPosts(ctx context.Context, nice, after string, limit int) ([]*blog.Post, string, error) {
	name := ""
	if s.blog.RedirectsEnabled() {
		p, err := s.recordedPost(ctx, "/author/"+nice+"/")
		switch {
		case err == nil:
			name = p.Author.Name
		case !errors.Is(err, blog.ErrNotFound):
			return nil, "", err
		}
	}
	return s.blog.ListByAuthor(ctx, nice, name, after, limit)
}

// handleAuthor serves /author/NICENAME/: the author's posts, continued
// with ?after=; 404 for an author without visible posts.
func (s *Server) handleAuthor(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	nice := r.PathValue("name")
	after := r.URL.Query().Get("after")
	if after != "" {
		if _, err := blog.ParseCursor(after); err != nil {
			s.fail(w, r, fmt.Errorf("bloghttp: %w: %w", errBadRequest, err))
			return
		}
	}
	posts, next, err := s.authorPosts(ctx, nice, after, s.perPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(posts) == 0 {
		s.notFound(w, r)
		return
	}
	canon := "/author/" + url.PathEscape(nice) + "/"
	page := &ListPage{Heading: "Author: " + posts[0].Author.Name}
	for _, p := range posts {
		page.Items = append(page.Items, ListItem{Post: p})
	}
	if next != "" {
		page.Older = s.Path(canon) + "?after=" + url.QueryEscape(next)
	}
	if err := s.countItems(ctx, page); err != nil {
		s.fail(w, r, err)
		return
	}
	pagecache.Depends(w, pagecache.Lists)
	for _, it := range page.Items {
		dependsOnPost(w, it.Post)
	}
	v := s.newView(r, http.StatusOK, page)
	v.Title = page.Heading
	v.Canonical = s.URL(canon)
	if after != "" {
		v.Canonical += "?after=" + url.QueryEscape(after)
	}
	s.renderView(w, r, "list.html", v)
}

// handleAuthorFeed serves /author/NICENAME/feed/ (RSS, or ?type=): the
// author's newest posts; 404 for an author without visible posts.
func (s *Server) handleAuthorFeed(w http.ResponseWriter, r *http.Request) {
	format, err := formatOf(r, feed.RSS)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	nice := r.PathValue("name")
	posts, _, err := s.authorPosts(r.Context(), nice, "", feedItems)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(posts) == 0 {
		s.notFound(w, r)
		return
	}
	listing := "/author/" + url.PathEscape(nice) + "/"
	doc := feed.Doc{
		Title:       s.site.Title + " » " + posts[0].Author.Name,
		Description: s.site.Tagline,
		Link:        s.URL(listing),
		Self:        s.URL(feed.Path(listing+"feed/", format)),
		ID:          s.URL(listing + "feed/"),
	}
	s.addPosts(&doc, posts)
	pagecache.Depends(w, pagecache.Lists)
	s.serveFeed(w, r, &doc, format)
}

// handleCommentsFeed serves /comments/feed/ (RSS, or ?type=): the newest
// approved comments of the whole site, on posts and pages visitors may
// see.
func (s *Server) handleCommentsFeed(w http.ResponseWriter, r *http.Request) {
	format, err := formatOf(r, feed.RSS)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	doc := feed.Doc{
		Title:       "Comments for " + s.site.Title,
		Description: s.site.Tagline,
		Link:        s.URL("/"),
		Self:        s.URL(feed.Path("/comments/feed/", format)),
		ID:          s.URL("/comments/feed/"),
	}
	posts := map[string]*blog.Post{} // by thread; nil when not visible
	q := comments.CommentQuery{Statuses: []comments.Status{comments.StatusApproved}, Newest: true, Limit: 4 * feedItems}
	// Comments on posts visitors may not see are left out; a few pages of
	// them at most are read past.
	for range 5 {
		list, next, err := s.comments.List(ctx, q)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, c := range list {
			if c.Status != comments.StatusApproved || len(doc.Items) == feedItems {
				continue
			}
			p, seen := posts[c.Thread]
			if !seen {
				if id, ok := oldID(c.Thread); ok {
					p, err = s.blog.PublicPost(ctx, id)
					if err != nil && !errors.Is(err, blog.ErrNotFound) {
						s.fail(w, r, err)
						return
					}
				}
				posts[c.Thread] = p
			}
			if p == nil {
				continue
			}
			doc.Items = append(doc.Items, s.commentItem(p, c))
			if c.CreatedAt.After(doc.Updated) {
				doc.Updated = c.CreatedAt
			}
		}
		if next == nil || len(doc.Items) == feedItems {
			break
		}
		q.After = next
	}
	pagecache.Depends(w, pagecache.All) // any comment, and any post's visibility
	s.serveFeed(w, r, &doc, format)
}
