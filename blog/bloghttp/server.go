package bloghttp

import (
	"context"
	"crypto/rand"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/folioblog/folio/archive"
	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/bloghttp/internal/pagecache"
	"github.com/folioblog/folio/blog/bloghttp/internal/theme"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/comments/commentshttp"
)

// Site describes the blog to its visitors and to feed readers.
type Site struct {
	Title    string
	Tagline  string
	Language string // a BCP 47 tag for <html lang> and feeds; "en" if empty
	Author   string // the feeds' author; the site title if empty

	// BaseURL is the absolute URL where the blog is mounted, such as
	// "https://example.com/" or "https://example.com/blog/". Feeds,
	// sitemaps and canonical links use it; its path is the prefix the
	// Server strips from requests. It never comes from a request's Host
	// header, which a visitor controls.
	BaseURL string
}

// Server is the blog's HTTP face: every page, feed and form of the blog,
// as one http.Handler a host mounts on its own mux at the path of
// Site.BaseURL:
//
//	srv, err := bloghttp.New(b, cs, bloghttp.Site{Title: "Notes", BaseURL: "https://example.com/blog/"})
//	mux.Handle("/blog/", srv)
//
// A Server is safe for concurrent use.
type Server struct {
	blog     *blog.Blog
	comments *comments.Service
	site     Site
	base     *url.URL // Site.BaseURL parsed; its Path ends with "/"
	prefix   string   // base.Path without the trailing slash: "" at the root

	log          *slog.Logger
	auth         Authorizer
	secret       []byte        // keys likes' visitor hashes and the moderator's forms
	expire       chan struct{} // wakes the worker that reschedules the cache's expiry
	theme        *theme.Theme
	archive      *archive.Renderer
	perPage      int
	commentsPage int
	firstWeekday time.Weekday
	clientIP     func(*http.Request) string
	gravatar     bool                                        // avatars from Gravatar rather than initials
	crossOrigin  *http.CrossOriginProtection                 // refuses cross-site POSTs of the public forms
	identity     func(*http.Request) (comments.Author, bool) // the host's signed-in reader
	links        []Link                                      // discovery links for every page

	commentForm http.Handler
	mux         *http.ServeMux
	cache       *pagecache.Cache // nil when off
	handler     http.Handler     // mux, behind the cache when it is on
	stop        context.CancelFunc
}

// Authorizer tells a moderator's requests from a visitor's. The host
// supplies it: bloghttp has no user accounts of its own ([TokenAuth] is a
// ready one for a single shared token).
type Authorizer interface {
	// Authorize returns the moderator r is made by, and false for a
	// visitor.
	Authorize(r *http.Request) (Moderator, bool)
}

// AuthorizerFunc adapts a function to an [Authorizer].
type AuthorizerFunc func(r *http.Request) (Moderator, bool)

// Authorize calls f(r).
func (f AuthorizerFunc) Authorize(r *http.Request) (Moderator, bool) { return f(r) }

// Moderator is someone the host lets moderate comments.
type Moderator struct {
	Name  string // shown on the comments they write
	Email string

	// ViaHeader is true when the request was authorised by a header that
	// browsers never send on their own (Authorization: Bearer …), and
	// false for a cookie. Only header-authorised requests may skip the
	// anti-forgery field of forms.
	ViaHeader bool
}

type config struct {
	log          *slog.Logger
	auth         Authorizer
	themeFS      fs.FS
	gravatar     bool
	secret       []byte
	perPage      int
	commentsPage int
	firstWeekday time.Weekday
	labels       *archive.Labels
	clientIP     func(*http.Request) string
	cacheBytes   int64
	identity     func(*http.Request) (comments.Author, bool)
	links        []Link
}

// Link is a discovery link every page announces, in its <head> and in a
// Link header: a Micropub endpoint (rel "micropub"), a media endpoint, a
// WebSub hub, an IndieAuth endpoint.
type Link struct {
	Rel  string // a link relation: "micropub"
	Href string // an absolute URL, or a path from the site's root
}

// WithLinks makes every page announce links (see [Link]), as clients such
// as Micropub's discover their endpoints. A link without a rel or href is
// an error from [New].
func WithLinks(links ...Link) Option {
	return func(c *config) { c.links = append(c.links, links...) }
}

// Option configures a [Server].
type Option func(*config)

// WithLogger sets where internal errors are logged; visitors never see
// them. The default is slog.Default().
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.log = l } }

// WithAuthorizer sets who may moderate. Without one nobody can: the
// moderation screens answer 401.
func WithAuthorizer(a Authorizer) Option { return func(c *config) { c.auth = a } }

