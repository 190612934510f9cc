// Package memstore keeps Folio's posts and comments in memory: it is the
// reference implementation of [blog.Store] and [comments.Store], for tests,
// examples and small sites that can rebuild their content at start-up.
//
// # Use
//
// [New] returns an empty [Store]; pass it wherever a [blog.Store] or a
// [comments.Store] is wanted:
//
//	store := memstore.New()
//	err := store.CreatePost(ctx, &blog.Post{Slug: "hello", Title: "Hello"})
//
// # Behaviour
//
// A Store is safe for concurrent use by any number of goroutines. It copies
// posts and comments on the way in and on the way out, so callers may change
// what they pass and what they get back. Every method checks its context
// first: a cancelled call writes nothing.
//
// Posts are kept in listing order (newest first), so the first page of a
// listing and a page continued deep in it with [blog.PostQuery.After] cost
// about the same however many posts there are; filters other than the time
// bounds are applied by scanning in that order. Publishing a post newer
// than the others appends to that order; creating one older than most of
// them, or moving one by changing its PublishedAt, shifts the order in
// memory: about a millisecond per write with 100,000 posts.
//
// The Store also implements the optional [blog.MonthCounter] and
// [blog.PostSearcher]. Its search is a plain scan that matches whole words,
// ignoring case, in titles and texts (see [blog.Post].Text), and ranks posts with more of the
// words in their titles first, then the newest first.
//
// # Persistence
//
// There is none: everything is lost when the process ends. Use
// storage/sqlitestore or storage/pgstore to keep content.
package memstore
