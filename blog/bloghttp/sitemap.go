package bloghttp

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/folioblog/folio/archive"
	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/bloghttp/internal/pagecache"
	"github.com/folioblog/folio/blog/bloghttp/internal/sitemap"
)

// sitemapMaxURLs is the most URLs one sitemap file may list under the
// sitemaps.org protocol. A var so tests can make a small site large.
var sitemapMaxURLs = sitemap.MaxURLs

// handleSitemap serves /sitemap.xml: the home page, then every post and
// page visitors may see now, newest first, with its last change. A blog
// with more posts than one sitemap may list (50,000) is served a sitemap
// index instead, of /sitemaps/pages.xml (the home page and the pages) and
// /sitemaps/YEAR.xml for each year of the archive.
func (s *Server) handleSitemap(w http.ResponseWriter, r *http.Request) {
	ix, err := s.blog.Archive(r.Context())
	if err != nil {
		s.fail(w, r, fmt.Errorf("bloghttp: sitemap: %w", err))
		return
	}
	if ix.Total() >= sitemapMaxURLs {
		s.serveSitemapIndex(w, r, ix.Years())
		return
	}
	s.serveSitemap(w, r, s.visiblePosts(), true)
}

// handleSitemapPart serves one file of the sitemap index: pages.xml, or
// YEAR.xml with the posts of that year in the site's time zone.
func (s *Server) handleSitemapPart(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(r.PathValue("file"), ".xml")
	if !ok {
		s.notFound(w, r)
		return
	}
	if name == "pages" {
		q := s.visiblePosts()
		q.Kinds = []blog.Kind{blog.KindPage}
		s.serveSitemap(w, r, q, true)
		return
	}
	year, err := strconv.Atoi(name)
	if err != nil || len(name) != 4 {
		s.notFound(w, r)
		return
	}
	q := s.visiblePosts()
	q.Kinds = []blog.Kind{blog.KindPost}
	from, before := s.blog.Period(year, 0, 0)
	q.From = from
	if before.Before(q.Before) {
		q.Before = before
	}
	s.serveSitemap(w, r, q, false)
}

// visiblePosts is the query for every post and page visitors see now.
func (s *Server) visiblePosts() blog.PostQuery {
	return blog.PostQuery{
		Statuses: []blog.Status{blog.StatusPublished, blog.StatusScheduled},
		Before:   s.blog.Now().Add(time.Microsecond),
		Limit:    blog.MaxLimit,
	}
}

// serveSitemap serves a urlset of the posts matching q, newest first, up
// to sitemapMaxURLs in all, led by the home page if home is true. It
// reads the store a page at a time.
func (s *Server) serveSitemap(w http.ResponseWriter, r *http.Request, q blog.PostQuery, home bool) {
	set := &sitemap.URLSet{}
	if home {
		set.URLs = append(set.URLs, sitemap.URL{Loc: s.URL("/")})
	}
	now := s.blog.Now()
	var newest time.Time
	for len(set.URLs) < sitemapMaxURLs {
		posts, err := s.blog.ListAll(r.Context(), q)
		if err != nil {
			s.fail(w, r, fmt.Errorf("bloghttp: sitemap: %w", err))
			return
		}
		for _, p := range posts {
			if !p.VisibleAt(now) || len(set.URLs) == sitemapMaxURLs {
				continue
			}
			mod := postModified(p)
			if mod.After(newest) {
				newest = mod
			}
			set.URLs = append(set.URLs, sitemap.URL{Loc: s.URL(s.blog.PostPath(p)), LastMod: sitemap.Time(mod)})
		}
		if len(posts) < q.EffectiveLimit() {
			break
		}
		q.After = blog.CursorOf(posts[len(posts)-1])
	}
	if home && !newest.IsZero() {
		set.URLs[0].LastMod = sitemap.Time(newest)
	}
	s.serveXML(w, r, set, newest)
}

// serveSitemapIndex serves the index of the sitemap's files.
func (s *Server) serveSitemapIndex(w http.ResponseWriter, r *http.Request, years []archive.Year) {
	idx := &sitemap.Index{}
	idx.Sitemaps = append(idx.Sitemaps, sitemap.URL{Loc: s.URL("/sitemaps/pages.xml")})
	for _, y := range years {
		idx.Sitemaps = append(idx.Sitemaps, sitemap.URL{Loc: s.URL(fmt.Sprintf("/sitemaps/%04d.xml", y.Year))})
	}
	s.serveXML(w, r, idx, time.Time{})
}

// serveXML writes a sitemap document, answering conditional requests.
func (s *Server) serveXML(w http.ResponseWriter, r *http.Request, v any, modified time.Time) {
	body, err := sitemap.Encode(v)
	if err != nil {
		s.fail(w, r, fmt.Errorf("bloghttp: sitemap: %w", err))
		return
	}
	pagecache.Depends(w, pagecache.Lists)
	serveConditional(w, r, sitemap.ContentType, body, modified)
}

// handleRobots serves /robots.txt: crawlers may read everything but the
// moderation screens, and learn where the sitemap is. Crawlers read
// robots.txt only at the root of a host, so a blog mounted under a path
// is served this file at that path, where the host may fetch it to merge
// into its own.
func (s *Server) handleRobots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "User-agent: *\nDisallow: %s\n\nSitemap: %s\n", s.Path("/admin/"), s.URL("/sitemap.xml"))
}
