package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/internal/changes"
)

// Compile-time checks that a Store keeps every contract it claims.
var (
	_ blog.Store            = (*Store)(nil)
	_ blog.PostSearcher     = (*Store)(nil)
	_ blog.MonthCounter     = (*Store)(nil)
	_ blog.ChangeFeed       = (*Store)(nil)
	_ blog.ChangeHook       = (*Store)(nil)
	_ comments.Store        = (*Store)(nil)
	_ comments.GuardedStore = (*Store)(nil)
	_ comments.RootCounter  = (*Store)(nil)
)

// Synchronous is how hard SQLite works to make a commit durable: the
// value of PRAGMA synchronous. See the package documentation, under
// Durability, for what each level promises.
type Synchronous int

// The synchronous levels a Store can run at.
const (
	// Normal syncs the write-ahead log at checkpoints only. A committed
	// write survives the process being killed, but the last commits may
	// roll back if the machine loses power or the kernel crashes.
	Normal Synchronous = iota
	// Full syncs the write-ahead log at every commit: a committed write
	// survives power loss too, at the cost of an fsync per commit.
	Full
)

func (s Synchronous) String() string {
	switch s {
	case Normal:
		return "NORMAL"
	case Full:
		return "FULL"
	}
	return fmt.Sprintf("Synchronous(%d)", int(s))
}

// Option configures a Store built by [Open] or [New].
type Option func(*config)

type config struct {
	synchronous Synchronous
	readers     int
	busyTimeout time.Duration
}

// WithSynchronous sets the synchronous level of the connections [Open]
// makes: [Normal] (the default) or [Full]. [New] ignores it: the caller's
// DSN decides.
func WithSynchronous(s Synchronous) Option {
	return func(c *config) { c.synchronous = s }
}

// WithReaders sets how many read-only connections [Open] keeps at most; the
// default is the larger of 4 and GOMAXPROCS. [New] ignores it.
func WithReaders(n int) Option {
	return func(c *config) { c.readers = n }
}

// WithBusyTimeout sets how long a connection [Open] makes waits for another
// process's lock before failing with SQLITE_BUSY; the default is 5 seconds.
// [New] ignores it.
func WithBusyTimeout(d time.Duration) Option {
	return func(c *config) { c.busyTimeout = d }
}

// ErrSchemaTooNew is returned, wrapped, by [Open] and [New] for a database
// whose schema version is newer than this version of Folio knows: it was
// written by a later release and is left untouched.
var ErrSchemaTooNew = errors.New("sqlitestore: database schema is newer than this program")

// Store keeps posts and comments in one SQLite database. It implements
// [blog.Store], [blog.PostSearcher], [blog.MonthCounter], [blog.ChangeFeed],
// [comments.Store] and [comments.GuardedStore]. It is safe for concurrent
// use; build it with [Open] or [New] and release it with [Store.Close].
type Store struct {
	write *sql.DB // write transactions; one connection when opened by Open
	read  *sql.DB // reads; the same as write when built by New
	owned bool    // Open made write and read, so Close closes them

	// writeMu serialises write transactions within the process, so that
	// a Store built by New over a pool behaves as one opened by Open.
	writeMu sync.Mutex

	readStmts, writeStmts stmtCache

	feed changes.Hub

	writer commentWriter // commits guarded comments in groups
	ckpt   checkpointer  // checkpoints the WAL off the request path (Open only)
	stats  writeStats

	closeOnce sync.Once
	closeErr  error
}

