package memstore

import (
	"context"

	"github.com/folioblog/folio/blog"
)

// Changes delivers a [blog.Change] for every write to the store until ctx
// is done; see [blog.ChangeFeed]. A subscriber that falls more than 256
// changes behind receives one [blog.ChangeFlush] in their place. A write's
// change is in the channel when the write returns.
func (s *Store) Changes(ctx context.Context) <-chan blog.Change {
	return s.feed.Subscribe(ctx)
}

// OnChange calls fn for every write to the store, in the writer's
// goroutine, before the write returns; see [blog.ChangeHook].
func (s *Store) OnChange(fn func(blog.Change)) (remove func()) {
	return s.feed.OnChange(fn)
}
