package blog

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/folioblog/folio/archive"
)

// archiveState is the Blog's archive index of visible posts, built from the
// store on first use and kept current by the Blog's own writes.
//
// mu also serialises the Blog's post writes, so that a write and its
// update of the index happen as one step with respect to a rebuild: post
// writes are rare next to reads, and the store serialises them anyway.
type archiveState struct {
	mu      sync.Mutex
	ix      *archive.Index      // nil until built, or after Invalidate
	pending map[int64]time.Time // scheduled posts not yet due, by ID
}

// visibleNow is the query for the posts (not pages) visitors see now.
func (b *Blog) visibleNow() PostQuery {
	return PostQuery{
		Kinds:    []Kind{KindPost},
		Statuses: []Status{StatusPublished, StatusScheduled},
		Before:   b.Now().Add(time.Microsecond),
	}
}

// Archive returns the archive index of the posts visitors can see now, by
// month, year and day in the site's time zone. It is built from the store
// on first use — from month counts when the store is a [MonthCounter],
// without loading posts — and kept current by the Blog's writes; a
// scheduled post enters it when its time comes. The index is shared: read
// it, do not change it.
//
// Writes made by another process sharing the store are not seen until
// [Blog.InvalidateArchive] is called, which a host does on the store's
// change events.
func (b *Blog) Archive(ctx context.Context) (*archive.Index, error) {
	b.arch.mu.Lock()
	defer b.arch.mu.Unlock()
	return b.archiveLocked(ctx)
}

func (b *Blog) archiveLocked(ctx context.Context) (*archive.Index, error) {
	if b.arch.ix == nil {
		if err := b.buildArchive(ctx); err != nil {
			return nil, fmt.Errorf("blog: archive: %w", err)
		}
	}
	now := b.now()
	for id, at := range b.arch.pending {
		if !at.After(now) {
			b.arch.ix.Add(at)
			delete(b.arch.pending, id)
		}
	}
	return b.arch.ix, nil
}

// InvalidateArchive drops the archive index so the next read builds it
// again from the store: for writes made by another process.
func (b *Blog) InvalidateArchive() {
	b.arch.mu.Lock()
	b.arch.ix, b.arch.pending = nil, nil
	b.arch.mu.Unlock()
}

func (b *Blog) buildArchive(ctx context.Context) error {
	q := b.visibleNow()
	var ix *archive.Index
	if mc, ok := b.store.(MonthCounter); ok {
		counts, err := mc.CountPostsByMonth(ctx, q, b.loc)
		if err != nil {
			return err
		}
		ix = archive.NewIndex(b.loc)
		for _, m := range counts {
			if err := ix.AddMonth(m.Year, m.Month, m.Count); err != nil {
				return err
			}
		}
	} else {
		var times []time.Time
		err := b.eachPost(ctx, q, func(p *Post) { times = append(times, p.PublishedAt) })
		if err != nil {
			return err
		}
		ix = archive.Build(times, b.loc)
	}
	pending := map[int64]time.Time{}
	sched := PostQuery{Kinds: []Kind{KindPost}, Statuses: []Status{StatusScheduled}, From: q.Before}
	if err := b.eachPost(ctx, sched, func(p *Post) { pending[p.ID] = p.PublishedAt }); err != nil {
		return err
	}
	b.arch.ix, b.arch.pending = ix, pending
	return nil
}

// eachPost calls f for every post matching q, a page at a time.
func (b *Blog) eachPost(ctx context.Context, q PostQuery, f func(*Post)) error {
	q.Limit = MaxLimit
	for {
		posts, err := b.store.ListPosts(ctx, q)
		if err != nil {
			return err
		}
		for _, p := range posts {
			f(p)
		}
		if len(posts) < MaxLimit {
			return nil
		}
		q.After = CursorOf(posts[len(posts)-1])
	}
}

// noteWrite updates the archive index after a post write: old is the post
// before (nil for a create), new after (nil for a delete). The caller holds
// b.arch.mu.
func (b *Blog) noteWrite(old, new *Post) {
	ix := b.arch.ix
	if ix == nil {
		return // built from the store, writes included, on first use
	}
	now := b.now()
	if old != nil && old.Kind == KindPost {
		if _, ok := b.arch.pending[old.ID]; ok {
			delete(b.arch.pending, old.ID)
		} else if old.VisibleAt(now) {
			ix.Remove(old.PublishedAt)
		}
	}
	if new != nil && new.Kind == KindPost {
		switch {
		case new.VisibleAt(now):
			ix.Add(new.PublishedAt)
		case new.Status == StatusScheduled:
			b.arch.pending[new.ID] = new.PublishedAt
		}
	}
}

// Calendar returns the calendar of a month of the archive, weeks starting
// on firstWeekday, with the posts of each day. A month whose days the index
// does not know yet (it was counted by the store) is loaded first.
func (b *Blog) Calendar(ctx context.Context, year int, month time.Month, firstWeekday time.Weekday) (archive.Calendar, error) {
	b.arch.mu.Lock()
	defer b.arch.mu.Unlock()
	ix, err := b.archiveLocked(ctx)
	if err != nil {
		return archive.Calendar{}, err
	}
	cal := ix.Calendar(year, month, firstWeekday)
	if cal.Unplaced == 0 {
		return cal, nil
	}
	q := b.visibleNow()
	from, before := b.Period(year, month, 0)
	q.From = from
	if before.Before(q.Before) {
		q.Before = before
	}
	var times []time.Time
	if err := b.eachPost(ctx, q, func(p *Post) { times = append(times, p.PublishedAt) }); err != nil {
		return archive.Calendar{}, fmt.Errorf("blog: calendar: %w", err)
	}
	if err := ix.SetMonth(year, month, times); err != nil {
		return archive.Calendar{}, fmt.Errorf("blog: calendar: %w", err)
	}
	return ix.Calendar(year, month, firstWeekday), nil
}