// WithSecret sets the key for the hashes of likes and the anti-forgery
// tokens of moderation forms; at least 32 bytes. Sites with several
// instances must give them all the same one. The default is random per
// process.
func WithSecret(key []byte) Option { return func(c *config) { c.secret = key } }

// WithPostsPerPage sets how many posts a listing page shows (default 10).
func WithPostsPerPage(n int) Option { return func(c *config) { c.perPage = n } }

// WithCommentsPerPage sets how many top-level comments a post page shows
// at a time, with their replies (default 50).
func WithCommentsPerPage(n int) Option { return func(c *config) { c.commentsPage = n } }

// WithFirstWeekday sets the first day of the calendar's weeks (default
// Monday).
func WithFirstWeekday(d time.Weekday) Option { return func(c *config) { c.firstWeekday = d } }

// WithArchiveLabels translates the archive widgets.
func WithArchiveLabels(l archive.Labels) Option { return func(c *config) { c.labels = &l } }

// WithTheme overrides the default theme with the files of fsys: an
// html/template file at its root (post.html, list.html, error.html,
// layout.html, or a partial named _NAME.html) replaces the default file of
// that name, and a file under static/ is served at /static/NAME in place
// of the default one. Every page is drawn by layout.html, which calls the
// page's {{define}}s "content" (required), "title", "head" and "sidebar";
// templates run with the page's data in .Page and the site in .Site (the
// package documentation lists every field and function). A
// template that does not parse makes [New] fail.
func WithTheme(fsys fs.FS) Option { return func(c *config) { c.themeFS = fsys } }

// WithGravatar shows comment authors' Gravatar images (an identicon for
// those without one) instead of the default circles of initials, which
// need no request to another site.
func WithGravatar() Option { return func(c *config) { c.gravatar = true } }

// WithClientIP sets how a visitor's address is found, for comments and
// likes. The default is the host part of r.RemoteAddr; a host behind a
// proxy it trusts reads the proxy's header here.
func WithClientIP(fn func(*http.Request) string) Option {
	return func(c *config) { c.clientIP = fn }
}

// DefaultPageCacheBytes is the memory the page cache may use unless
// [WithPageCache] says otherwise.
const DefaultPageCacheBytes = 64 << 20

// WithPageCache sets the memory the page cache may use, in bytes (default
// DefaultPageCacheBytes); 0 turns it off. Whole pages are cached, with
// their gzip copies, and evicted by the store's change events, so pages
// are cached only when the blog's store reports its changes
// ([blog.ChangeHook], [blog.SharedChangeFeed] or [blog.ChangeFeed]). Pages that depend on the visitor — a moderator, a
// commenter's remembered details, a comment awaiting moderation — are
// never cached, and say so in the header X-Folio-Cache: bypass.
func WithPageCache(maxBytes int64) Option { return func(c *config) { c.cacheBytes = maxBytes } }

// WithIdentity lets the host name the reader it has signed in, so they
// comment as themselves: fn returns the author (with the host's UserID and
// Verified set as it vouches) and true, or false for an anonymous visitor.
// Such readers see "Logged in as NAME" instead of the name, email and
// website fields, and their comments still carry the form token and go
// through moderation like anyone's (a host that trusts them says so with a
// comments.Rule). Moderators are recognised by the Authorizer first. Pages
// shown to a signed-in reader are not cached.
func WithIdentity(fn func(r *http.Request) (comments.Author, bool)) Option {
	return func(c *config) { c.identity = fn }
}

// reader returns the host's signed-in reader of r, if any.
func (s *Server) reader(r *http.Request) (comments.Author, bool) {
	if s.identity == nil {
		return comments.Author{}, false
	}
	return s.identity(r)
}

