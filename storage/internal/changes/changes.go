// Package changes fans a store's writes out to the caches of the process
// that made them: hooks called inside the write ([blog.ChangeHook]) and
// buffered channels ([blog.ChangeFeed]). memstore and sqlitestore share
// it; a store several processes write to needs more (pgstore uses
// LISTEN/NOTIFY).
package changes

import (
	"context"
	"sync"

	"github.com/folioblog/folio/blog"
)

// Buffer is how many changes a subscriber may fall behind before they are
// replaced by one [blog.ChangeFlush].
const Buffer = 256

// Hub delivers published changes to hooks and subscribers without ever
// making a writer wait for a reader. The zero value is ready to use; a Hub
// is safe for concurrent use.
type Hub struct {
	mu     sync.Mutex
	subs   map[*subscriber]struct{}
	hooks  map[*func(blog.Change)]struct{}
	closed bool
}

type subscriber struct {
	ch chan blog.Change
}

// Publish calls every hook with c, in the caller's goroutine, and queues
// c for every subscriber. The last place of a subscriber's buffer is kept
// for a [blog.ChangeFlush]: a subscriber that falls behind receives one
// in place of the changes it lost, right after those it has.
func (h *Hub) Publish(c blog.Change) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for fn := range h.hooks {
		(*fn)(c)
	}
	for sub := range h.subs {
		// Only Publish sends, under h.mu, so these sends never block.
		switch n := len(sub.ch); {
		case n < cap(sub.ch)-1:
			sub.ch <- c
		case n == cap(sub.ch)-1:
			sub.ch <- blog.Change{Kind: blog.ChangeFlush}
		default:
			// Full, a flush last: it covers c.
		}
	}
}

// OnChange registers fn to be called by Publish and returns a function
// that removes it; see [blog.ChangeHook].
func (h *Hub) OnChange(fn func(blog.Change)) (remove func()) {
	key := &fn
	h.mu.Lock()
	if h.hooks == nil {
		h.hooks = make(map[*func(blog.Change)]struct{})
	}
	h.hooks[key] = struct{}{}
	h.mu.Unlock()
	return func() {
		h.mu.Lock()
		delete(h.hooks, key)
		h.mu.Unlock()
	}
}

// Subscribe returns a channel of the changes published from now on, until
// ctx is done or the Hub is closed; then the channel is closed. See
// [blog.ChangeFeed].
func (h *Hub) Subscribe(ctx context.Context) <-chan blog.Change {
	sub := &subscriber{ch: make(chan blog.Change, Buffer)}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		close(sub.ch)
		return sub.ch
	}
	if h.subs == nil {
		h.subs = make(map[*subscriber]struct{})
	}
	h.subs[sub] = struct{}{}
	h.mu.Unlock()
	context.AfterFunc(ctx, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := h.subs[sub]; ok {
			delete(h.subs, sub)
			close(sub.ch)
		}
	})
	return sub.ch
}

// Close ends every subscription, now and to come, and drops the hooks.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for sub := range h.subs {
		close(sub.ch)
	}
	h.subs, h.hooks = nil, nil
}
