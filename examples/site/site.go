package main

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"gocloud.dev/blob"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/blogcomments"
	"github.com/folioblog/folio/blog/bloghttp"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/pgstore"
	"github.com/folioblog/folio/storage/sqlitestore"
)

// config is what the site is built from: the flags, plus what run and the
// tests set.
type config struct {
	title       string // the site's title; siteTitle if empty
	tagline     string // and its tagline; siteTagline if empty
	addr        string
	dataDir     string
	dsn         string
	adminToken  string
	baseURL     string
	tz          string
	seed        bool
	uploads     string // import: wp-content/uploads copy
	metricsAddr string // -metrics-addr: where /metrics is served; "" for nowhere
	force       bool   // restore: replace what the data directory holds

	trustedProxies proxyFlag     // -trusted-proxy
	profile        profileFlags  // -cpuprofile, -memprofile
	slowRequest    time.Duration // -slow-request

	adminTokenFrom string // the flag or variable the token came from; "" if random
	secretEnv      string // $FOLIO_SECRET
	loc            *time.Location
	log            *slog.Logger
	out            io.Writer // start-up messages

	// Test hooks: a clock for the blog and the comments, and a zero
	// minimum age for comment form tokens.
	now           func() time.Time
	noTokenMinAge bool
}

// Names under the data directory.
const (
	dbFile     = "folio.db"
	secretFile = "secret.key"
	mediaDir   = "media"
	secretLen  = 32
)

// store is what a backend of the site implements: posts and comments in
// one database.
type store interface {
	blog.Store
	comments.Store
}

// site is the whole demo built in-process: the store, the services and the
// handler serving them.
type site struct {
	cfg      config
	store    store
	closeDB  func() error
	uploads  *blob.Bucket // the media library's, closed with the site
	dbName   string       // for messages: the file or "PostgreSQL"
	blog     *blog.Blog
	comments *comments.Service
	server   *bloghttp.Server
	handler  http.Handler
	seeded   *seedStats // nil if this start did not seed
	metrics  *siteMetrics
}

