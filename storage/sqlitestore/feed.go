package sqlitestore

import (
	"context"

	"github.com/folioblog/folio/blog"
)

// Changes delivers a [blog.Change] for every write this Store commits —
// ChangePost with the PostID for a post created, updated or deleted;
// ChangeComment with the Thread for a comment created, updated or
// deleted; ChangeLike with the PostID — until ctx is done or the Store is
// closed, then closes the channel. Each call gets its own channel. A
// reader that falls more than 256 changes behind loses them and receives
// one [blog.ChangeFlush] instead, as soon as there is room; writers never
// wait for readers. A write's change is in the channel when the write
// returns.
//
// Only writes made through this Store are reported: another process
// writing the same file is not seen.
func (s *Store) Changes(ctx context.Context) <-chan blog.Change {
	return s.feed.Subscribe(ctx)
}

// OnChange calls fn for every write this Store commits, in the writer's
// goroutine, before the write returns; see [blog.ChangeHook].
func (s *Store) OnChange(fn func(blog.Change)) (remove func()) {
	return s.feed.OnChange(fn)
}
