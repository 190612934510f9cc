// Package bloghttp is what a host mounts on its own mux to serve a Folio
// blog: the pages, the comment form, feeds, the sitemap and the moderation
// screens, with overridable html/template themes.
//
// # Mounting
//
// [New] builds a [Server] from a [blog.Blog], a [comments.Service] and a
// [Site] whose BaseURL says where the blog lives; the Server strips that
// path itself, so a host mounts it as it is:
//
//	srv, err := bloghttp.New(b, cs, bloghttp.Site{Title: "Notes", BaseURL: "https://example.com/blog/"})
//	mux.Handle("/blog/", srv)
//
// The comment service must know which threads exist and are open: build
// it with the blog's policy, [github.com/folioblog/folio/blog/blogcomments.Threads]:
//
//	cs, err := comments.NewService(store, blogcomments.Threads(b))
//
// # Routes
//
// Relative to the base: the home page / (with ?s= for search), its pages
// /page/N/, /YYYY/, /YYYY/MM/, /YYYY/MM/DD/, post permalinks, /tag/NAME/,
// /category/NAME/, /author/NAME/ (NAME the slug of the author's name, or
// a WordPress login an import recorded), feeds /feed/, /feed/atom/,
// /feed.json, /author/NAME/feed/, the site's comments at /comments/feed/
// and a post's at PERMALINK/feed/, /sitemap.xml, /robots.txt, the comment form
// POST /comments, a comment's permalink GET /comments/ID, likes POST
// /likes/ID, static files /static/FILE, and the moderation screens under
// /admin/.
//
// WordPress's query links answer 301 to their Folio pages: ?p=ID,
// ?page_id=ID, ?cat=ID, ?tag=SLUG, ?author=ID, ?m=YYYY[MM[DD]] and
// ?feed=rss2|atom|comments-rss2. IDs are the ones a WordPress import
// recorded as old paths ([blog.Blog.AddOldPath]); a recorded
// ID wins over a Folio post of the same ID, which answers ?p= only where
// no import recorded that number. What names nothing is 404.
//
// # Feeds
//
// RSS 2.0 at /feed/ (full text in content:encoded), Atom at /feed/atom/,
// JSON Feed at /feed.json; per tag and category at /tag/NAME/feed/ and
// /category/NAME/feed/ (with /atom/ or ?type=atom|json); a post's approved
// comments at PERMALINK/feed/. Links are absolute, made from
// Site.BaseURL, and so are the relative URLs of images and links in the
// content; titles and names are plain text, tags stripped, so that no
// reader shows a commenter's markup; authors appear by name, never by
// email. Feeds and the
// sitemap answer conditional requests (ETag, Last-Modified, 304).
//
// # Moderation
//
// Under /admin/: the lists of pending, approved, spam and trashed comments,
// each in an element with id="comment-ID" and the rule and reason that set
// its status, and POST /admin/comments/ID/approve, …/spam, …/trash,
// …/restore, …/delete, …/edit and /admin/comments/bulk. The host's
// [Authorizer] says who moderates; [TokenAuth] is a ready one for a single
// token, sent as "Authorization: Bearer TOKEN" or exchanged for a session
// cookie at /admin/login. A request authorised by the bearer header needs
// no anti-forgery field and is answered with JSON; a cookie session's
// forms carry one and are answered with a redirect. A comment sent through
// the form by a moderator skips the flood limit and is approved at once.
//
// # Caching
//
// Whole pages are cached in memory with their gzip copies ([WithPageCache])
// and answer conditional requests; every write evicts exactly the pages
// that show what it changed — at once for stores that report writes as
// they return ([blog.ChangeHook]), and through change events for a
// database several instances share ([blog.SharedChangeFeed]), both through
// [blog.Blog.OnChange] and [blog.Blog.OtherWrites]. Pages that depend
// on the visitor are never cached and say so in X-Folio-Cache: bypass.
// The cache itself is the internal package blog/bloghttp/internal/pagecache:
// each handler declares what its page shows with pagecache.Depends, and a
// change evicts exactly the pages that declared it.
//
// # Errors
//
// Every error goes through one table to its status: missing things 404,
// bad input 400 (422 for a refused comment), conflicts and duplicates 409,
// floods 429, closed threads and failed anti-forgery checks 403, a lost
// store 503. Internal errors are logged with log/slog and never shown.
// The comment errors' rows are those of
// [github.com/folioblog/folio/comments/commentshttp.StatusOf], so the
// comment form here and commentshttp's own handler answer alike; the form
// is read with commentshttp and the comment given straight to
// [comments.Service.Submit].
//
// # Security
//
// Every answer carries a strict Content-Security-Policy without inline
// script or style, X-Content-Type-Options, Referrer-Policy and frame
// denial. Unsafe methods are checked with [net/http.CrossOriginProtection];
// moderation forms also carry anti-forgery tokens unless the request is
// authorised by a bearer header. Cookies are HttpOnly, SameSite=Lax, and
// Secure behind TLS.
//
// # Themes
//
// A theme is a set of html/template files plus static files, read from the
// embedded default theme (directory theme/) and, optionally, a host's
// fs.FS given with [WithTheme] whose files replace the default ones by
// name:
//
//	layout.html        the document around every page (<html>, <head>,
//	                   header, search form, sidebar, footer)
//	_*.html            partials (names starting with "_"): parsed into
//	                   every page's set, for {{define}}s several pages share
//	NAME.html          a page: any other *.html at the root (post.html,
//	                   list.html, error.html, admin-comments.html, …)
//	static/FILE        files served at /static/FILE
//
// Every page is parsed once, in New, into its own set: layout.html, then
// the partials, then the page file. Rendering a page executes
// "layout.html", which calls these templates, each a {{define}} the page
// may give or leave to the layout's default:
//
//	"title"    the text of <title>; default: .Title, " – ", the site title
//	"head"     extra tags for <head>; default: none
//	"content"  the page's main column; a page MUST define it
//	"sidebar"  the sidebar; default: the archives list and dropdown and the
//	           calendar. A page without one defines it as {{""}}:
//	           {{define "sidebar"}}{{""}}{{end}} (a define with an empty
//	           body does not replace the default, as in text/template)
//
// Every template runs with dot set to a [*View], whose fields are documented
// there:
//
//	.Site        Site: Title, Tagline, Language, Author, BaseURL
//	.Page        the page's own data (below)
//	.Title       the page's title ("" on the home page)
//	.Description <meta name="description"> and og:description; "" for none
//	.Canonical   absolute URL for <link rel="canonical"> and og:url; "" for none
//	.OGType      "website" or "article"
//	.OGImage     absolute URL of og:image: the first image of a post, found
//	             when it was saved (blog.Post.Image); "" for none
//	.Search      the search box's current words
//	.Status      the HTTP status being answered
//	.Moderator   *Moderator when a moderator makes the request, else nil
//	.Sidebar     (a method) the sidebar's widgets, a *Sidebar: .List,
//	             .Dropdown, .Calendar, .Categories and .Tags (TermLinks);
//	             computed on first call
//
// Functions every template may call:
//
//	path "/tag/x/"      an href for a path relative to the blog ("/blog/tag/x/")
//	url "/tag/x/"       the absolute URL of such a path
//	static "folio.css"  the href of a static file, with a version query
//	postURL POST        the href of a *blog.Post
//	date TIME           "January 2, 2006" in the site's time zone
//	datetime TIME       RFC 3339 in the site's time zone, for <time datetime>
//	clock TIME          "3:04 pm" in the site's time zone
//	plural N "x" "xs"   "1 x", "2 xs"
//	avatar NAME EMAIL   an avatar: {{with avatar ...}} .URL (an <img> src, or
//	                    "" for none), .Initials and .Class (for a coloured
//	                    circle of initials)
//	authorURL URL       a comment author's website made safe again, or ""
//	authorPath NAME     the href of a post author's archive ("/author/jane-doe/")
//	commentID COMMENT   "comment-ID", the id of a comment's element
//	isPage POST         whether a *blog.Post is a page rather than a post
//
// The pages of the default theme and the type of their .Page:
//
//	list.html   *ListPage: the home page, tags, categories, authors,
//	            archive periods and search results; .Items are ListItems
//	post.html   *PostPage: a post or page; .Comments a tree of
//	            *CommentNodes, .CommentPages PageLinks, .Form a
//	            *CommentForm (nil when comments are closed)
//	error.html  ErrorPage: .Status, .Text, and on a 404 .Recent and
//	            .Archives
//
// Each of [ListPage], [ListItem], [PostPage], [CommentNode], [PageLink],
// [CommentForm] and [ErrorPage] documents its fields, and so do [Sidebar]
// and [Avatar], what the avatar function returns. [WithTheme] shows a
// page replaced. The moderation screens (admin-comments.html,
// admin-edit.html, login.html) receive data of their own that is not part
// of this API: a theme that replaces them follows the default theme's
// files.
//
// Handlers call s.render(w, r, status, "NAME.html", data): the page is
// executed into a buffer first, so a template error answers a plain 500
// (and is logged) rather than half a page.
package bloghttp
