package pgstore

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/internal/changes"
)

// Compile-time checks of the contracts a Store implements.
var (
	_ blog.Store            = (*Store)(nil)
	_ blog.PostSearcher     = (*Store)(nil)
	_ blog.MonthCounter     = (*Store)(nil)
	_ blog.ChangeFeed       = (*Store)(nil)
	_ blog.ChangeHook       = (*Store)(nil)
	_ blog.SharedChangeFeed = (*Store)(nil)
	_ comments.Store        = (*Store)(nil)
	_ comments.GuardedStore = (*Store)(nil)
	_ comments.RootCounter  = (*Store)(nil)
)

// ErrSchemaTooNew is returned by [Open] and [New] when the database was
// migrated by a newer version of Folio than this one: its schema version
// is higher than the last migration this package knows.
var ErrSchemaTooNew = errors.New("pgstore: database schema is newer than this version of Folio")

// Store keeps Folio's posts and comments in PostgreSQL. It implements
// [blog.Store], [comments.Store] and their optional capabilities
// ([blog.PostSearcher], [blog.MonthCounter], [blog.ChangeFeed],
// [blog.LikeStore], [blog.RedirectStore], [comments.GuardedStore]). It is
// safe for concurrent use, and any number of Stores, in one process or
// many, may share one database.
type Store struct {
	pool    *pgxpool.Pool
	ownPool bool
	cfg     config

	// prefix qualifies table names: `"schema".` with WithSchema, else
	// empty, so that the connection's search_path decides.
	prefix string
	// channel is the NOTIFY channel of change events.
	channel string

	feed *feed
	// hooks are called after this process's own writes commit, before the
	// write returns ([blog.ChangeHook]); other processes' writes arrive
	// through the feed.
	hooks changes.Hub

	writer commentWriter // commits guarded comments in groups

	closeOnce sync.Once
}

// Option configures a [Store] made by [Open] or [New].
type Option func(*config)

type config struct {
	schema       string
	logger       *slog.Logger
	changeBuffer int
}

// DefaultChangeBuffer is how many changes a channel returned by
// [Store.Changes] holds before its reader is sent a [blog.ChangeFlush]
// instead.
const DefaultChangeBuffer = 64

// WithSchema keeps Folio's tables in the named PostgreSQL schema, creating
// it if needed, instead of the first schema of the connections'
// search_path (usually "public"). Change events are then sent on a channel
// of that schema alone, so sites sharing a database by schema do not see
// each other's events. The name is used as given (it is quoted, not folded
// to lower case) and must be 1 to 63 bytes of valid UTF-8 without NUL.
func WithSchema(name string) Option {
	return func(c *config) { c.schema = name }
}

// WithLogger sets where the Store reports trouble it cannot return to a
// caller, such as a lost change-event connection. The default is
// slog.Default().
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}

// WithChangeBuffer sets how many changes each channel returned by
// [Store.Changes] buffers (at least 2; [DefaultChangeBuffer] unless set).
func WithChangeBuffer(n int) Option {
	return func(c *config) { c.changeBuffer = n }
}

// Open connects to the PostgreSQL database named by dsn (a URL such as
// postgres://user@host:5432/db?sslmode=disable or a key=value string),
// applies Folio's migrations and returns a Store that owns the connection
// pool: [Store.Close] closes it. It returns an error if the DSN is
// malformed, the database cannot be reached, the options are invalid, or
// the migrations fail (wrapping [ErrSchemaTooNew] for a newer schema).
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	pcfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("pgstore: open: %w", dbErr(err))
	}
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: open: %w", dbErr(err))
	}
	s, err := New(ctx, pool, opts...)
	if err != nil {
		pool.Close()
		return nil, err
	}
	s.ownPool = true
	return s, nil
}

// New returns a Store using pool, which the caller owns and closes after
// [Store.Close]. It applies Folio's migrations first, so it returns an
// error if the database cannot be reached, the options are invalid, or the
// migrations fail (wrapping [ErrSchemaTooNew] for a newer schema).
func New(ctx context.Context, pool *pgxpool.Pool, opts ...Option) (*Store, error) {
	if pool == nil {
		return nil, errors.New("pgstore: new: nil pool")
	}
	cfg := config{changeBuffer: DefaultChangeBuffer}
	for _, opt := range opts {
		opt(&cfg)
	}
	if cfg.logger == nil {
		cfg.logger = slog.Default()
	}
	if cfg.changeBuffer < 2 {
		return nil, fmt.Errorf("pgstore: new: change buffer %d: must be at least 2", cfg.changeBuffer)
	}
	if err := validSchema(cfg.schema); err != nil {
		return nil, fmt.Errorf("pgstore: new: %w", dbErr(err))
	}
	s := &Store{pool: pool, cfg: cfg, channel: channelName(cfg.schema)}
	if cfg.schema != "" {
		s.prefix = pgx.Identifier{cfg.schema}.Sanitize() + "."
	}
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	s.feed = newFeed(s)
	s.startCommentWriter()
	return s, nil
}

// validSchema checks a name given to WithSchema; empty means none.
func validSchema(name string) error {
	switch {
	case name == "":
		return nil
	case len(name) > 63:
		return fmt.Errorf("schema %q: longer than 63 bytes", name)
	case !utf8.ValidString(name) || strings.ContainsRune(name, 0):
		return fmt.Errorf("schema %q: not valid UTF-8 text", name)
	}
	return nil
}

// channelName returns the NOTIFY channel for a schema: folio_changes, or
// folio_changes:SCHEMA, or a hash of the schema when that would pass
// PostgreSQL's 63-byte limit on names.
func channelName(schema string) string {
	const base = "folio_changes"
	if schema == "" {
		return base
	}
	if c := base + ":" + schema; len(c) <= 63 {
		return c
	}
	h := fnv.New64a()
	h.Write([]byte(schema))
	return fmt.Sprintf("%s#%016x", base, h.Sum64())
}

// Close stops the change feed, closing every channel returned by
// [Store.Changes], and closes the connection pool if [Open] made it. Using
// the Store afterwards returns errors. Close may be called more than once
// and always returns nil; it returns an error to match sqlitestore's Close
// and io.Closer.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.stopCommentWriter()
		s.hooks.Close()
		s.feed.stop()
		if s.ownPool {
			s.pool.Close()
		}
	})
	return nil
}

// Pool returns the connection pool the Store uses.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// sql qualifies the table names in query, written as {S}name, with the
// Store's schema.
func (s *Store) sql(query string) string {
	return strings.ReplaceAll(query, "{S}", s.prefix)
}
