package memstore

import (
	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
)

// Store keeps posts and comments in memory. The zero value is not ready;
// use [New].
type Store struct {
	posts    postTable    // posts.go
	comments commentTable // comments.go
}

var (
	_ blog.Store     = (*Store)(nil)
	_ comments.Store = (*Store)(nil)
)

// New returns an empty Store.
func New() *Store {
	s := &Store{}
	s.posts.init()
	s.comments.init()
	return s
}
