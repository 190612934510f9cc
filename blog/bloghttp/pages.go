package bloghttp

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/bloghttp/internal/pagecache"
)

// maxSearchBytes is the longest search the pages run; longer ones are cut.
const maxSearchBytes = 200

// handleHome serves GET /: the newest posts, sticky ones first; old
// WordPress links (?p=ID, ?cat=ID, …: wordpress.go), ?s=WORDS (search) and
// ?archive=URL (the archive dropdown without script).
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch {
	case isOldQuery(q):
		s.redirectOldQuery(w, r, q)
	case q.Has("archive"):
		s.redirectArchive(w, r, q.Get("archive"))
	case strings.TrimSpace(q.Get("s")) != "":
		s.serveSearch(w, r, q.Get("s"))
	default:
		s.serveList(w, r, listSpec{sticky: true, canon: "/", emptyOK: true, older: "/page/2/"})
	}
}

// redirectArchive answers the archive dropdown's form: 303 to the month
// page it names, if raw is exactly the path of one of the site's month
// pages; anything else is 400, so the form is no open redirect.
func (s *Server) redirectArchive(w http.ResponseWriter, r *http.Request, raw string) {
	rest, ok := strings.CutPrefix(raw, s.prefix+"/")
	y, m, ok2 := parseMonthPath(rest)
	if !ok || !ok2 {
		s.fail(w, r, fmt.Errorf("bloghttp: archive %q is not a month page: %w", raw, errBadRequest))
		return
	}
	http.Redirect(w, r, s.Path(fmt.Sprintf("/%04d/%02d/", y, int(m))), http.StatusSeeOther)
}

// parseMonthPath parses "YYYY/MM/" exactly.
func parseMonthPath(s string) (int, time.Month, bool) {
	if len(s) != 8 || s[4] != '/' || s[7] != '/' {
		return 0, 0, false
	}
	y, ok1 := atoiDigits(s[:4])
	m, ok2 := atoiDigits(s[5:7])
	if !ok1 || !ok2 || m < 1 || m > 12 {
		return 0, 0, false
	}
	return y, time.Month(m), true
}