// New returns a Server for the blog b and its comments cs. It applies
// defaults, then opts, then validates: a bad site or option is a
// [*blog.ValidationError] naming it.
func New(b *blog.Blog, cs *comments.Service, site Site, opts ...Option) (*Server, error) {
	if b == nil || cs == nil {
		return nil, &blog.ValidationError{Field: "blog and comment service", Reason: "nil"}
	}
	c := config{
		log:          slog.Default(),
		perPage:      blog.DefaultLimit,
		commentsPage: comments.DefaultLimit,
		firstWeekday: time.Monday,
		cacheBytes:   DefaultPageCacheBytes,
	}
	for _, opt := range opts {
		opt(&c)
	}
	base, err := url.Parse(site.BaseURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" || base.RawQuery != "" || base.Fragment != "" {
		return nil, &blog.ValidationError{Field: "site base URL", Reason: fmt.Sprintf("%q is not an absolute http(s) URL without query or fragment", site.BaseURL)}
	}
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
	}
	switch {
	case strings.TrimSpace(site.Title) == "":
		return nil, &blog.ValidationError{Field: "site title", Reason: "empty"}
	case c.log == nil:
		return nil, &blog.ValidationError{Field: "logger", Reason: "nil"}
	case c.perPage < 1 || c.perPage > blog.MaxLimit:
		return nil, &blog.ValidationError{Field: "posts per page", Reason: fmt.Sprintf("%d not in 1..%d", c.perPage, blog.MaxLimit)}
	case c.commentsPage < 1 || c.commentsPage > comments.MaxLimit:
		return nil, &blog.ValidationError{Field: "comments per page", Reason: fmt.Sprintf("%d not in 1..%d", c.commentsPage, comments.MaxLimit)}
	case c.cacheBytes < 0:
		return nil, &blog.ValidationError{Field: "page cache size", Reason: fmt.Sprintf("%d is negative", c.cacheBytes)}
	case c.secret != nil && len(c.secret) < 32:
		return nil, &blog.ValidationError{Field: "secret", Reason: fmt.Sprintf("%d bytes, at least 32 needed", len(c.secret))}
	}
	for _, l := range c.links {
		if l.Rel == "" || l.Href == "" || strings.ContainsAny(l.Rel+l.Href, "<>\"\r\n ") {
			return nil, &blog.ValidationError{Field: "links", Reason: fmt.Sprintf("rel %q href %q: both needed, without spaces, quotes or angle brackets", l.Rel, l.Href)}
		}
	}
	if site.Language == "" {
		site.Language = "en"
	}
	if site.Author == "" {
		site.Author = site.Title
	}
	if c.secret == nil {
		c.secret = make([]byte, 32)
		rand.Read(c.secret)
		c.log.Info("bloghttp: no secret set; using a random one, so likes and moderation forms do not carry over a restart or across instances")
	}
	if c.auth == nil {
		c.auth = AuthorizerFunc(func(*http.Request) (Moderator, bool) { return Moderator{}, false })
	}
	if c.clientIP == nil {
		c.clientIP = remoteIP
	}
	s := &Server{
		blog:         b,
		comments:     cs,
		site:         site,
		base:         base,
		prefix:       strings.TrimSuffix(base.Path, "/"),
		log:          c.log,
		auth:         c.auth,
		secret:       c.secret,
		perPage:      c.perPage,
		commentsPage: c.commentsPage,
		firstWeekday: c.firstWeekday,
		identity:     c.identity,
		links:        c.links,
		clientIP:     c.clientIP,
		gravatar:     c.gravatar,
		crossOrigin:  http.NewCrossOriginProtection(),
	}
	archOpts := []archive.Option{archive.WithPrefix(s.prefix)}
	if c.labels != nil {
		archOpts = append(archOpts, archive.WithLabels(*c.labels))
	}
	s.archive = archive.NewRenderer(archOpts...)
	if s.theme, err = loadTheme(c.themeFS, s.funcs()); err != nil {
		return nil, err
	}
	s.commentForm = s.newCommentForm()
	s.mux = http.NewServeMux()
	s.routes(s.mux)
	s.handler = s.mux
	if c.cacheBytes > 0 {
		s.expire = make(chan struct{}, 1)
		cache := pagecache.New(c.cacheBytes, b.Now,
			pagecache.WithBypassCookies(AdminCookie, commentshttp.RememberCookie),
			// A host's Authorizer may know a moderator by the host's own
			// cookie: never cache what a moderator is shown.
			pagecache.WithBypass(func(r *http.Request) bool {
				if _, ok := s.auth.Authorize(r); ok {
					return true
				}
				if _, ok := s.reader(r); ok {
					return true
				}
				// One who liked posts is shown "you like this" on them.
				return len(s.likedIDs(r)) > 0
			}),
			pagecache.WithOnExpire(s.wakeExpiry))
		// Writes in this process evict before they return, so the very
		// next request sees them. The Blog keeps its archive index
		// current itself.
		remove, hooked := b.OnChange(func(ch blog.Change) {
			cache.Apply(ch)
			if ch.Kind == blog.ChangePost || ch.Kind == blog.ChangeFlush {
				s.wakeExpiry() // the worker reads the store: not inside its write
			}
		})
		if hooked || b.FollowsOtherWrites() {
			ctx, cancel := context.WithCancel(context.Background())
			s.stop = cancel
			s.cache = cache
			context.AfterFunc(ctx, remove)
			if b.FollowsOtherWrites() {
				// A store several processes write to: their writes arrive
				// as events (this process's too, a second time).
				cache.Watch(ctx, blog.ChangeFeedFunc(b.OtherWrites), func(ch blog.Change) {
					if ch.Kind == blog.ChangePost || ch.Kind == blog.ChangeFlush {
						s.wakeExpiry()
					}
				})
			}
			s.scheduleExpiry()
			go s.expiryWorker(ctx)
			s.handler = cache.Wrap(s.mux)
		}
	}
	return s, nil
}