// Open opens (creating it if needed) the SQLite database file at path,
// brings its schema up to date and returns a Store that owns it.
//
// It keeps two pools on the file: one writer connection, through which
// every write transaction goes, and up to [WithReaders] read-only
// connections (PRAGMA query_only) that read in parallel with it. Every
// connection runs with journal_mode=WAL, foreign_keys=ON, the busy timeout
// of [WithBusyTimeout] and the synchronous level of [WithSynchronous].
// It returns an error wrapping [ErrSchemaTooNew] for a database written by
// a newer Folio.
func Open(path string, opts ...Option) (*Store, error) {
	cfg := config{synchronous: Normal, readers: max(4, runtime.GOMAXPROCS(0)), busyTimeout: 5 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.synchronous != Normal && cfg.synchronous != Full {
		return nil, fmt.Errorf("sqlitestore: open %s: unknown synchronous level %d", path, int(cfg.synchronous))
	}
	if cfg.readers < 1 {
		return nil, fmt.Errorf("sqlitestore: open %s: readers must be at least 1, got %d", path, cfg.readers)
	}
	if path == "" || path == ":memory:" {
		return nil, fmt.Errorf("sqlitestore: open %q: a file path is required (the reader and writer pools share the file)", path)
	}

	base := url.Values{}
	base.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", cfg.busyTimeout.Milliseconds()))
	base.Add("_pragma", "foreign_keys(1)")
	base.Add("_pragma", "synchronous("+cfg.synchronous.String()+")")
	base.Add("_pragma", "temp_store(MEMORY)")

	wq := cloneValues(base)
	wq.Add("_pragma", "journal_mode(WAL)")
	// Statement journals (of the savepoints of a batch, say) in memory:
	// they only ever serve to undo part of an open transaction.
	wq.Add("_pragma", "temp_store(memory)")
	// Commits never checkpoint: the checkpointer does, on its own
	// connection.
	wq.Add("_pragma", "wal_autocheckpoint(0)")
	wq.Set("_txlock", "immediate")
	writer, err := sql.Open("sqlite", fileDSN(path, wq))
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	writer.SetConnMaxIdleTime(0)

	// The writer sets WAL mode in the file (it persists) and applies the
	// migrations before any reader connects.
	if err := migrate(context.Background(), writer); err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}

	rq := cloneValues(base)
	rq.Add("_pragma", "query_only(1)")
	reader, err := sql.Open("sqlite", fileDSN(path, rq))
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	reader.SetMaxOpenConns(cfg.readers)
	reader.SetMaxIdleConns(cfg.readers)
	reader.SetConnMaxLifetime(0)
	reader.SetConnMaxIdleTime(0)
	if err := reader.Ping(); err != nil {
		writer.Close()
		reader.Close()
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	ckpt, err := sql.Open("sqlite", fileDSN(path, base))
	if err != nil {
		writer.Close()
		reader.Close()
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	ckpt.SetMaxOpenConns(1)
	ckpt.SetConnMaxIdleTime(0)
	s, err := newStore(writer, reader, true)
	if err != nil {
		writer.Close()
		reader.Close()
		ckpt.Close()
		return nil, fmt.Errorf("sqlitestore: open %s: %w", path, err)
	}
	s.startCheckpointer(ckpt)
	return s, nil
}

// New returns a Store over db, a database opened by the caller with the
// "sqlite" driver of modernc.org/sqlite, after bringing its schema up to
// date. The caller keeps db: [Store.Close] does not close it.
//
// New uses db for reads and writes alike and serialises its own write
// transactions; it applies no pragmas but journal_mode=WAL (which the file
// keeps). The caller should open db with the pragmas Open uses, in the DSN
// so that every connection of the pool gets them, and with
// _txlock=immediate so that write transactions take the write lock when
// they begin (without it, a guarded comment can fail with SQLITE_BUSY
// when another process writes the same file between its check and its
// insert):
//
//	file:folio.db?_txlock=immediate&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=journal_mode(WAL)
//
// It returns an error wrapping [ErrSchemaTooNew] for a database written by
// a newer Folio.
func New(db *sql.DB, opts ...Option) (*Store, error) {
	if db == nil {
		return nil, errors.New("sqlitestore: new: nil *sql.DB")
	}
	cfg := config{}
	for _, o := range opts {
		o(&cfg)
	}
	ctx := context.Background()
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode); err != nil {
		return nil, fmt.Errorf("sqlitestore: new: set WAL mode: %w", err)
	}
	if err := migrate(ctx, db); err != nil {
		return nil, fmt.Errorf("sqlitestore: new: %w", err)
	}
	s, err := newStore(db, db, false)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: new: %w", err)
	}
	return s, nil
}

func newStore(write, read *sql.DB, owned bool) (*Store, error) {
	s := &Store{write: write, read: read, owned: owned}
	s.readStmts.db, s.writeStmts.db = read, write
	if err := s.writeStmts.prepare(context.Background(), writeStatements()...); err != nil {
		s.writeStmts.close()
		return nil, err
	}
	s.startCommentWriter()
	return s, nil
}

// Close ends every change feed and, for a Store made by [Open], closes the
// database. Calling it again returns the first call's result. The Store
// must not be used after Close.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.stopCommentWriter()
		s.feed.Close()
		err := errors.Join(s.stopCheckpointer(), s.readStmts.close(), s.writeStmts.close())
		if s.owned {
			err = errors.Join(err, s.read.Close(), s.write.Close())
		}
		if err != nil {
			s.closeErr = fmt.Errorf("sqlitestore: close: %w", err)
		}
	})
	return s.closeErr
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// fileDSN returns the URI filename SQLite opens path with, carrying the
// driver parameters in q.
func fileDSN(path string, q url.Values) string {
	u := url.URL{Path: filepath.ToSlash(path)}
	return "file:" + u.EscapedPath() + "?" + q.Encode()
}

// zeroMicros is the zero time.Time in microseconds since the Unix epoch:
// the start of year 1, UTC.
var zeroMicros = time.Time{}.UnixMicro()

// toMicros returns t as stored: microseconds since the Unix epoch. The
// zero time is stored as its own instant, before every real time.
func toMicros(t time.Time) int64 {
	if t.IsZero() {
		return zeroMicros
	}
	return t.UnixMicro()
}