// atoiDigits parses a string of ASCII digits only.
func atoiDigits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// serveSearch answers ?s=WORDS with the matching posts.
func (s *Server) serveSearch(w http.ResponseWriter, r *http.Request, words string) {
	words = strings.TrimSpace(words)
	if len(words) > maxSearchBytes {
		words = words[:maxSearchBytes]
		for !utf8.ValidString(words) {
			words = words[:len(words)-1]
		}
	}
	res, err := s.blog.Search(r.Context(), words, s.perPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := &ListPage{Heading: "Search Results for: “" + words + "”", Search: words}
	posts := make([]*blog.Post, len(res))
	for i, sr := range res {
		posts[i] = sr.Post
		// The snippet is HTML-escaped text with <mark>s, by the
		// contract of blog.SearchResult.
		page.Items = append(page.Items, ListItem{Post: sr.Post, Snippet: template.HTML(sr.Snippet)})
	}
	if err := s.countItems(r.Context(), page); err != nil {
		s.fail(w, r, err)
		return
	}
	pagecache.Depends(w, pagecache.Lists)
	for _, it := range page.Items {
		dependsOnPost(w, it.Post)
	}
	v := s.newView(r, http.StatusOK, page)
	v.Title = page.Heading
	v.Search = words
	w.Header().Set("X-Robots-Tag", "noindex")
	s.renderView(w, r, "list.html", v)
}

// listSpec says what a listing page shows.
type listSpec struct {
	heading  string
	sticky   bool // the home page: sticky posts first, on the first page
	opts     blog.ListOptions
	canon    string // the path of the listing's first page
	calYear  int
	calMonth time.Month
	calOnly  bool // the calendar's month is not the page's period (a year page)
	emptyOK  bool // an empty first page is not a 404 (the home page)

	// A numbered page (/page/N/): it starts after the token after, its
	// next page is older, and ?after= plays no part.
	paged bool
	after string
	older string // also the home page's: /page/2/
	newer string
}

// serveList answers r with a page of a listing, continued with ?after=.
func (s *Server) serveList(w http.ResponseWriter, r *http.Request, spec listSpec) {
	ctx := r.Context()
	after := r.URL.Query().Get("after")
	if spec.paged {
		after = spec.after
	} else if after != "" {
		if _, err := blog.ParseCursor(after); err != nil {
			s.fail(w, r, fmt.Errorf("bloghttp: %w: %w", errBadRequest, err))
			return
		}
	}
	page := &ListPage{Heading: spec.heading}
	var posts []*blog.Post
	if spec.sticky && after == "" {
		yes := true
		o := spec.opts
		o.Sticky, o.Limit = &yes, s.perPage
		sticky, err := s.blog.List(ctx, o)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		posts = append(posts, sticky.Posts...)
	}
	o := spec.opts
	o.After, o.Limit = after, s.perPage
	if spec.sticky {
		no := false
		o.Sticky = &no
	}
	rest, err := s.blog.List(ctx, o)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	posts = append(posts, rest.Posts...)
	if len(posts) == 0 && !spec.emptyOK {
		s.notFound(w, r)
		return
	}
	for _, p := range posts {
		page.Items = append(page.Items, ListItem{Post: p})
	}
	switch {
	case rest.Next != "" && spec.older != "" && (spec.paged || after == ""):
		page.Older = s.Path(spec.older)
	case rest.Next != "":
		page.Older = s.Path(spec.canon) + "?after=" + url.QueryEscape(rest.Next)
	}
	if spec.newer != "" {
		page.Newer = s.Path(spec.newer)
	}
	if err := s.countItems(ctx, page); err != nil {
		s.fail(w, r, err)
		return
	}
	pagecache.Depends(w, pagecache.Lists) // listings show comment and like counts
	for _, it := range page.Items {
		dependsOnPost(w, it.Post)
	}
	v := s.newView(r, http.StatusOK, page)
	v.Title = spec.heading
	v.Canonical = s.URL(spec.canon)
	if after != "" && !spec.paged {
		v.Canonical += "?after=" + url.QueryEscape(after)
	}
	v.Description = s.site.Tagline
	v.calYear, v.calMonth = spec.calYear, spec.calMonth
	if spec.calMonth != 0 && !spec.calOnly {
		v.curYear, v.curMonth = spec.calYear, spec.calMonth
	}
	s.renderView(w, r, "list.html", v)
}

// countItems fills in the comment and like counts of a listing's posts,
// one call each for the whole page.
func (s *Server) countItems(ctx context.Context, page *ListPage) error {
	page.LikesOn = s.blog.LikesEnabled()
	if len(page.Items) == 0 {
		return nil
	}
	keys := make([]string, len(page.Items))
	ids := make([]int64, len(page.Items))
	for i, it := range page.Items {
		keys[i], ids[i] = threadKey(it.Post), it.Post.ID
	}
	n, err := s.comments.Counts(ctx, keys...)
	if err != nil {
		return err
	}
	for i := range page.Items {
		page.Items[i].Comments = n[keys[i]]
	}
	if page.LikesOn {
		n, err := s.blog.LikeCounts(ctx, ids...)
		if err != nil {
			return err
		}
		for i := range page.Items {
			page.Items[i].Likes = n[ids[i]]
		}
	}
	return nil
}

// handleTag serves /tag/{slug}/.
func (s *Server) handleTag(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	s.serveTerm(w, r, slug, "Tag", "/tag/", blog.ListOptions{Tag: slug}, func(p *blog.Post) []blog.Term { return p.Tags })
}

// handleCategory serves /category/{slug}/.
func (s *Server) handleCategory(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	s.serveTerm(w, r, slug, "Category", "/category/", blog.ListOptions{Category: slug}, func(p *blog.Post) []blog.Term { return p.Categories })
}

// serveTerm serves the listing of a tag or category; the heading names the
// term as the newest post of the listing names it.
func (s *Server) serveTerm(w http.ResponseWriter, r *http.Request, slug, kind, base string, o blog.ListOptions, terms func(*blog.Post) []blog.Term) {
	name := slug
	first, err := s.blog.List(r.Context(), blog.ListOptions{Tag: o.Tag, Category: o.Category, Limit: 1})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(first.Posts) == 0 {
		s.notFound(w, r)
		return
	}
	for _, t := range terms(first.Posts[0]) {
		if t.Slug == slug {
			name = t.Name
		}
	}
	s.serveList(w, r, listSpec{heading: kind + ": " + name, opts: o, canon: base + url.PathEscape(slug) + "/"})
}

// handlePath serves every other GET: archive periods, a post's comment
// feed, permalinks, old paths kept as redirects, else 404.
func (s *Server) handlePath(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	path := r.URL.Path
	if y, m, d, ok := parsePeriod(path); ok {
		s.servePeriod(w, r, y, m, d)
		return
	}
	if base, ok := strings.CutSuffix(path, "/feed/"); ok && base != "" {
		p, redirect, err := s.blog.Resolve(ctx, base+"/")
		if err == nil {
			if redirect != "" {
				s.redirect(w, r, s.Path(redirect)+"feed/")
				return
			}
			s.serveCommentFeed(w, r, p)
			return
		}
		if !errors.Is(err, blog.ErrNotFound) {
			s.fail(w, r, err)
			return
		}
	}
	p, redirect, err := s.blog.Resolve(ctx, path)
	switch {
	case err == nil && redirect != "":
		s.redirect(w, r, s.Path(redirect))
		return
	case err == nil:
		s.servePost(w, r, p, nil, http.StatusOK)
		return
	case !errors.Is(err, blog.ErrNotFound):
		s.fail(w, r, err)
		return
	}
	p, err = s.blog.ResolveOldPath(ctx, path)
	switch {
	case err == nil:
		http.Redirect(w, r, s.PostPath(p), http.StatusMovedPermanently)
		return
	case !errors.Is(err, blog.ErrNotFound) && !errors.Is(err, blog.ErrUnsupported):
		s.fail(w, r, err)
		return
	}
	s.notFound(w, r)
}

// redirect answers a permanent redirect to path, keeping r's query.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, path string) {
	if r.URL.RawQuery != "" {
		path += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, path, http.StatusMovedPermanently)
}