// wakeExpiry asks the expiry worker to reschedule the cache's expiry. It
// never blocks: a wake-up already pending covers this one.
func (s *Server) wakeExpiry() {
	select {
	case s.expire <- struct{}{}:
	default:
	}
}

// expiryWorker reschedules the cache's expiry each time it is woken, one
// reschedule at a time, until ctx is done.
func (s *Server) expiryWorker(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.expire:
			s.scheduleExpiry()
		}
	}
}

// Close stops the Server's background work: following the store's change
// events for the page cache. The Server keeps answering, uncached.
func (s *Server) Close() error {
	if s.stop != nil {
		s.stop()
	}
	return nil
}

// scheduleExpiry tells the page cache when the next scheduled post becomes
// visible, and that the calendar's current month ends at the next month.
func (s *Server) scheduleExpiry() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	now := s.blog.Now().In(s.blog.Location())
	s.cache.ExpireAt(time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, s.blog.Location()))
	at, ok, err := s.blog.NextScheduledChange(ctx)
	switch {
	case err != nil:
		s.log.Error("bloghttp: next scheduled post", "err", err)
		s.cache.ExpireAt(s.blog.Now().Add(time.Minute)) // try again soon
	case ok:
		s.cache.ExpireAt(at)
	}
}

// routes registers every handler on m, with paths relative to the base.
func (s *Server) routes(m *http.ServeMux) {
	m.HandleFunc("GET /{$}", s.handleHome) // also ?s= (search), ?p= (old links), ?archive= (dropdown)
	m.HandleFunc("GET /tag/{slug}/{$}", s.handleTag)
	m.HandleFunc("GET /category/{slug}/{$}", s.handleCategory)
	m.Handle("POST /comments", s.commentForm)
	m.HandleFunc("GET /comments/{id}", s.handleCommentPermalink)
	m.HandleFunc("POST /likes/{id}", s.handleLike)
	m.HandleFunc("GET /static/{file}", s.handleStatic)
	s.routeFeeds(m)                     // feeds.go: feeds, sitemap, robots.txt
	s.routeWordPress(m)                 // wordpress.go: home paging, authors, the comments feed
	s.routeAdmin(m)                     // admin.go: moderation
	m.HandleFunc("GET /", s.handlePath) // archives, permalinks, a post's comment feed, old paths, 404
}

// ServeHTTP serves a request for a path under the site's base URL.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w.Header(), r)
	for _, l := range s.links {
		w.Header().Add("Link", "<"+l.Href+`>; rel="`+l.Rel+`"`)
	}
	if clean := cleanPath(r.URL.Path); clean != r.URL.Path && r.Method != http.MethodConnect {
		// Redirect here, before the prefix is stripped: the mux's own
		// redirect would lose the prefix.
		u := *r.URL
		u.Path, u.RawPath = clean, ""
		http.Redirect(w, r, u.RequestURI(), http.StatusMovedPermanently)
		return
	}
	if s.prefix != "" {
		p := strings.TrimPrefix(r.URL.Path, s.prefix)
		if len(p) == len(r.URL.Path) || (p != "" && p[0] != '/') {
			s.notFound(w, r)
			return
		}
		r2 := new(http.Request)
		*r2 = *r
		u := *r.URL
		u.Path = p
		if u.Path == "" {
			u.Path = "/"
		}
		u.RawPath = ""
		r2.URL = &u
		r = r2
	}
	if a := s.tokenAuth(); a != nil && !s.checkBearer(w, r, a) {
		return
	}
	s.handler.ServeHTTP(w, r)
}

// cleanPath is path.Clean keeping a trailing slash, as http.ServeMux does.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	c := path.Clean(p)
	if p[len(p)-1] == '/' && c != "/" {
		c += "/"
	}
	return c
}

// URL returns the absolute URL of a path relative to the base ("/2013/01/").
func (s *Server) URL(path string) string {
	return s.base.Scheme + "://" + s.base.Host + s.prefix + path
}

// Path returns the path, from the site's root, of a path relative to the
// base: what goes in an href.
func (s *Server) Path(path string) string { return s.prefix + path }

// PostPath returns the path of a post's page, for an href.
func (s *Server) PostPath(p *blog.Post) string { return s.prefix + s.blog.PostPath(p) }
