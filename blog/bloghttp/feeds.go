package bloghttp

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/bloghttp/internal/feed"
	"github.com/folioblog/folio/blog/bloghttp/internal/pagecache"
	"github.com/folioblog/folio/comments"
)

// feedItems is how many posts (or comments) a feed carries: the newest.
const feedItems = 20

// routeFeeds registers the feeds, the sitemap and robots.txt.
//
// Every feed is RSS 2.0 unless its path or a ?type=atom|json|rss query
// says otherwise: /feed/ (RSS), /feed/atom/, /feed.json, /tag/SLUG/feed/,
// /tag/SLUG/feed/atom/, /category/SLUG/feed/ and
// /category/SLUG/feed/atom/. A post's comment feed (/…permalink…/feed/)
// is reached through the catch-all path handler, which calls
// [Server.serveCommentFeed].
func (s *Server) routeFeeds(m *http.ServeMux) {
	m.HandleFunc("GET /feed/{$}", s.handleFeed(feed.RSS))
	m.HandleFunc("GET /feed/atom/{$}", s.handleFeed(feed.Atom))
	m.HandleFunc("GET /feed.json", s.handleFeed(feed.JSON))
	m.HandleFunc("GET /tag/{slug}/feed/{$}", s.handleTermFeed(true, feed.RSS))
	m.HandleFunc("GET /tag/{slug}/feed/atom/{$}", s.handleTermFeed(true, feed.Atom))
	m.HandleFunc("GET /category/{slug}/feed/{$}", s.handleTermFeed(false, feed.RSS))
	m.HandleFunc("GET /category/{slug}/feed/atom/{$}", s.handleTermFeed(false, feed.Atom))
	m.HandleFunc("GET /sitemap.xml", s.handleSitemap)
	m.HandleFunc("GET /sitemaps/{file}", s.handleSitemapPart)
	m.HandleFunc("GET /robots.txt", s.handleRobots)
}

// formatOf returns the format a request asks for with ?type=, or def.
func formatOf(r *http.Request, def feed.Format) (feed.Format, error) {
	f, ok := feed.ParseType(r.URL.Query().Get("type"), def)
	if !ok {
		return def, fmt.Errorf("bloghttp: feed type %q: %w", r.URL.Query().Get("type"), errBadRequest)
	}
	return f, nil
}

// handleFeed serves the feed of the newest posts.
func (s *Server) handleFeed(def feed.Format) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		format, err := formatOf(r, def)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		page, err := s.blog.List(r.Context(), blog.ListOptions{Limit: feedItems})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		doc := feed.Doc{
			Title:       s.site.Title,
			Description: s.site.Tagline,
			Link:        s.URL("/"),
			Self:        s.URL(feed.Path("/feed/", format)),
			ID:          s.URL("/feed/"),
		}
		s.addPosts(&doc, page.Posts)
		pagecache.Depends(w, pagecache.Lists)
		s.serveFeed(w, r, &doc, format)
	}
}

// handleTermFeed serves the feed of the newest posts with a tag (or a
// category); 404 when none is visible.
func (s *Server) handleTermFeed(tag bool, def feed.Format) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		format, err := formatOf(r, def)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		slug := r.PathValue("slug")
		o := blog.ListOptions{Limit: feedItems}
		kind := "category"
		if tag {
			o.Tag, kind = slug, "tag"
		} else {
			o.Category = slug
		}
		page, err := s.blog.List(r.Context(), o)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if len(page.Posts) == 0 {
			// An unknown term and a term without visible posts look the
			// same, as its page does.
			s.notFound(w, r)
			return
		}
		name := termName(page.Posts[0], tag, slug)
		listing := "/" + kind + "/" + url.PathEscape(slug) + "/"
		doc := feed.Doc{
			Title:       s.site.Title + " » " + name,
			Description: s.site.Tagline,
			Link:        s.URL(listing),
			Self:        s.URL(feed.Path(listing+"feed/", format)),
			ID:          s.URL(listing + "feed/"),
		}
		s.addPosts(&doc, page.Posts)
		pagecache.Depends(w, pagecache.Lists)
		s.serveFeed(w, r, &doc, format)
	}
}

// termName returns the display name of the tag or category slug on p.
func termName(p *blog.Post, tag bool, slug string) string {
	terms := p.Categories
	if tag {
		terms = p.Tags
	}
	for _, t := range terms {
		if t.Slug == slug {
			return t.Name
		}
	}
	return slug
}

// postModified is when p last changed as visitors see it: its last edit,
// or its publication if that came later (a scheduled post).
func postModified(p *blog.Post) time.Time {
	if p.PublishedAt.After(p.UpdatedAt) {
		return p.PublishedAt
	}
	return p.UpdatedAt
}

