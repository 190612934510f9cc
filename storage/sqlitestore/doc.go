// Package sqlitestore keeps Folio's posts and comments in one SQLite file,
// in pure Go (modernc.org/sqlite, no cgo). It is the embedded default
// backend: one [Store] implements [blog.Store], [blog.PostSearcher],
// [blog.MonthCounter], [blog.ChangeFeed], [blog.LikeStore],
// [blog.RedirectStore], [comments.Store] and [comments.GuardedStore].
//
// # Opening
//
// [Open] takes a file path, creates the file if needed, brings its schema
// up to date and owns what it opened until [Store.Close]:
//
//	store, err := sqlitestore.Open("folio-data/folio.db")
//	if err != nil { … }
//	defer store.Close()
//
// It keeps two database/sql pools on the file: a writer with a single
// connection, through which every write transaction goes, and a pool of
// read-only connections (PRAGMA query_only) that read in parallel with it
// and with each other. Every connection is set up by DSN parameters, so a
// connection the pool replaces gets them too: journal_mode=WAL,
// foreign_keys=ON, busy_timeout (5 s, [WithBusyTimeout]) and synchronous
// ([WithSynchronous]); the writer's transactions begin IMMEDIATE
// (_txlock=immediate). Every statement is prepared once per connection
// and reused.
//
// [New] wraps a *sql.DB the caller opened with the "sqlite" driver and
// keeps: it switches the file to WAL mode, migrates it, and uses the one
// pool for reads and writes, serialising its own writes. Open it with the
// same settings in its DSN:
//
//	file:folio.db?_txlock=immediate&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=journal_mode(WAL)
//
// Times are stored as INTEGER microseconds since the Unix epoch and read
// back in UTC, so a time keeps its instant at microsecond precision (finer
// digits are cut). The zero time.Time is stored as its own instant, the
// first microsecond of year 1, and read back as time.Time{}: posts never
// published sort after every published one without NULL handling.
//
// # Durability
//
// Every write — a post with its tags, categories and previous slugs, a
// comment, a deletion with the re-parenting of its replies — is one
// transaction: it is all there after a crash or none of it is. When a
// write method returns nil, its transaction has committed to the
// write-ahead log. What survives then depends on [WithSynchronous]:
//
//   - [Normal] (the default): the commit is in the WAL file, handed to the
//     operating system. It survives the process being killed (SIGKILL, a
//     panic, an OOM kill). A power cut or a kernel crash before the next
//     checkpoint syncs the log may roll back the last commits; the
//     database stays consistent.
//   - [Full]: the WAL file is synced (fsync) at every commit, so a
//     committed write survives power loss too, at the cost of one fsync
//     per write.
//
// A cancelled context writes nothing: a write checks ctx before it begins
// and again before it commits, and rolls back if ctx is done.
//
// # Concurrency
//
// A Store is safe for concurrent use. Reads run in parallel on the reader
// pool and never wait for the writer (WAL readers see the last committed
// state). Writes run one at a time: on Open's single writer connection,
// and behind a mutex for a Store built by New. Each write transaction
// starts with BEGIN IMMEDIATE (for New, when its DSN asks for it),
// taking SQLite's write lock at once, so several processes on the same
// file are serialised too: a second writer waits up to the busy timeout
// instead of failing halfway through.
// [Store.CreateCommentGuarded] checks for duplicates and floods and
// inserts inside one such transaction, so its guards hold across
// processes. Concurrent guarded comments are committed in groups: one
// writer goroutine judges and inserts every comment waiting in one
// transaction, so they share one commit, and each call returns once its
// group has committed. [Store.UpdatePost] checks the version in its
// UPDATE statement.
//
// # Checkpoints and wait times
//
// A Store made by [Open] never checkpoints the write-ahead log on a
// commit (its writer runs with wal_autocheckpoint=0): a goroutine of its
// own runs a PASSIVE checkpoint on a separate connection every half second
// after writes, and a TRUNCATE one at Close, so no request waits for a
// checkpoint's writes and fsyncs. When readers keep the log from starting
// over and it passes 16,384 pages, a RESTART checkpoint waits for them,
// holding new writers back for that moment. A Store made by [New] leaves
// checkpoints to SQLite's default, on commit. [Store.WriteStats] returns
// histograms of where writes waited: for the writer, for SQLite's lock
// (busy time), for a group, and how long checkpoints took.
//
// [Store.OnChange] hooks run in the writing goroutine after the commit and
// before the write method returns; [Store.Changes] channels get the same
// changes without ever holding a writer up. Both report the writes made
// through this Store only; a second process writing the same file is not
// seen, so a site running several processes on one file should use
// storage/pgstore instead.
//
// # Search
//
// Posts are indexed by an FTS5 table over their title and text (the plain
// text of their HTML, [blog.Post].Text, so markup and comments hidden from
// the page are never found nor quoted), kept in step by triggers.
// [Store.SearchPosts] matches every word of the query (ignoring case and
// diacritics), ranks by BM25 with the title weighing ten times the text,
// and returns a snippet of the text in which
// matched words are wrapped in <mark>, everything else HTML-escaped. What
// a visitor types is never read as FTS5 or SQL syntax: it is split into
// words, each searched as a quoted phrase.
//
// [Store.CountPostsByMonth] cuts months in the site's time zone in Go and
// has SQLite count each month's span of UTC times through an index.
//
// # Migrations
//
// The schema lives in migrations/NNNN_what.sql files embedded in the
// program. Open and New apply the ones the database lacks, in order, in
// one transaction, and record the version reached ([SchemaVersion]) in
// PRAGMA user_version. A migration that adds a column a Blog derives from
// a post's HTML (its plain text, its first image) derives it for the rows
// already there, in Go, in the same transaction. A database whose version is newer than the program
// knows is refused with [ErrSchemaTooNew] and left untouched.
//
// # Batches and shared state
//
// [Store.Batch] runs many writes in one transaction ([blog.Batcher]): an
// import of thousands of posts and comments commits (and syncs) once per
// batch rather than once per row. Used comment form tokens, ended
// moderator sessions and failed sign-ins stay in the memory of the one
// process that serves a SQLite site, as they cost no write there; sites
// of several instances use storage/pgstore, which keeps them in the
// database.
package sqlitestore
