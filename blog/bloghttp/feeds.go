package bloghttp

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/feeds"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/bloghttp/internal/pagecache"
	"github.com/folioblog/folio/comments"
)

// feedItems is how many posts (or comments) a feed carries: the newest.
const feedItems = 20

// The content types of the three feed formats.
const (
	contentTypeRSS  = "application/rss+xml; charset=utf-8"
	contentTypeAtom = "application/atom+xml; charset=utf-8"
	contentTypeJSON = "application/feed+json; charset=utf-8"
)

// feedFormat is one of the syndication formats Folio writes.
type feedFormat int

const (
	formatRSS feedFormat = iota
	formatAtom
	formatJSON
)

// routeFeeds registers the feeds, the sitemap and robots.txt.
//
// Every feed is RSS 2.0 unless its path or a ?type=atom|json|rss query
// says otherwise: /feed/ (RSS), /feed/atom/, /feed.json, /tag/SLUG/feed/,
// /tag/SLUG/feed/atom/, /category/SLUG/feed/ and
// /category/SLUG/feed/atom/. A post's comment feed (/…permalink…/feed/)
// is reached through the catch-all path handler, which calls
// [Server.serveCommentFeed].
func (s *Server) routeFeeds(m *http.ServeMux) {
	m.HandleFunc("GET /feed/{$}", s.handleFeed(formatRSS))
	m.HandleFunc("GET /feed/atom/{$}", s.handleFeed(formatAtom))
	m.HandleFunc("GET /feed.json", s.handleFeed(formatJSON))
	m.HandleFunc("GET /tag/{slug}/feed/{$}", s.handleTermFeed(true, formatRSS))
	m.HandleFunc("GET /tag/{slug}/feed/atom/{$}", s.handleTermFeed(true, formatAtom))
	m.HandleFunc("GET /category/{slug}/feed/{$}", s.handleTermFeed(false, formatRSS))
	m.HandleFunc("GET /category/{slug}/feed/atom/{$}", s.handleTermFeed(false, formatAtom))
	m.HandleFunc("GET /sitemap.xml", s.handleSitemap)
	m.HandleFunc("GET /sitemaps/{file}", s.handleSitemapPart)
	m.HandleFunc("GET /robots.txt", s.handleRobots)
}

// feedDoc is a feed before it is written in a format. Every URL in it is
// absolute, made from Site.BaseURL.
type feedDoc struct {
	title       string
	description string
	link        string // the HTML page the feed follows
	self        string // the feed's own URL
	id          string // a stable identifier of the feed
	updated     time.Time
	items       []feedItem
}

// feedItem is a post or a comment in a feed. Nothing in it is ever an
// email address: authors appear by name only.
type feedItem struct {
	title       string
	link        string
	id          string
	author      string
	summaryHTML string // for RSS description and Atom summary
	summaryText string // for JSON Feed summary
	content     string // full HTML
	published   time.Time
	updated     time.Time
	tags        []string
}

// formatOf returns the format a request asks for with ?type=, or def.
func formatOf(r *http.Request, def feedFormat) (feedFormat, error) {
	switch r.URL.Query().Get("type") {
	case "":
		return def, nil
	case "rss", "rss2":
		return formatRSS, nil
	case "atom":
		return formatAtom, nil
	case "json":
		return formatJSON, nil
	}
	return def, fmt.Errorf("bloghttp: feed type %q: %w", r.URL.Query().Get("type"), errBadRequest)
}

// feedPath is the path of a feed in a format, relative to the base, for
// the listing whose feed path (RSS) is rss.
func feedPath(rss string, f feedFormat) string {
	switch f {
	case formatAtom:
		if rss == "/feed/" {
			return "/feed/atom/"
		}
		return rss + "atom/"
	case formatJSON:
		if rss == "/feed/" {
			return "/feed.json"
		}
		return rss + "?type=json"
	}
	return rss
}

// handleFeed serves the feed of the newest posts.
func (s *Server) handleFeed(def feedFormat) http.HandlerFunc {
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
		doc := feedDoc{
			title:       s.site.Title,
			description: s.site.Tagline,
			link:        s.URL("/"),
			self:        s.URL(feedPath("/feed/", format)),
			id:          s.URL("/feed/"),
		}
		s.addPosts(&doc, page.Posts)
		pagecache.Depends(w, pagecache.Lists)
		s.serveFeed(w, r, &doc, format)
	}
}