// addPosts adds posts to doc as items, newest first as listed.
func (s *Server) addPosts(doc *feed.Doc, posts []*blog.Post) {
	for _, p := range posts {
		author := p.Author.Name
		if author == "" {
			author = s.site.Author
		}
		it := feed.Item{
			Title:       p.Title,
			Link:        s.URL(s.blog.PostPath(p)),
			ID:          s.tagURI(p.CreatedAt, "/posts/"+strconv.FormatInt(p.ID, 10)),
			Author:      author,
			SummaryHTML: html.EscapeString(p.Description),
			SummaryText: p.Description,
			Content:     string(p.HTML),
			Published:   p.PublishedAt,
			Updated:     postModified(p),
		}
		for _, t := range p.Tags {
			it.Tags = append(it.Tags, t.Name)
		}
		doc.Items = append(doc.Items, it)
		if it.Updated.After(doc.Updated) {
			doc.Updated = it.Updated
		}
	}
}

// tagURI returns a tag: URI (RFC 4151) naming something of this blog made
// at t: it stays the same when the post's slug, date or the site's scheme
// change, which a permalink would not.
func (s *Server) tagURI(t time.Time, specific string) string {
	return "tag:" + s.base.Hostname() + "," + t.UTC().Format(time.DateOnly) + ":" + s.prefix + specific
}

// serveCommentFeed answers r with the RSS feed (or ?type=atom|json) of
// the newest approved comments on p, newest first. The caller has checked
// that visitors may see p.
func (s *Server) serveCommentFeed(w http.ResponseWriter, r *http.Request, p *blog.Post) {
	format, err := formatOf(r, feed.RSS)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	thread := strconv.FormatInt(p.ID, 10)
	list, _, err := s.comments.List(r.Context(), comments.CommentQuery{
		Thread:   thread,
		Statuses: []comments.Status{comments.StatusApproved},
		Newest:   true,
		Limit:    feedItems,
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	postURL := s.URL(s.blog.PostPath(p))
	rss := strings.TrimSuffix(postURL, "/") + "/feed/"
	self := rss
	switch format {
	case feed.Atom:
		self = rss + "?type=atom"
	case feed.JSON:
		self = rss + "?type=json"
	}
	doc := feed.Doc{
		Title:       "Comments on: " + p.Title,
		Description: p.Description,
		Link:        postURL,
		Self:        self,
		ID:          rss,
		Updated:     postModified(p),
	}
	for _, c := range list {
		if c.Status != comments.StatusApproved {
			continue
		}
		it := s.commentItem(p, c)
		it.Title = "By: " + c.Author.Name
		doc.Items = append(doc.Items, it)
		if c.CreatedAt.After(doc.Updated) {
			doc.Updated = c.CreatedAt
		}
	}
	pagecache.Depends(w, pagecache.Post(p.ID), pagecache.Thread(thread))
	s.serveFeed(w, r, &doc, format)
}

// commentItem is comment c on post p as a feed item, titled as in
// WordPress's feed of all comments.
func (s *Server) commentItem(p *blog.Post, c *comments.Comment) feed.Item {
	return feed.Item{
		Title:       "Comment on " + p.Title + " by " + c.Author.Name,
		Link:        s.URL("/comments/" + strconv.FormatInt(c.ID, 10)),
		ID:          s.tagURI(c.CreatedAt, "/comments/"+strconv.FormatInt(c.ID, 10)),
		Author:      c.Author.Name,
		SummaryHTML: string(c.HTML),
		Content:     string(c.HTML),
		Published:   c.CreatedAt,
		Updated:     c.CreatedAt,
	}
}

// serveFeed writes doc in format, answering conditional requests.
func (s *Server) serveFeed(w http.ResponseWriter, r *http.Request, doc *feed.Doc, format feed.Format) {
	body, err := feed.Encode(doc, format, feed.Site{Author: s.site.Author, Language: s.site.Language, Base: s.base})
	if err != nil {
		s.fail(w, r, fmt.Errorf("bloghttp: feed %s: %w", doc.Self, err))
		return
	}
	serveConditional(w, r, format.ContentType(), body, doc.Updated)
}

// serveConditional writes body with an ETag (a hash of body) and, unless
// modified is unknown, Last-Modified, answering If-None-Match and
// If-Modified-Since with 304 Not Modified (If-None-Match wins when both
// are sent). HEAD gets the headers alone.
func serveConditional(w http.ResponseWriter, r *http.Request, contentType string, body []byte, modified time.Time) {
	sum := sha256.Sum256(body)
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	if modified.IsZero() {
		modified = feed.Epoch
	}
	http.ServeContent(w, r, "", modified, bytes.NewReader(body))
}
