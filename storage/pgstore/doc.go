// Package pgstore keeps Folio's posts and comments in PostgreSQL, through
// pgx. It is the backend for sites that run several instances of their
// application against one database: every guard, version check and change
// event holds across instances, not just within one process.
//
// # Opening
//
// [Open] connects with a DSN and owns the connection pool; [New] uses a
// [pgxpool.Pool] the caller made and keeps owning. Either applies the
// migrations before returning, and [Store.Close] stops the change feed
// (and closes the pool [Open] made):
//
//	store, err := pgstore.Open(ctx, "postgres://folio@localhost/folio?sslmode=disable")
//	if err != nil {
//		return err
//	}
//	defer store.Close()
//	b, err := blog.New(store)
//
// The Store implements [blog.Store] and [comments.Store] together with
// their optional capabilities: [blog.PostSearcher], [blog.MonthCounter],
// [blog.ChangeFeed], [blog.LikeStore], [blog.RedirectStore] and
// [comments.GuardedStore]. Times are stored as
// timestamptz, at PostgreSQL's microsecond precision, and come back in UTC;
// a zero time is stored as NULL. [WithSchema] keeps the tables in a schema
// of their own, so that several sites, or tests, can share one database.
//
// # Several instances
//
// Any number of Stores, in one process or many, may use the same database
// at once. Each write is one transaction, so a post's row, its tags and
// categories, its previous slugs and its change event commit together or
// not at all; and since it commits only on an explicit COMMIT, a call
// whose context ends first writes nothing, even if the server was already
// carrying out its statement. [Store.UpdatePost] writes only if
// the stored version is still the one the caller read: of two instances
// updating the same post, one wins and the other gets [blog.ErrConflict],
// never a lost update. A slug taken by another post, checked by a unique
// constraint, is [blog.ErrSlugTaken] however the race between instances
// falls. [Store.CreateCommentGuarded] holds transaction-scoped advisory
// locks on the comment's thread, address and email (taken in one fixed
// order) while it checks for duplicates and floods and inserts, so that
// the guards hold across instances as they do in one process.
//
// The instances also share what each would otherwise keep in memory: the
// nonces of used comment form tokens ([Store.UseTokenNonce], which makes
// the Store a comments.NonceKeeper, so a token used on one instance is
// refused on every other), moderator sessions ended by signing out and
// failed sign-ins per network ([Store.RevokeSession],
// [Store.LoginFailed]: a bloghttp.AuthStore for bloghttp.WithAuthStore).
// Each row expires; writes purge long-expired rows a few at a time.
//
// [Store.Batch] runs many writes as one transaction ([blog.Batcher]), for
// imports.
//
// # Lost connections
//
// An error that comes from the connection rather than from the statement
// — the server cannot be reached, it terminated the session (SQLSTATE
// class 08, 57P01 to 57P03), the stream ended or timed out — matches
// [blog.ErrUnavailable] and [comments.ErrUnavailable] with errors.Is; the
// HTTP layer answers such failures 503 with Retry-After. The pool replaces the
// lost connections, so the same call may succeed a moment later. Every
// other error (a missing row, a conflict, a bad argument) does not match.
//
// # Change events
//
// Every write sends a NOTIFY in its own transaction, so an event is seen
// only once the write commits, and by every instance. [Store.Changes]
// subscribes to them: the Store keeps one dedicated connection (not taken
// from the pool) running LISTEN for all its subscribers and hands each
// event to every subscriber without waiting for any. A subscriber that
// falls behind gets a [blog.ChangeFlush] in place of what did not fit.
// When the listening connection is lost, the Store reconnects with a
// bounded backoff until it is closed, and sends every subscriber a
// ChangeFlush once it listens again, since events may have been missed.
// The channel is folio_changes, or folio_changes:SCHEMA with [WithSchema].
//
// # Search
//
// [Store.SearchPosts] uses PostgreSQL's full-text search: each post keeps
// a generated tsvector of its title (weight A) and text (weight B; the
// plain text of its HTML, [blog.Post].Text, never its markup) with
// the "simple" configuration (no stemming, no stop words) under a GIN
// index. The words are read with websearch_to_tsquery, which accepts any
// text: quotes, operators and punctuation never make a search fail. Posts
// are ranked with ts_rank, and snippets come from ts_headline, escaped for
// HTML, with matches in <mark>.
//
// # Migrations
//
// The schema is created and upgraded by SQL files embedded in the package
// (migrations/0001_init.sql, 0002_likes_redirects.sql, …) and recorded in the table
// folio_migrations. [Open] and [New] apply the missing ones in one
// transaction, under an advisory lock, so instances starting together do
// not race: the first migrates and the others find nothing left to do. A
// database whose schema is newer than this package knows is refused with
// [ErrSchemaTooNew] rather than used. A migration that adds a column a Blog
// derives from a post's HTML (its plain text, its first image) derives it
// for the rows already there, in Go, in the same transaction.
package pgstore