// fromMicros returns the time stored as us, in UTC; zeroMicros gives back
// the zero time.Time.
func fromMicros(us int64) time.Time {
	if us == zeroMicros {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

// isUniqueViolation reports whether err is SQLite's UNIQUE constraint
// failure.
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE
}

// querier is what the statements of a Store run on: the reader pool, or
// a write or read transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// maxCachedStatements bounds the prepared statements a Store keeps per
// pool. The statements of a Store come in a few dozen shapes; a query
// beyond the bound is prepared for one use.
const maxCachedStatements = 256

// stmtCache keeps the statements prepared on one pool, by their SQL.
// Preparing is most of the cost of a simple query with modernc.org/sqlite,
// so every statement a Store issues is prepared once per connection.
type stmtCache struct {
	db *sql.DB
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// lookup returns the prepared statement for query, or nil if there is
// none. Transactions only look up: preparing on the pool while a
// transaction holds one of its connections could wait for that very
// connection.
func (c *stmtCache) lookup(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[query]
}

// prepare prepares and keeps each of queries.
func (c *stmtCache) prepare(ctx context.Context, queries ...string) error {
	for _, q := range queries {
		if _, err := c.get(ctx, q); err != nil {
			return fmt.Errorf("prepare %q: %w", q, err)
		}
	}
	return nil
}

// get returns the prepared statement for query, preparing it if needed,
// or nil if the cache is full.
func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[query]; ok {
		return st, nil
	}
	if len(c.m) >= maxCachedStatements {
		return nil, nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if c.m == nil {
		c.m = make(map[string]*sql.Stmt)
	}
	c.m[query] = st
	return st, nil
}

func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, st := range c.m {
		errs = append(errs, st.Close())
	}
	c.m = nil
	return errors.Join(errs...)
}

// runner runs statements through a stmtCache, on its pool or, if tx is
// set, in that transaction.
type runner struct {
	c  *stmtCache
	tx *sql.Tx
}

func (r runner) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if r.tx == nil {
		return r.c.get(ctx, query)
	}
	if st := r.c.lookup(query); st != nil {
		return r.tx.StmtContext(ctx, st), nil
	}
	return nil, nil
}

func (r runner) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := r.stmt(ctx, query)
	switch {
	case err != nil:
		return nil, err
	case st != nil:
		return st.QueryContext(ctx, args...)
	case r.tx != nil:
		return r.tx.QueryContext(ctx, query, args...)
	}
	return r.c.db.QueryContext(ctx, query, args...)
}

func (r runner) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := r.stmt(ctx, query)
	switch {
	case err != nil:
		// A *sql.Row carrying err: the statement fails to prepare again.
		if r.tx != nil {
			return r.tx.QueryRowContext(ctx, query, args...)
		}
		return r.c.db.QueryRowContext(ctx, query, args...)
	case st != nil:
		return st.QueryRowContext(ctx, args...)
	case r.tx != nil:
		return r.tx.QueryRowContext(ctx, query, args...)
	}
	return r.c.db.QueryRowContext(ctx, query, args...)
}

func (r runner) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := r.stmt(ctx, query)
	switch {
	case err != nil:
		return nil, err
	case st != nil:
		return st.ExecContext(ctx, args...)
	case r.tx != nil:
		return r.tx.ExecContext(ctx, query, args...)
	}
	return r.c.db.ExecContext(ctx, query, args...)
}

// reader runs single statements on the reader pool, or in the batch of
// ctx ([Store.Batch]) so that a batch reads its own writes.
func (s *Store) reader(ctx context.Context) querier {
	if b := s.batchOf(ctx); b != nil {
		return b.runner()
	}
	return runner{c: &s.readStmts}
}

// inWrite runs fn in one write transaction, which commits if fn returns
// nil and ctx is not done, and rolls back otherwise; a cancelled context
// writes nothing. Write transactions are serialised within the process,
// and begin with BEGIN IMMEDIATE (the _txlock=immediate of Open's DSN) so
// that they hold SQLite's write lock from their first statement: other
// processes writing the same file wait for it, up to the busy timeout,
// instead of failing halfway.
func (s *Store) inWrite(ctx context.Context, fn func(tx querier) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if b := s.batchOf(ctx); b != nil {
		return b.inBatch(ctx, fn)
	}
	t0 := time.Now()
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	t1 := time.Now()
	tx, err := s.write.BeginTx(ctx, nil)
	s.stats.lockWait.record(t1.Sub(t0))
	s.stats.begin.record(time.Since(t1))
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(runner{c: &s.writeStmts, tx: tx}); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.ckpt.dirty.Store(true)
	return nil
}

// inRead runs fn in one read transaction, so that its statements see one
// snapshot of the database.
func (s *Store) inRead(ctx context.Context, fn func(tx querier) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if b := s.batchOf(ctx); b != nil {
		return fn(b.runner())
	}
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(runner{c: &s.readStmts, tx: tx}); err != nil {
		return err
	}
	return tx.Commit()
}
