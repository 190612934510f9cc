package storagetest

import (
	"testing"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
)

// A postRule is one rule of the [blog.Store] contract or of an optional
// capability a post store may have. [RunPostStore] runs it as a subtest
// called name, on a fresh store.
type postRule struct {
	// name is Subject_Rule or Subject_Condition_Result, in CamelCase: the
	// method or capability first, then what it must do.
	name string
	run  func(t *testing.T, s blog.Store)
}

// A commentRule is one rule of the [comments.Store] contract or of an
// optional capability a comment store may have. [RunCommentStore] runs it
// as a subtest called name; run calls newStore for each store it needs.
type commentRule struct {
	name string // as [postRule.name]
	run  func(t *testing.T, newStore func(t *testing.T) comments.Store)
}

// postRules are the rules RunPostStore checks, in order, grouped by the
// interface they are about. A rule of an optional capability skips itself
// when the store lacks it. doc.go lists them: keep it in step.
var postRules = []postRule{
	// blog.Store
	{"Create_RoundTripsEveryField", postRoundTrip},
	{"Create_DistinctNonZeroIDs", postDistinctIDs},
	{"Create_RejectsNonZeroID", postCreateNonZeroID},
	{"Create_DuplicateSlug_ErrSlugTaken", postCreateDuplicateSlug},
	{"Get_ReturnsCopies", postCopies},
	{"MissingID_ErrNotFound", postMissingID},
	{"Update_DuplicateSlug_ErrSlugTaken", postUpdateDuplicateSlug},
	{"Update_StaleVersion_ErrConflict", postStaleVersion},
	{"Update_IncrementsVersion", postUpdateIncrementsVersion},
	{"GetBySlug_PreviousSlug", postPreviousSlug},
	{"GetBySlug_CurrentSlugWins", postCurrentSlugWins},
	{"List_NewestFirst", postListOrder},
	{"List_KeysetPagination", postKeysetPagination},
	{"List_PaginationDuringInserts", postPaginationDuringInserts},
	{"List_Filters", postListFilters},
	{"List_TimeBounds", postTimeBounds},
	{"List_FilteredPagination", postFilteredPagination},
	{"List_Ascending_OldestFirst", postListAscending},
	{"List_Ascending_KeysetPagination", postAscendingPagination},
	{"List_Ascending_FilteredPagination", postAscendingFilteredPagination},
	{"List_EffectiveLimit", postEffectiveLimit},
	{"Delete_RemovesEverywhere", postDelete},
	{"CancelledContext_WritesNothing", postCancelledContext},
	{"Concurrent_Creates", postConcurrentCreates},
	{"Concurrent_SameSlug", postConcurrentSameSlug},
	{"Concurrent_Updates", postConcurrentUpdates},

	// blog.MonthCounter
	{"MonthCounter_LocalMonths", postMonthCounter},

	// blog.PostSearcher
	{"PostSearcher_MatchesWords", postSearcher},
	{"PostSearcher_TextNotMarkup", postSearcherText},

	// blog.LikeStore
	{"Likes_OnePerVisitor", likesOnePerVisitor},
	{"Likes_MissingPost_ErrNotFound", likesMissingPost},
	{"Likes_Concurrent", likesConcurrent},

	// blog.TermCounter
	{"Terms_CountVisiblePosts", termsCountVisiblePosts},

	// blog.UnlikeStore
	{"Unlike_TakesBackOneLike", unlikeTakesBack},

	// blog.RedirectStore
	{"Redirects_RoundTrip", redirectsRoundTrip},

	// blog.LikeStore or blog.RedirectStore
	{"Delete_RemovesLikesAndRedirects", deleteRemovesLikesAndRedirects},
	{"Delete_DuringLikesAndRedirects", deleteDuringLikes},

	// blog.ChangeFeed
	{"ChangeFeed_ReportsWrites", changeFeedReportsWrites},

	// blog.ChangeHook
	{"ChangeHook_BeforeWriteReturns", changeHookBeforeWriteReturns},

	// blog.Batcher
	{"Batch_CommitsTogether", batchCommitsTogether},
	{"Batch_Failed_WritesNothing", batchFailedWritesNothing},
	{"Batch_FailedWrite_KeepsBatch", batchFailedWriteKeepsBatch},
	{"Batch_CancelledContext_WritesNothing", batchCancelledContextWritesNothing},
	// Ready(ctx) error, the readiness check
	{"Ready_OpenStore_Nil", readyOpenStore},
	{"Ready_CancelledContext_Error", readyCancelledContext},
}

// commentRules are the rules RunCommentStore checks, in order, grouped as
// postRules are. doc.go lists them: keep it in step.
var commentRules = []commentRule{
	// comments.Store
	{"Create_AssignsIDs", commentCreateAssignsIDs},
	{"Create_RejectsNonZeroID", commentCreateRejectsNonZeroID},
	{"Create_RoundTripsEveryField", commentRoundTrip},
	{"Get_Missing_ErrNotFound", commentGetMissing},
	{"Get_ReturnsCopies", commentReturnsCopies},
	{"Update_KeepsIdentity", commentUpdateKeepsIdentity},
	{"Update_Missing_ErrNotFound", commentUpdateMissing},
	{"Delete_Removes", commentDeleteRemoves},
	{"Delete_ReparentsReplies", commentDeleteReparentsReplies},
	{"List_ByThread", commentListByThread},
	{"List_AllThreads", commentListAllThreads},
	{"List_EqualTimesByID", commentListEqualTimesByID},
	{"List_Statuses", commentListStatuses},
	{"List_DefaultLimit", commentListDefaultLimit},
	{"List_MaxLimit", commentListMaxLimit},
	{"List_KeysetPagination", commentListPagination},
	{"List_PaginationAfterDelete", commentListPaginationAfterDelete},
	{"List_PaginationDuringAppends", commentListPaginationConcurrentAppends},
	{"CountApproved_PerThread", commentCountApproved},
	{"HasApprovedComment_ByEmail", commentHasApprovedComment},
	{"LatestComment_ByIPOrEmail", commentLatestComment},
	{"FindDuplicate_SameThreadSourceAndAuthor", commentFindDuplicate},
	{"FindDuplicate_WholeText", commentFindDuplicateWholeText},
	{"CancelledContext_WritesNothing", commentCancelledContext},
	{"Concurrent_Creates", commentConcurrentCreates},
	{"Concurrent_ReadWrite", commentConcurrentReadWrite},

	// comments.GuardedStore
	{"Guarded_Creates", commentGuardedCreates},
	{"Guarded_Duplicate_ErrDuplicate", commentGuardedDuplicate},
	{"Guarded_Flood_ErrFlood", commentGuardedFlood},
	{"Guarded_Concurrent", commentGuardedConcurrent},
	{"Guarded_CancelledContext_WritesNothing", commentGuardedCancelledContext},

	// comments.RootCounter
	{"RootCounter_CountsTopLevelBefore", commentCountRootsBefore},

	// blog.ChangeFeed
	{"ChangeFeed_ReportsCommentWrites", changeFeedReportsCommentWrites},

	// blog.Batcher
	{"Batch_CommitsTogether", commentBatchCommitsTogether},
	{"Batch_Failed_WritesNothing", commentBatchFailedWritesNothing},
}
