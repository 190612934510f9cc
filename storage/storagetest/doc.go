// Package storagetest is the conformance kit for Folio's storage backends:
// [RunPostStore] checks a [blog.Store] and [RunCommentStore] a
// [comments.Store], and [RunPostStoreBenchmarks] and
// [RunCommentStoreBenchmarks] measure the operations a blog does most.
// Folio's own backends (storage/memstore, storage/sqlitestore,
// storage/pgstore) run them, and so can any third-party backend, so that
// every store behaves the same to the [blog.Blog] service and to the
// comment pipeline.
//
// # Use
//
// Call the suites from a test in the backend's package, with a function
// that returns a new, empty store:
//
//	func TestConformance(t *testing.T) {
//		storagetest.RunPostStore(t, func(t *testing.T) blog.Store { return mystore.New(t) })
//	}
//
//	func BenchmarkStore(b *testing.B) {
//		storagetest.RunPostStoreBenchmarks(b, func(b *testing.B) blog.Store { return mystore.New(b) })
//	}
//
// The factory receives each subtest's t (or sub-benchmark's b): a backend
// that needs a database can create one with t.TempDir, or empty a shared
// one, and release it with t.Cleanup. A store that keeps posts and comments
// runs both suites.
//
// # Rules
//
// Each suite runs one subtest per rule, in the order listed below, each
// with a fresh store. A subtest is named Subject_Rule or
// Subject_Condition_Result, the method or capability first
// (Update_StaleVersion_ErrConflict, List_KeysetPagination), so that
// -run 'TestConformance/List_' selects a group. Every failure begins with
// "rule:" and states the rule that was broken, so that a failing backend
// can be fixed without reading the suite. Errors are checked with
// [errors.Is] against the sentinels ([blog.ErrNotFound],
// [blog.ErrSlugTaken], [blog.ErrConflict], [comments.ErrNotFound],
// [comments.ErrDuplicate], [comments.ErrFlood], [context.Canceled]), never
// by their text, so a backend may wrap them as it likes.
//
// A rule about an optional capability, an interface the store may also
// implement, is checked when the store implements it and skipped, with a
// message naming the interface, when it does not. Every other rule always
// runs.
//
// # Post rules
//
// [RunPostStore] checks 45 rules. Always, for [blog.Store]:
//
//   - Create_RoundTripsEveryField, Create_DistinctNonZeroIDs,
//     Create_RejectsNonZeroID, Create_DuplicateSlug_ErrSlugTaken
//   - Get_ReturnsCopies, MissingID_ErrNotFound
//   - Update_DuplicateSlug_ErrSlugTaken, Update_StaleVersion_ErrConflict,
//     Update_IncrementsVersion
//   - GetBySlug_PreviousSlug, GetBySlug_CurrentSlugWins
//   - List_NewestFirst, List_KeysetPagination, List_PaginationDuringInserts,
//     List_Filters, List_TimeBounds, List_FilteredPagination,
//     List_Ascending_OldestFirst, List_Ascending_KeysetPagination,
//     List_Ascending_FilteredPagination, List_EffectiveLimit
//   - Delete_RemovesEverywhere
//   - CancelledContext_WritesNothing (which also calls CountPostsByMonth and
//     SearchPosts when the store has them)
//   - Concurrent_Creates, Concurrent_SameSlug, Concurrent_Updates
//
// When the store implements the capability named:
//
//   - [blog.MonthCounter]: MonthCounter_LocalMonths, in UTC and in zones east
//     and west of it
//   - [blog.PostSearcher]: PostSearcher_MatchesWords,
//     PostSearcher_TextNotMarkup
//   - [blog.LikeStore]: Likes_OnePerVisitor, Likes_MissingPost_ErrNotFound,
//     Likes_Concurrent
//   - [blog.TermCounter]: Terms_CountVisiblePosts
//   - [blog.UnlikeStore]: Unlike_TakesBackOneLike
//   - [blog.RedirectStore]: Redirects_RoundTrip
//   - [blog.LikeStore] or [blog.RedirectStore] (checking whichever it has):
//     Delete_RemovesLikesAndRedirects, and Delete_DuringLikesAndRedirects,
//     which deletes posts while other goroutines like them and record paths
//     to them
//   - [blog.ChangeFeed]: ChangeFeed_ReportsWrites (likes too, if the store
//     is a [blog.LikeStore])
//   - [blog.ChangeHook]: ChangeHook_BeforeWriteReturns (comments too, if the
//     store is a [comments.Store])
//   - [blog.Batcher]: Batch_CommitsTogether (a batch reads its own
//     writes), Batch_Failed_WritesNothing (creates, updates and redirects
//     undone), Batch_FailedWrite_KeepsBatch,
//     Batch_CancelledContext_WritesNothing
//   - a Ready(ctx) error method, the readiness check of a health endpoint:
//     Ready_OpenStore_Nil, Ready_CancelledContext_Error
//
// # Comment rules
//
// [RunCommentStore] checks 35 rules. Always, for [comments.Store]:
//
//   - Create_AssignsIDs, Create_RejectsNonZeroID, Create_RoundTripsEveryField
//   - Get_Missing_ErrNotFound, Get_ReturnsCopies
//   - Update_KeepsIdentity, Update_Missing_ErrNotFound
//   - Delete_Removes, Delete_ReparentsReplies
//   - List_ByThread, List_AllThreads, List_EqualTimesByID, List_Statuses,
//     List_DefaultLimit, List_MaxLimit, List_KeysetPagination,
//     List_PaginationAfterDelete, List_PaginationDuringAppends
//   - CountApproved_PerThread, HasApprovedComment_ByEmail,
//     LatestComment_ByIPOrEmail, FindDuplicate_SameThreadSourceAndAuthor,
//     FindDuplicate_WholeText
//   - CancelledContext_WritesNothing
//   - Concurrent_Creates, Concurrent_ReadWrite
//
// When the store implements the capability named:
//
//   - [comments.GuardedStore]: Guarded_Creates,
//     Guarded_Duplicate_ErrDuplicate, Guarded_Flood_ErrFlood,
//     Guarded_Concurrent, Guarded_CancelledContext_WritesNothing
//   - [comments.RootCounter]: RootCounter_CountsTopLevelBefore
//   - [blog.ChangeFeed]: ChangeFeed_ReportsCommentWrites
//   - [blog.Batcher]: Batch_CommitsTogether (a reply to a comment of the
//     same batch), Batch_Failed_WritesNothing (creates, updates, deletes
//     and reparenting undone)
//
// # Running
//
// The subtests do not run in parallel with each other, but the Concurrent_
// rules and several others use one store from many goroutines at once: run
// the suites with -race at least once. The package imports time/tzdata so
// that the time-zone rules run on machines without a zone database. The
// ChangeFeed_ rules wait up to 10 s for each event.
//
// # Benchmarks
//
// [RunPostStoreBenchmarks] and [RunCommentStoreBenchmarks] run one
// sub-benchmark per operation on a store seeded through its own Create
// methods; see their documentation for the operations and the data. They
// report allocations, and check what each operation returns, so that a
// store cannot look fast by doing nothing.
package storagetest
