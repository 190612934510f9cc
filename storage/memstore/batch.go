package memstore

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
)

var _ blog.Batcher = (*Store)(nil)

// batchKey marks a context as running in a batch of the Store s.
type batchKey struct{ s *Store }

// batch is one [Store.Batch] in progress: the change events held until it
// ends well.
type batch struct {
	mu      sync.Mutex
	changes []blog.Change
}

// gate lets writes run together, or one batch alone: a write outside a
// batch holds it shared, a batch holds it whole.
type gate = sync.RWMutex

// enter waits for any batch of another caller to end and returns the
// function that lets it begin again. Writes of the batch of ctx pass.
func (s *Store) enter(ctx context.Context) func() {
	if s.batchOf(ctx) != nil {
		return func() {}
	}
	s.gate.RLock()
	return s.gate.RUnlock
}

func (s *Store) batchOf(ctx context.Context) *batch {
	b, _ := ctx.Value(batchKey{s}).(*batch)
	return b
}

// publish delivers a change event now, or when the batch of ctx ends well.
func (s *Store) publish(ctx context.Context, c blog.Change) {
	if b := s.batchOf(ctx); b != nil {
		b.mu.Lock()
		b.changes = append(b.changes, c)
		b.mu.Unlock()
		return
	}
	s.feed.Publish(c)
}

// Batch runs fn as one unit of writes ([blog.Batcher]): other writers
// wait until it ends, and if fn returns an error (or ctx is done when it
// returns) the Store is put back as it was before fn. It copies the
// Store's indexes to do so, a cost in proportion to what the Store holds:
// memstore is for tests and small sites, where that is cheap.
//
// Unlike a database, memstore does not hide a batch from readers: a read
// outside the batch may see its writes before it ends, and then see them
// undone if it fails.
func (s *Store) Batch(ctx context.Context, fn func(ctx context.Context) error) error {
	if s.batchOf(ctx) != nil {
		return fn(ctx)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("memstore: batch: %w", err)
	}
	s.gate.Lock()
	snap := s.snapshot()
	s.comments.mu.Lock()
	s.comments.undo = map[*comments.Comment]comments.Comment{}
	s.comments.mu.Unlock()
	b := &batch{}
	err := fn(context.WithValue(ctx, batchKey{s}, b))
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		s.restore(snap)
	}
	s.comments.mu.Lock()
	s.comments.undo = nil
	s.comments.mu.Unlock()
	s.gate.Unlock()
	if err != nil {
		return fmt.Errorf("memstore: batch: %w", err)
	}
	for _, c := range b.changes {
		s.feed.Publish(c)
	}
	return nil
}

// snapshot is the state of a Store's tables, shared with nothing the
// tables change in place. Stored posts are never changed in place (an
// update stores a new copy), so the pointers are shared; comments changed
// in place keep their old values in commentTable.undo.
type snapshot struct {
	posts    postTable
	comments commentTable
	extras   extraTable
}

func (s *Store) snapshot() *snapshot {
	var sn snapshot
	s.posts.mu.RLock()
	sn.posts = postTable{
		nextID:     s.posts.nextID,
		byID:       maps.Clone(s.posts.byID),
		bySlug:     maps.Clone(s.posts.bySlug),
		byPrevSlug: cloneSets(s.posts.byPrevSlug),
		order:      slices.Clone(s.posts.order),
	}
	s.posts.mu.RUnlock()
	s.comments.mu.RLock()
	byThread := make(map[string][]*comments.Comment, len(s.comments.byThread))
	for k, v := range s.comments.byThread {
		byThread[k] = slices.Clone(v)
	}
	byText := make(map[textKey][]*comments.Comment, len(s.comments.byText))
	for k, v := range s.comments.byText {
		byText[k] = slices.Clone(v)
	}
	sn.comments = commentTable{
		lastID:   s.comments.lastID,
		byID:     maps.Clone(s.comments.byID),
		all:      slices.Clone(s.comments.all),
		byThread: byThread,
		replies:  cloneSets(s.comments.replies),
		approved: maps.Clone(s.comments.approved),
		byText:   byText,
	}
	s.comments.mu.RUnlock()
	s.extras.mu.RLock()
	sn.extras = extraTable{
		likes:     cloneSets(s.extras.likes),
		redirects: maps.Clone(s.extras.redirects),
	}
	s.extras.mu.RUnlock()
	return &sn
}

func (s *Store) restore(sn *snapshot) {
	s.posts.mu.Lock()
	s.posts.nextID, s.posts.byID, s.posts.bySlug = sn.posts.nextID, sn.posts.byID, sn.posts.bySlug
	s.posts.byPrevSlug, s.posts.order = sn.posts.byPrevSlug, sn.posts.order
	s.posts.mu.Unlock()
	s.comments.mu.Lock()
	s.comments.lastID, s.comments.byID, s.comments.all = sn.comments.lastID, sn.comments.byID, sn.comments.all
	s.comments.byThread, s.comments.replies, s.comments.approved = sn.comments.byThread, sn.comments.replies, sn.comments.approved
	s.comments.byText = sn.comments.byText
	for c, v := range s.comments.undo {
		*c = v
	}
	s.comments.mu.Unlock()
	s.extras.mu.Lock()
	s.extras.likes, s.extras.redirects = sn.extras.likes, sn.extras.redirects
	s.extras.mu.Unlock()
}

func cloneSets[K, V comparable](m map[K]map[V]struct{}) map[K]map[V]struct{} {
	out := make(map[K]map[V]struct{}, len(m))
	for k, v := range m {
		out[k] = maps.Clone(v)
	}
	return out
}
