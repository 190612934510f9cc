// Command embed shows Folio inside a host site that has its own pages and
// its own sign-in: the blog is mounted under /blog/, and a reader signed
// in to the host comments under the host's name for them, with no name or
// email to type.
//
//	go run ./examples/embed
//
// serves http://127.0.0.1:8081/ with posts kept in memory. Sign in at
// /login as "demo" with the password "demo".
//
// # Usage
//
//	embed [-addr HOST:PORT] [-base-url URL]
//
// -addr is where to listen (default 127.0.0.1:8081); -base-url is the
// blog's public URL (default http://ADDR/blog/).
//
// # Identity
//
// The blog's comment form normally takes a visitor's name and email. The
// host tells the blog who its signed-in reader is
// ([bloghttp.WithIdentity]): the post page then says "Logged in as NAME"
// instead of asking, and the comment carries the host's name for them. A
// signed-in reader is not a moderator: their comment still needs its form
// token and goes through the moderation rules, where a rule approves the
// host's verified members.
package main

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/blogcomments"
	"github.com/folioblog/folio/blog/bloghttp"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/memstore"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "embed:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

// config is what the host is built from.
type config struct {
	addr    string
	baseURL string // of the blog; ends in /blog/
	log     *slog.Logger

	// Test hook: comment form tokens usable at once.
	noTokenMinAge bool
}

