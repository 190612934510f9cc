package memstore

import (
	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/internal/changes"
)

// Store keeps posts and comments in memory. The zero value is not ready;
// use [New].
type Store struct {
	posts    postTable    // posts.go
	comments commentTable // comments.go
	extras   extraTable   // extras.go: likes and old paths
	feed     changes.Hub  // feed.go: change events
	gate     gate         // batch.go: one batch at a time, alone
}

var (
	_ blog.Store            = (*Store)(nil)
	_ blog.LikeStore        = (*Store)(nil)
	_ blog.RedirectStore    = (*Store)(nil)
	_ blog.ChangeFeed       = (*Store)(nil)
	_ blog.ChangeHook       = (*Store)(nil)
	_ comments.Store        = (*Store)(nil)
	_ comments.GuardedStore = (*Store)(nil)
)

// New returns an empty Store.
func New() *Store {
	s := &Store{}
	s.posts.init()
	s.comments.init()
	s.extras.init()
	return s
}
