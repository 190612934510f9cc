package sqlitestore

import (
	"context"
	"sync"

	"github.com/folioblog/folio/blog"
)

// subscriberBuffer is how many changes a subscriber may fall behind before
// they are replaced by one blog.ChangeFlush.
const subscriberBuffer = 256

// feed fans the changes this process commits out to subscribers. A write
// never waits for a subscriber: each has its own bounded queue, drained
// into its channel by its own goroutine.
type feed struct {
	mu     sync.Mutex
	subs   map[*subscriber]struct{}
	hooks  map[*func(blog.Change)]struct{}
	done   chan struct{} // closed by close
	closed bool
}

type subscriber struct {
	mu       sync.Mutex
	queue    []blog.Change
	overflow bool          // changes were dropped: a ChangeFlush is owed
	wake     chan struct{} // capacity 1: something was queued
}

func (f *feed) init() {
	f.subs = make(map[*subscriber]struct{})
	f.done = make(chan struct{})
}

// close ends every subscription, now and to come.
func (f *feed) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.closed {
		f.closed = true
		close(f.done)
	}
}

// OnChange calls fn for every write this Store commits, in the writer's
// goroutine, before the write returns; see [blog.ChangeHook].
func (s *Store) OnChange(fn func(blog.Change)) (remove func()) {
	f := &s.feed
	key := &fn
	f.mu.Lock()
	if f.hooks == nil {
		f.hooks = make(map[*func(blog.Change)]struct{})
	}
	f.hooks[key] = struct{}{}
	f.mu.Unlock()
	return func() {
		f.mu.Lock()
		delete(f.hooks, key)
		f.mu.Unlock()
	}
}

// publish calls the hooks and queues c for every subscriber, without
// blocking.
func (f *feed) publish(c blog.Change) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for fn := range f.hooks {
		(*fn)(c)
	}
	for s := range f.subs {
		s.mu.Lock()
		switch {
		case s.overflow:
			// Already owed a flush, which covers c.
		case len(s.queue) >= subscriberBuffer:
			s.queue = s.queue[:0]
			s.overflow = true
		default:
			s.queue = append(s.queue, c)
		}
		s.mu.Unlock()
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// Changes delivers a [blog.Change] for every write this Store commits —
// ChangePost with the PostID for a post created, updated or deleted;
// ChangeComment with the Thread for a comment created, updated or
// deleted — until ctx is done or the Store is closed, then closes the
// channel. Each call gets its own channel and queue. A reader that falls
// more than 256 changes behind loses them and receives one
// [blog.ChangeFlush] instead, as soon as it reads again; writers never
// wait for readers.
//
// Only writes made through this Store are reported: another process
// writing the same file is not seen.
func (s *Store) Changes(ctx context.Context) <-chan blog.Change {
	out := make(chan blog.Change)
	sub := &subscriber{wake: make(chan struct{}, 1)}
	f := &s.feed
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		close(out)
		return out
	}
	f.subs[sub] = struct{}{}
	f.mu.Unlock()
	go func() {
		defer func() {
			f.mu.Lock()
			delete(f.subs, sub)
			f.mu.Unlock()
			close(out)
		}()
		for {
			sub.mu.Lock()
			var (
				next blog.Change
				have bool
			)
			switch {
			case sub.overflow:
				next, have = blog.Change{Kind: blog.ChangeFlush}, true
			case len(sub.queue) > 0:
				next, have = sub.queue[0], true
			}
			sub.mu.Unlock()
			if !have {
				select {
				case <-sub.wake:
					continue
				case <-ctx.Done():
					return
				case <-f.done:
					return
				}
			}
			select {
			case out <- next:
				sub.mu.Lock()
				switch {
				case next.Kind == blog.ChangeFlush:
					sub.overflow = false
				case sub.overflow:
					// The queue was dropped while next was on its way.
				default:
					sub.queue = sub.queue[1:]
				}
				sub.mu.Unlock()
			case <-ctx.Done():
				return
			case <-f.done:
				return
			}
		}
	}()
	return out
}