// run serves the host site until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg := config{}
	fs := flag.NewFlagSet("embed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8081", "`HOST:PORT` to listen on")
	fs.StringVar(&cfg.baseURL, "base-url", "", "public `URL` of the blog (default http://ADDR/blog/)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "embed: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	cfg.log = slog.New(slog.NewTextHandler(stderr, nil))
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	if cfg.baseURL == "" {
		cfg.baseURL = "http://" + ln.Addr().String() + "/blog/"
	}
	a, err := newApp(ctx, cfg)
	if err != nil {
		ln.Close()
		return err
	}
	srv := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	fmt.Fprintf(stdout, "host site on http://%s/ (blog at %s; sign in as %q, password %q)\n",
		ln.Addr(), cfg.baseURL, demoUser.Login, demoPassword)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

// user is an account of the host site.
type user struct {
	ID, Login, Name, Email string
}

// The host's one account, for the demo.
var demoUser = user{ID: "1", Login: "demo", Name: "Dana Reader", Email: "dana@example.com"}

const demoPassword = "demo"

// sessionCookie holds a signed-in user's session: "ID.EXPIRY.MAC".
const (
	sessionCookie = "host_session"
	sessionAge    = 12 * time.Hour
)

// app is the host site: its pages, its sign-in and the blog mounted under
// /blog/.
type app struct {
	key     []byte // signs the host's session cookies
	blog    *blog.Blog
	server  *bloghttp.Server
	handler http.Handler
}

// newApp builds the host site with the blog kept in memory and a few
// posts in it.
func newApp(ctx context.Context, cfg config) (*app, error) {
	if cfg.log == nil {
		cfg.log = slog.New(slog.DiscardHandler)
	}
	secret := make([]byte, 32)
	rand.Read(secret)
	a := &app{key: derive(secret, "host sessions")}

	store := memstore.New()
	b, err := blog.New(store, blog.WithLogger(cfg.log))
	if err != nil {
		return nil, err
	}
	a.blog = b
	copts := []comments.Option{
		comments.WithRules(memberRules()...),
		comments.WithTokenKey(derive(secret, "comment forms")),
		comments.WithLogger(cfg.log),
	}
	if cfg.noTokenMinAge {
		copts = append(copts, comments.WithTokenAge(0, comments.DefaultTokenMaxAge))
	}
	cs, err := comments.NewService(store, blogcomments.Threads(b), copts...)
	if err != nil {
		return nil, err
	}
	// No WithAuthorizer: the host's readers are not moderators, so the
	// moderation screens stay closed.
	a.server, err = bloghttp.New(b, cs, bloghttp.Site{
		Title:   "Workshop Notes",
		Tagline: "The blog of the Workshop",
		BaseURL: cfg.baseURL,
	}, bloghttp.WithLogger(cfg.log), bloghttp.WithSecret(derive(secret, "blog")),
		bloghttp.WithIdentity(func(r *http.Request) (comments.Author, bool) {
			u, ok := a.user(r)
			if !ok {
				return comments.Author{}, false
			}
			return comments.Author{Name: u.Name, Email: u.Email, UserID: memberPrefix + u.ID, Verified: true}, true
		}))
	if err != nil {
		return nil, err
	}
	if err := seed(ctx, b); err != nil {
		return nil, err
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", a.page("home"))
	mux.HandleFunc("GET /about", a.page("about"))
	mux.HandleFunc("GET /login", a.page("login"))
	mux.HandleFunc("POST /login", a.login)
	mux.HandleFunc("POST /logout", a.logout)
	mux.Handle("/blog/", a.server)
	a.handler = http.NewCrossOriginProtection().Handler(mux)
	return a, nil
}

// memberPrefix marks the UserID of comments by the host's members.
const memberPrefix = "host:"

// memberRules moderates as WordPress does by default, except that a
// verified member of the host needs no earlier approved comment: other
// authors still do, and a comment with too many links is held whoever
// wrote it.
func memberRules() []comments.Rule {
	set := comments.DefaultWordPressSettings()
	set.PreviouslyApproved = false
	previously := comments.PreviouslyApproved()
	return append(comments.WordPressRules(set), comments.RuleFunc(
		func(ctx context.Context, c *comments.Comment, env comments.RuleEnv) (comments.Verdict, error) {
			if c.Author.Verified && strings.HasPrefix(c.Author.UserID, memberPrefix) {
				return comments.Decide(comments.StatusApproved, "member", "approved: a signed-in member of the site"), nil
			}
			return previously.Check(ctx, c, env)
		}))
}

// user returns the reader signed in on r, if any.
func (a *app) user(r *http.Request) (user, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return user{}, false
	}
	id, rest, ok := strings.Cut(c.Value, ".")
	if !ok {
		return user{}, false
	}
	exp, mac, ok := strings.Cut(rest, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(a.sign(id+"."+exp))) {
		return user{}, false
	}
	unix, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || time.Now().Unix() > unix || id != demoUser.ID {
		return user{}, false
	}
	return demoUser, true
}

func (a *app) sign(payload string) string {
	m := hmac.New(sha256.New, a.key)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// login checks the demo account's password and sets the session cookie.
func (a *app) login(w http.ResponseWriter, r *http.Request) {
	name, pass := r.PostFormValue("username"), r.PostFormValue("password")
	okName := subtle.ConstantTimeCompare([]byte(name), []byte(demoUser.Login))
	okPass := subtle.ConstantTimeCompare([]byte(pass), []byte(demoPassword))
	if okName&okPass != 1 {
		a.render(w, r, http.StatusUnauthorized, "login", "Wrong username or password.")
		return
	}
	exp := time.Now().Add(sessionAge)
	payload := demoUser.ID + "." + strconv.FormatInt(exp.Unix(), 10)
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: payload + "." + a.sign(payload), Path: "/", Expires: exp,
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (a *app) logout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// page serves one of the host's own pages.
func (a *app) page(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { a.render(w, r, http.StatusOK, name, "") }
}

type pageData struct {
	Page    string
	User    *user
	Message string
	Posts   []*blog.Post
	PostURL func(*blog.Post) string
	BlogURL string
}

func (a *app) render(w http.ResponseWriter, r *http.Request, status int, name, msg string) {
	d := pageData{Page: name, Message: msg, PostURL: a.server.PostPath, BlogURL: a.server.Path("/")}
	if u, ok := a.user(r); ok {
		d.User = &u
	}
	if name == "home" {
		if list, err := a.blog.List(r.Context(), blog.ListOptions{Limit: 3}); err == nil {
			d.Posts = list.Posts
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if err := pages.ExecuteTemplate(w, name, d); err != nil {
		slog.Default().Error("embed: page failed", "page", name, "err", err)
	}
}

var pages = template.Must(template.New("").Parse(`
{{define "top"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>The Workshop</title></head>
<body>
<nav><a href="/">Home</a> · <a href="/about">About</a> · <a href="{{.BlogURL}}">Blog</a> ·
{{with .User}}Signed in as {{.Name}} <form method="post" action="/logout"><button>Sign out</button></form>
{{else}}<a href="/login">Sign in</a>{{end}}</nav>
<main>{{end}}
{{define "bottom"}}</main></body></html>{{end}}

{{define "home"}}{{template "top" .}}
<h1>The Workshop</h1>
<p>A small host site with pages of its own. Its blog, under <a href="{{.BlogURL}}">{{.BlogURL}}</a>, is Folio.</p>
<h2>From the blog</h2>
<ul>{{range .Posts}}<li><a href="{{call $.PostURL .}}">{{.Title}}</a></li>{{end}}</ul>
{{template "bottom" .}}{{end}}

{{define "about"}}{{template "top" .}}
<h1>About the Workshop</h1>
<p>The Workshop is a made-up place that shows how a Go site can mount a Folio blog on its own mux.
Readers who sign in here comment on the blog under their account's name.</p>
{{template "bottom" .}}{{end}}

{{define "login"}}{{template "top" .}}
<h1>Sign in</h1>
{{with .Message}}<p role="alert">{{.}}</p>{{end}}
<form method="post" action="/login">
<p><label>Username <input name="username" autocomplete="username" required></label></p>
<p><label>Password <input name="password" type="password" autocomplete="current-password" required></label></p>
<p><button>Sign in</button> (the demo account is "demo", password "demo")</p>
</form>
{{template "bottom" .}}{{end}}
`))

// seed puts a few posts in the blog.
func seed(ctx context.Context, b *blog.Blog) error {
	now := b.Now()
	posts := []struct {
		title, body string
		daysAgo     int
	}{
		{"Opening the Workshop", "We opened the doors this week: benches, tools, and a kettle that never stops.", 20},
		{"The lathe arrives", "It took four of us to carry it in.\n\nIt turns beautifully.", 9},
		{"Open evening on Thursday", "Come and see what members have been making. Sign in to leave a comment below.", 2},
	}
	for _, p := range posts {
		if _, err := b.CreatePost(ctx, &blog.Post{
			Title:       p.title,
			Source:      p.body,
			Author:      blog.Author{Name: "The Workshop"},
			Status:      blog.StatusPublished,
			PublishedAt: now.AddDate(0, 0, -p.daysAgo),
		}); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
	}
	return nil
}

// derive returns the key for one use of secret.
func derive(secret []byte, use string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("folio embed example\x00" + use))
	return m.Sum(nil)
}
