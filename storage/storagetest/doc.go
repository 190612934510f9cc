// Package storagetest is the conformance suite for Folio's storage
// backends: [RunPostStore] checks a [blog.Store] and [RunCommentStore] a
// [comments.Store]. Folio's own backends (storage/memstore,
// storage/sqlitestore, storage/pgstore) run it, and so can any third-party
// backend, so that every store behaves the same to the [blog.Blog] service
// and to the comment pipeline.
//
// # Use
//
// Call the suite from a test in the backend's package, with a function
// that returns a new, empty store:
//
//	func TestConformance(t *testing.T) {
//		storagetest.RunPostStore(t, func(t *testing.T) blog.Store { return mystore.New(t) })
//	}
//
// The factory receives each subtest's t: a backend that needs a database
// can create one with t.TempDir, or empty a shared one, and release it with
// t.Cleanup. A store that keeps posts and comments runs both suites.
//
// # Rules
//
// The suite runs one subtest per rule of the contract, named after it
// (RoundTrip_EveryField, Update_StaleVersion_ErrConflict,
// List_KeysetPagination, …), each with a fresh store, and every failure
// begins with "rule:" and states the rule that was broken, so that a failing
// backend can be fixed without reading the suite. Errors are checked with
// [errors.Is] against the sentinels ([blog.ErrNotFound],
// [blog.ErrSlugTaken], [blog.ErrConflict], [context.Canceled]), never by
// their text, so a backend may wrap them as it likes.
//
// Optional capabilities are checked when the store has them: the
// MonthCounter subtest when it implements [blog.MonthCounter] (in UTC and in
// zones east and west of it), the PostSearcher subtest when it implements
// [blog.PostSearcher]; otherwise they are skipped with a message.
//
// Several subtests use a store from many goroutines at once; run the suite
// with -race. The package imports time/tzdata so that the time-zone rules
// run on machines without a zone database.
package storagetest
