package memstore

import (
	"context"
	"sync"

	"github.com/folioblog/folio/blog"
)

// feedBuffer is how many changes a subscriber may fall behind before it is
// sent a flush instead.
const feedBuffer = 256

// feed fans change events out to subscribers without ever blocking a
// writer.
type feed struct {
	mu    sync.Mutex
	subs  map[*subscriber]struct{}
	hooks map[*func(blog.Change)]struct{}
}

type subscriber struct {
	ch     chan blog.Change
	missed bool // changes were dropped: send a flush when there is room
}

// Changes delivers a [blog.Change] for every write to the store until ctx
// is done; see [blog.ChangeFeed]. A subscriber that falls more than 256
// changes behind receives one [blog.ChangeFlush] in their place.
func (s *Store) Changes(ctx context.Context) <-chan blog.Change {
	sub := &subscriber{ch: make(chan blog.Change, feedBuffer)}
	f := &s.feed
	f.mu.Lock()
	if f.subs == nil {
		f.subs = make(map[*subscriber]struct{})
	}
	f.subs[sub] = struct{}{}
	f.mu.Unlock()
	go func() {
		<-ctx.Done()
		f.mu.Lock()
		delete(f.subs, sub)
		close(sub.ch)
		f.mu.Unlock()
	}()
	return sub.ch
}

// OnChange calls fn for every write to the store, in the writer's
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

func (f *feed) publish(c blog.Change) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for fn := range f.hooks {
		(*fn)(c)
	}
	for sub := range f.subs {
		if sub.missed {
			select {
			case sub.ch <- blog.Change{Kind: blog.ChangeFlush}:
				sub.missed = false
			default:
				continue
			}
		}
		select {
		case sub.ch <- c:
		default:
			sub.missed = true
		}
	}
}