// handleTermFeed serves the feed of the newest posts with a tag (or a
// category); 404 when none is visible.
func (s *Server) handleTermFeed(tag bool, def feedFormat) http.HandlerFunc {
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
		doc := feedDoc{
			title:       s.site.Title + " » " + name,
			description: s.site.Tagline,
			link:        s.URL(listing),
			self:        s.URL(feedPath(listing+"feed/", format)),
			id:          s.URL(listing + "feed/"),
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
func (s *Server) addPosts(doc *feedDoc, posts []*blog.Post) {
	for _, p := range posts {
		author := p.Author.Name
		if author == "" {
			author = s.site.Author
		}
		it := feedItem{
			title:       p.Title,
			link:        s.URL(s.blog.URL(p)),
			id:          s.tagURI(p.CreatedAt, "/posts/"+strconv.FormatInt(p.ID, 10)),
			author:      author,
			summaryHTML: html.EscapeString(p.Description),
			summaryText: p.Description,
			content:     string(p.HTML),
			published:   p.PublishedAt,
			updated:     postModified(p),
		}
		for _, t := range p.Tags {
			it.tags = append(it.tags, t.Name)
		}
		doc.items = append(doc.items, it)
		if it.updated.After(doc.updated) {
			doc.updated = it.updated
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
	format, err := formatOf(r, formatRSS)
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
	postURL := s.URL(s.blog.URL(p))
	rss := strings.TrimSuffix(postURL, "/") + "/feed/"
	self := rss
	switch format {
	case formatAtom:
		self = rss + "?type=atom"
	case formatJSON:
		self = rss + "?type=json"
	}
	doc := feedDoc{
		title:       "Comments on: " + p.Title,
		description: p.Description,
		link:        postURL,
		self:        self,
		id:          rss,
		updated:     postModified(p),
	}
	for _, c := range list {
		if c.Status != comments.StatusApproved {
			continue
		}
		it := s.commentItem(p, c)
		it.title = "By: " + c.Author.Name
		doc.items = append(doc.items, it)
		if c.CreatedAt.After(doc.updated) {
			doc.updated = c.CreatedAt
		}
	}
	pagecache.Depends(w, pagecache.Post(p.ID), pagecache.Thread(thread))
	s.serveFeed(w, r, &doc, format)
}

// commentItem is comment c on post p as a feed item, titled as in
// WordPress's feed of all comments.
func (s *Server) commentItem(p *blog.Post, c *comments.Comment) feedItem {
	return feedItem{
		title:       "Comment on " + p.Title + " by " + c.Author.Name,
		link:        s.URL("/comments/" + strconv.FormatInt(c.ID, 10)),
		id:          s.tagURI(c.CreatedAt, "/comments/"+strconv.FormatInt(c.ID, 10)),
		author:      c.Author.Name,
		summaryHTML: string(c.HTML),
		content:     string(c.HTML),
		published:   c.CreatedAt,
		updated:     c.CreatedAt,
	}
}

// serveFeed writes doc in format, answering conditional requests.
func (s *Server) serveFeed(w http.ResponseWriter, r *http.Request, doc *feedDoc, format feedFormat) {
	body, err := s.encodeFeed(doc, format)
	if err != nil {
		s.fail(w, r, fmt.Errorf("bloghttp: feed %s: %w", doc.self, err))
		return
	}
	ctype := contentTypeRSS
	switch format {
	case formatAtom:
		ctype = contentTypeAtom
	case formatJSON:
		ctype = contentTypeJSON
	}
	serveConditional(w, r, ctype, body, doc.updated)
}

// epoch stands for "no time known": http.ServeContent omits Last-Modified
// for it.
var epoch = time.Unix(0, 0).UTC()

// encodeFeed writes doc in format with gorilla/feeds, then adjusts what
// that package does not let a Feed say: the language, the channel's
// editor (which it would fill with an email), publication times in Atom,
// the feed's own URL and tags in JSON Feed.
func (s *Server) encodeFeed(doc *feedDoc, format feedFormat) ([]byte, error) {
	updated := doc.updated
	if updated.IsZero() {
		updated = epoch
	}
	f := &feeds.Feed{
		Title:       plainText(doc.title),
		Link:        &feeds.Link{Href: doc.link},
		Description: doc.description,
		Author:      &feeds.Author{Name: s.site.Author},
		Updated:     updated.UTC(),
		Id:          doc.id,
	}
	for _, it := range doc.items {
		item := &feeds.Item{
			Title:       plainText(it.title),
			Link:        &feeds.Link{Href: it.link},
			Description: absoluteHTML(it.summaryHTML, s.base),
			Id:          it.id,
			IsPermaLink: "false",
			Created:     it.published.UTC(),
			Updated:     it.updated.UTC(),
			Content:     absoluteHTML(it.content, s.base),
		}
		if name := plainText(it.author); name != "" {
			item.Author = &feeds.Author{Name: name}
		}
		f.Items = append(f.Items, item)
	}
	var buf bytes.Buffer
	switch format {
	case formatAtom:
		a := (&feeds.Atom{Feed: f}).AtomFeed()
		a.Id = doc.id
		a.Link = &feeds.AtomLink{Href: doc.link, Rel: "alternate", Type: "text/html"}
		for i, e := range a.Entries {
			if p := doc.items[i].published; !p.IsZero() {
				e.Published = p.UTC().Format(time.RFC3339)
			}
		}
		if err := feeds.WriteXML(a, &buf); err != nil {
			return nil, err
		}
	case formatJSON:
		j := (&feeds.JSON{Feed: f}).JSONFeed()
		j.Language = s.site.Language
		j.FeedUrl = doc.self
		j.Author = nil // deprecated in JSON Feed 1.1; Authors says it
		for i, e := range j.Items {
			e.Summary = doc.items[i].summaryText
			e.Tags = doc.items[i].tags
			e.Author = nil
		}
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(j); err != nil {
			return nil, err
		}
	default:
		c := (&feeds.Rss{Feed: f}).RssFeed()
		// RSS wants email addresses in managingEditor and an item's
		// author; Folio shows none, so the channel has no editor and an
		// item's author is a name.
		c.ManagingEditor = ""
		c.Language = s.site.Language
		c.Generator = "Folio"
		if err := feeds.WriteXML(c, &buf); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
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
		modified = epoch
	}
	http.ServeContent(w, r, "", modified, bytes.NewReader(body))
}
