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
// listing and a page continued with [blog.PostQuery.After] cost the same
// however many posts there are; filters other than the time bounds are
// applied by scanning in that order. The Store also implements the optional
// [blog.MonthCounter] and [blog.PostSearcher]; its search is a plain scan
// that matches whole words, ignoring case, in titles and sources.
//
// # Persistence
//
// There is none: everything is lost when the process ends. Use
// storage/sqlitestore or storage/pgstore to keep content.
package memstore