// parsePeriod parses /YYYY/, /YYYY/MM/ and /YYYY/MM/DD/; it reports false
// for other paths and for dates that do not exist.
func parsePeriod(path string) (y int, m time.Month, d int, ok bool) {
	rest, found := strings.CutSuffix(path, "/")
	if !found || !strings.HasPrefix(rest, "/") {
		return 0, 0, 0, false
	}
	parts := strings.Split(rest[1:], "/")
	if len(parts) > 3 || len(parts[0]) != 4 {
		return 0, 0, 0, false
	}
	y, ok = atoiDigits(parts[0])
	if !ok || y < 1 {
		return 0, 0, 0, false
	}
	if len(parts) >= 2 {
		n, ok := atoiDigits(parts[1])
		if !ok || len(parts[1]) != 2 || n < 1 || n > 12 {
			return 0, 0, 0, false
		}
		m = time.Month(n)
	}
	if len(parts) == 3 {
		n, ok := atoiDigits(parts[2])
		last := time.Date(y, m+1, 0, 12, 0, 0, 0, time.UTC).Day()
		if !ok || len(parts[2]) != 2 || n < 1 || n > last {
			return 0, 0, 0, false
		}
		d = n
	}
	return y, m, d, true
}

// lastMonthOf returns the last month of year y with posts, or 0 when the
// archive index cannot say.
func (s *Server) lastMonthOf(r *http.Request, y int) time.Month {
	ix, err := s.blog.Archive(r.Context())
	if err != nil {
		return 0
	}
	var last time.Month
	for _, m := range ix.Months() {
		if m.Year == y && m.Count > 0 && m.Month > last {
			last = m.Month
		}
	}
	return last
}

// servePeriod serves the archive page of a year, month or day; 404 when it
// has no posts.
func (s *Server) servePeriod(w http.ResponseWriter, r *http.Request, y int, m time.Month, d int) {
	from, before := s.blog.Period(y, m, d)
	spec := listSpec{opts: blog.ListOptions{From: from, Before: before}, calYear: y, calMonth: m}
	switch {
	case m == 0:
		spec.heading = "Yearly Archives: " + strconv.Itoa(y)
		spec.canon = fmt.Sprintf("/%04d/", y)
		// The calendar shows the year's last month with posts, where a
		// reader of the year most likely goes next (WordPress shows the
		// current month, which may be years away).
		spec.calYear, spec.calMonth, spec.calOnly = 0, s.lastMonthOf(r, y), true
		if spec.calMonth != 0 {
			spec.calYear = y
		}
	case d == 0:
		spec.heading = "Monthly Archives: " + s.archive.MonthLabel(y, m)
		spec.canon = fmt.Sprintf("/%04d/%02d/", y, int(m))
	default:
		spec.heading = fmt.Sprintf("Daily Archives: %s %d, %d", m, d, y)
		spec.canon = fmt.Sprintf("/%04d/%02d/%02d/", y, int(m), d)
	}
	s.serveList(w, r, spec)
}