// newSite opens the database named by cfg, seeds it when it is empty
// (unless cfg.seed is false) and builds the handler: the blog at the root
// and the media files at /media/. The caller closes the site.
func newSite(ctx context.Context, cfg config) (s *site, err error) {
	if cfg.log == nil {
		cfg.log = slog.New(slog.DiscardHandler)
	}
	if cfg.out == nil {
		cfg.out = io.Discard
	}
	if cfg.loc == nil {
		cfg.loc = time.Local
	}
	if cfg.now == nil {
		cfg.now = time.Now
	}
	if cfg.baseURL == "" {
		cfg.baseURL = "http://" + cfg.addr + "/"
	}
	if !strings.HasSuffix(cfg.baseURL, "/") {
		cfg.baseURL += "/"
	}
	if err := os.MkdirAll(cfg.dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	st, closeDB, dbName, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s = &site{cfg: cfg, store: st, closeDB: closeDB, dbName: dbName}
	if s.metrics, err = newSiteMetrics(); err != nil {
		closeDB()
		return nil, fmt.Errorf("metrics: %w", err)
	}
	defer func() {
		if err != nil {
			closeDB()
		}
	}()

	secret, err := loadSecret(cfg)
	if err != nil {
		return nil, err
	}
	if s.blog, err = blog.New(st,
		blog.WithLocation(cfg.loc),
		blog.WithLogger(cfg.log),
		blog.WithClock(cfg.now),
	); err != nil {
		return nil, fmt.Errorf("blog: %w", err)
	}
	copts := []comments.Option{
		comments.WithTokenKey(deriveKey(secret, "comment form tokens")),
		comments.WithLogger(cfg.log),
		comments.WithClock(cfg.now),
	}
	copts = append(copts, s.metrics.commentOptions()...)
	if cfg.noTokenMinAge {
		copts = append(copts, comments.WithTokenAge(0, comments.DefaultTokenMaxAge))
	}
	if s.comments, err = comments.NewService(st, blogcomments.Threads(s.blog), copts...); err != nil {
		return nil, fmt.Errorf("comments: %w", err)
	}
	var authOpts []bloghttp.TokenAuthOption
	if as, ok := st.(bloghttp.AuthStore); ok { // PostgreSQL: instances share sign-outs and lock-outs
		authOpts = append(authOpts, bloghttp.WithAuthStore(as))
	}
	auth, err := bloghttp.NewTokenAuth(cfg.adminToken, journalAuthor.Name, deriveKey(secret, "moderator sessions"), authOpts...)
	if err != nil {
		return nil, fmt.Errorf("admin token: %w", err)
	}
	if s.server, err = bloghttp.New(s.blog, s.comments, bloghttp.Site{
		Title:    cmp.Or(cfg.title, siteTitle),
		Tagline:  cmp.Or(cfg.tagline, siteTagline),
		Language: "en",
		Author:   journalAuthor.Name,
		BaseURL:  cfg.baseURL,
	},
		bloghttp.WithLogger(cfg.log),
		bloghttp.WithAuthorizer(auth),
		bloghttp.WithSecret(deriveKey(secret, "blog pages")),
		bloghttp.WithClientIP(proxyClientIP(cfg)),
		// Micropub clients find the endpoints here (mountMicropub).
		bloghttp.WithLinks(
			bloghttp.Link{Rel: "micropub", Href: cfg.baseURL + "micropub"},
			bloghttp.Link{Rel: "media-endpoint", Href: cfg.baseURL + "micropub/media"},
		),
	); err != nil {
		return nil, err
	}

	media := filepath.Join(cfg.dataDir, mediaDir)
	if _, err := os.Stat(filepath.Join(cfg.dataDir, unseededFile)); err == nil {
		cfg.seed = false // the owner removed the sample content: never again
	}
	if cfg.seed {
		if s.seeded, err = seedIfEmpty(ctx, s.blog, s.comments, media, cfg.now()); err != nil {
			return nil, err
		}
		if s.seeded != nil {
			fmt.Fprintf(cfg.out, "seeded sample content: %v\n", s.seeded)
		}
	}
	mux := http.NewServeMux()
	mux.Handle("GET /media/{file}", mediaHandler(media))
	mux.Handle("/", s.server)
	lib, uploads, err := openLibrary(cfg)
	if err != nil {
		return nil, err
	}
	s.uploads = uploads
	mountLibrary(mux, lib)
	if err := mountMicropub(mux, s.blog, strings.TrimSuffix(cfg.baseURL, "/"), cfg.adminToken, journalAuthor, lib); err != nil {
		uploads.Close()
		return nil, err
	}
	if err := s.metrics.watch(s.server, st); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	s.handler = s.mountOps(mux)
	return s, nil
}

// Close closes the database.
func (s *site) Close() error {
	if s.uploads != nil {
		s.uploads.Close()
	}
	return s.closeDB()
}

// The sample site's name.
const (
	siteTitle   = "Folio"
	siteTagline = "A photo journal of slow travel"
)

// openBlog opens the database of a command that runs beside the site
// (import, unseed): the data directory made if needed, the store, and a
// Blog over it in the site's zone. close closes the store.
func openBlog(ctx context.Context, cfg config) (b *blog.Blog, st store, close func() error, dbName string, err error) {
	if err := os.MkdirAll(cfg.dataDir, 0o750); err != nil {
		return nil, nil, nil, "", fmt.Errorf("data directory: %w", err)
	}
	st, close, dbName, err = openStore(ctx, cfg)
	if err != nil {
		return nil, nil, nil, "", err
	}
	b, err = blog.New(st, blog.WithLocation(cmp.Or(cfg.loc, time.Local)), blog.WithLogger(cmp.Or(cfg.log, slog.Default())))
	if err != nil {
		close()
		return nil, nil, nil, "", err
	}
	return b, st, close, dbName, nil
}

// openStore opens the database cfg.dsn names: "" for SQLite under the data
// directory, sqlite:PATH, or a postgres:// or postgresql:// URL.
func openStore(ctx context.Context, cfg config) (store, func() error, string, error) {
	dsn := cfg.dsn
	switch {
	case dsn == "":
		dsn = "sqlite:" + filepath.Join(cfg.dataDir, dbFile)
		fallthrough
	case hasScheme(dsn, "sqlite:"):
		p := strings.TrimPrefix(dsn[len("sqlite:"):], "//")
		if p == "" {
			return nil, nil, "", fmt.Errorf("-db %q: no file path after \"sqlite:\"", cfg.dsn)
		}
		st, err := sqlitestore.Open(p)
		if err != nil {
			return nil, nil, "", err
		}
		return st, st.Close, p, nil
	case hasScheme(dsn, "postgres://", "postgresql://"):
		st, err := pgstore.Open(ctx, dsn, pgstore.WithLogger(cfg.log))
		if err != nil {
			return nil, nil, "", err
		}
		return st, func() error { st.Close(); return nil }, "PostgreSQL", nil
	}
	return nil, nil, "", fmt.Errorf("-db %q: want sqlite:PATH, postgres://… or postgresql://…", cfg.dsn)
}

// loadSecret returns the site's secret: $FOLIO_SECRET when set (hex, or
// the text itself, at least 32 bytes), else the key in the data
// directory, made on first use with mode 0600.
func loadSecret(cfg config) ([]byte, error) {
	if cfg.secretEnv != "" {
		key := decodeSecret(cfg.secretEnv)
		if len(key) < secretLen {
			return nil, fmt.Errorf("$%s: %d bytes, at least %d needed", envSecret, len(key), secretLen)
		}
		return key, nil
	}
	p := filepath.Join(cfg.dataDir, secretFile)
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		key := make([]byte, secretLen)
		rand.Read(key)
		_, err = f.Write([]byte(hex.EncodeToString(key) + "\n"))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(p)
			return nil, fmt.Errorf("secret: %w", err)
		}
		return key, nil
	case !errors.Is(err, fs.ErrExist):
		return nil, fmt.Errorf("secret: %w", err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	key := decodeSecret(string(b))
	if len(key) < secretLen {
		return nil, fmt.Errorf("secret: %s holds %d bytes, at least %d needed", p, len(key), secretLen)
	}
	if fi, err := os.Stat(p); err == nil && fi.Mode().Perm()&0o077 != 0 {
		cfg.log.Warn("secret key file is readable by others", "file", p, "mode", fi.Mode().Perm())
	}
	return key, nil
}

// decodeSecret reads a secret written as hex, or else takes its text.
func decodeSecret(s string) []byte {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil {
		return b
	}
	return []byte(s)
}

// deriveKey returns the key for one use of the secret, so that no two
// uses share a key.
func deriveKey(secret []byte, use string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("folio demo site\x00" + use))
	return m.Sum(nil)
}

// mediaName is the form of a media file's name: no directories, no dot
// files, a known image extension.
var mediaName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\.(png|jpe?g|gif|webp|avif|svg)$`)

// mediaHandler serves the files directly in dir by name, with long cache
// headers. It lists nothing, follows no path out of dir (the name is
// checked, and files are opened through an os.Root) and serves only
// regular files.
func mediaHandler(dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("file")
		if !mediaName.MatchString(name) || strings.Contains(name, "..") {
			http.NotFound(w, r)
			return
		}
		root, err := os.OpenRoot(dir)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer root.Close()
		f, err := root.Open(name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
			h.Set("Content-Type", ct)
		}
		h.Set("Cache-Control", "public, max-age=31536000")
		h.Set("X-Content-Type-Options", "nosniff")
		if path.Ext(name) == ".svg" {
			h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
		}
		http.ServeContent(w, r, name, fi.ModTime(), f)
	})
}
