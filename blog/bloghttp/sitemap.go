package bloghttp

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"time"

	"github.com/folioblog/folio/blog"
)

// sitemapMaxURLs is the most URLs one sitemap file may list under the
// sitemaps.org protocol. A blog with more visible posts and pages lists
// the home page and the newest of them; Folio writes no sitemap index.
const sitemapMaxURLs = 50000

const sitemapNS = "http://www.sitemaps.org/schemas/sitemap/0.9"

type sitemapURLSet struct {
	XMLName xml.Name     `xml:"urlset"`
	Xmlns   string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// w3cTime formats t as the W3C Datetime the sitemap protocol asks for.
func w3cTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// handleSitemap serves /sitemap.xml: the home page, then every post and
// page visitors may see now, newest first, with its last change, up to
// sitemapMaxURLs in all. It reads the store a page at a time.
func (s *Server) handleSitemap(w http.ResponseWriter, r *http.Request) {
	set := sitemapURLSet{Xmlns: sitemapNS}
	set.URLs = append(set.URLs, sitemapURL{Loc: s.URL("/")})
	now := s.blog.Now()
	q := blog.PostQuery{
		Statuses: []blog.Status{blog.StatusPublished, blog.StatusScheduled},
		Before:   now.Add(time.Microsecond),
		Limit:    blog.MaxLimit,
	}
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
			set.URLs = append(set.URLs, sitemapURL{Loc: s.URL(s.blog.URL(p)), LastMod: w3cTime(mod)})
		}
		if len(posts) < q.EffectiveLimit() {
			break
		}
		q.After = blog.CursorOf(posts[len(posts)-1])
	}
	if !newest.IsZero() {
		set.URLs[0].LastMod = w3cTime(newest)
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	if err := enc.Encode(set); err != nil {
		s.fail(w, r, fmt.Errorf("bloghttp: sitemap: %w", err))
		return
	}
	buf.WriteByte('\n')
	depends(w, depLists)
	serveConditional(w, r, "application/xml; charset=utf-8", buf.Bytes(), newest)
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
