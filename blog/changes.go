package blog

import (
	"context"
	"sync"
	"sync/atomic"
)

// changeState is the Blog's subscription to its store's changes.
type changeState struct {
	removeHook func()      // undoes the hook New registered; nil without one
	hooked     atomic.Bool // the hook is registered: it reports the Blog's own writes

	mu      sync.Mutex
	started bool               // the goroutine following other writes was started
	closed  bool               // Close was called
	cancel  context.CancelFunc // stops that goroutine
	done    chan struct{}      // closed when it returns
}

// detect finds the store's optional capabilities and subscribes the
// archive index to its change hook.
func (b *Blog) detect() {
	b.likes, _ = b.store.(LikeStore)
	b.redirects, _ = b.store.(RedirectStore)
	b.hook, _ = b.store.(ChangeHook)
	switch s := b.store.(type) {
	case SharedChangeFeed:
		b.feed = s.OtherWrites
	case ChangeFeed:
		if b.hook == nil {
			b.feed = s.Changes
		}
	}
	if b.hook != nil {
		b.changes.removeHook = b.hook.OnChange(b.noteChange)
		b.changes.hooked.Store(true)
	}
}

// noteChange keeps the Blog's own state current after a change event. It
// runs inside store writes: it must not call the store.
func (b *Blog) noteChange(ch Change) {
	if ch.Kind == ChangePost || ch.Kind == ChangeFlush {
		b.arch.invalidate()
	}
}

// followOtherWrites starts, once, the goroutine that follows the writes
// the store's hook does not report, for the archive index.
func (b *Blog) followOtherWrites() {
	if b.feed == nil {
		return
	}
	c := &b.changes
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.started || c.closed {
		return
	}
	c.started = true
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel, c.done = cancel, make(chan struct{})
	ch := b.feed(ctx)
	// Changes made before the feed listened were not reported.
	b.arch.invalidate()
	go func() {
		defer close(c.done)
		for change := range ch {
			b.noteChange(change)
		}
	}()
}

// OnChange calls fn for every change the store reports of this process's
// writes, in the writer's goroutine, before the write returns (see
// [ChangeHook]), and returns a function that stops it; ok is false, and
// fn is never called, when the store has no change hook. fn must be
// quick and must not call the Blog's writes or its store.
func (b *Blog) OnChange(fn func(Change)) (remove func(), ok bool) {
	if b.hook == nil {
		return func() {}, false
	}
	return b.hook.OnChange(fn), true
}

// FollowsOtherWrites reports whether [Blog.OtherWrites] has anything to
// report: whether the store is a [SharedChangeFeed], or a [ChangeFeed]
// without a change hook.
func (b *Blog) FollowsOtherWrites() bool { return b.feed != nil }

// OtherWrites delivers the changes that [Blog.OnChange] does not report,
// with the guarantees of [ChangeFeed.Changes], until ctx is done: every
// process's writes for a store several processes share
// ([SharedChangeFeed]), every write for a store that is a [ChangeFeed]
// without hooks. Without either the channel is closed at once.
func (b *Blog) OtherWrites(ctx context.Context) <-chan Change {
	if b.feed == nil {
		ch := make(chan Change)
		close(ch)
		return ch
	}
	return b.feed(ctx)
}

// Close stops the Blog's background work: following other processes'
// writes for the archive index, and its change hook. The Blog keeps
// answering, but the writes of other processes no longer reach its
// archive index. It always returns nil.
func (b *Blog) Close() error {
	c := &b.changes
	c.mu.Lock()
	c.closed = true
	cancel, done, remove := c.cancel, c.done, c.removeHook
	c.removeHook = nil
	c.mu.Unlock()
	if remove != nil {
		b.changes.hooked.Store(false)
		remove()
	}
	if cancel != nil {
		cancel()
		<-done
	}
	b.arch.invalidate()
	return nil
}
