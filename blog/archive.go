package blog

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/folioblog/folio/archive"
)

// archiveState is the Blog's archive index of visible posts, built from the
// store on first use and dropped on every post change the Blog hears of —
// its own writes, its store's change hook, and the writes of other
// processes on a [SharedChangeFeed] — so that the next read builds it
// again.
//
// mu guards the fields only: it is never held across a store call, so
// writes never wait for a rebuild. A build runs outside the lock and is
// kept only if no change arrived while it ran (gen did not move).
type archiveState struct {
	mu       sync.Mutex
	gen      uint64              // counts changes: a build from an older gen is stale
	ix       *archive.Index      // nil until built, or after a change
	pending  map[int64]time.Time // scheduled posts not yet due, by ID
	building chan struct{}       // closed when the build in flight ends; nil if none
}

// invalidate drops the index after a post change. It takes the lock only
// briefly and calls nothing: it runs inside store writes (change hooks).
func (a *archiveState) invalidate() {
	a.mu.Lock()
	a.gen++
	a.ix, a.pending = nil, nil
	a.mu.Unlock()
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
// without loading posts — and built again after a post changes: after
// the Blog's own writes, the store's change hook ([ChangeHook]) and, for
// a store several processes share ([SharedChangeFeed]), other processes'
// writes. A scheduled post enters it when its time comes. The index is
// shared: read it, do not change it.
func (b *Blog) Archive(ctx context.Context) (*archive.Index, error) {
	b.followOtherWrites()
	for {
		a := &b.arch
		a.mu.Lock()
		if a.ix != nil {
			b.promoteDue(a.ix, a.pending)
			ix := a.ix
			a.mu.Unlock()
			return ix, nil
		}
		if w := a.building; w != nil {
			a.mu.Unlock()
			select {
			case <-w:
				continue
			case <-ctx.Done():
				return nil, fmt.Errorf("blog: archive: %w", ctx.Err())
			}
		}
		done := make(chan struct{})
		a.building, a.ix = done, nil
		gen := a.gen
		a.mu.Unlock()

		ix, pending, err := b.buildArchive(ctx)

		a.mu.Lock()
		a.building = nil
		close(done)
		if err != nil {
			a.mu.Unlock()
			return nil, fmt.Errorf("blog: archive: %w", err)
		}
		if a.gen == gen {
			a.ix, a.pending = ix, pending
		}
		// A change arrived during the build: this read gets what was
		// built, and the next one builds again.
		b.promoteDue(ix, pending)
		a.mu.Unlock()
		return ix, nil
	}
}

// promoteDue moves the scheduled posts of pending whose time has come
// into ix. The caller holds b.arch.mu.
func (b *Blog) promoteDue(ix *archive.Index, pending map[int64]time.Time) {
	now := b.now()
	for id, at := range pending {
		if !at.After(now) {
			ix.Add(at)
			delete(pending, id)
		}
	}
}

func (b *Blog) buildArchive(ctx context.Context) (*archive.Index, map[int64]time.Time, error) {
	q := b.visibleNow()
	var ix *archive.Index
	if mc, ok := b.store.(MonthCounter); ok {
		counts, err := mc.CountPostsByMonth(ctx, q, b.loc)
		if err != nil {
			return nil, nil, err
		}
		ix = archive.NewIndex(b.loc)
		for _, m := range counts {
			if err := ix.AddMonth(m.Year, m.Month, m.Count); err != nil {
				return nil, nil, err
			}
		}
	} else {
		var times []time.Time
		err := b.eachPost(ctx, q, func(p *Post) { times = append(times, p.PublishedAt) })
		if err != nil {
			return nil, nil, err
		}
		ix = archive.Build(times, b.loc)
	}
	pending := map[int64]time.Time{}
	sched := PostQuery{Kinds: []Kind{KindPost}, Statuses: []Status{StatusScheduled}, From: q.Before}
	if err := b.eachPost(ctx, sched, func(p *Post) { pending[p.ID] = p.PublishedAt }); err != nil {
		return nil, nil, err
	}
	return ix, pending, nil
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

// noteWrite drops the archive index after one of the Blog's own post
// writes has returned, unless the store's change hook did already.
func (b *Blog) noteWrite() {
	if !b.changes.hooked.Load() {
		b.arch.invalidate()
	}
}

// Calendar returns the calendar of a month of the archive, weeks starting
// on firstWeekday, with the posts of each day. A month whose days the index
// does not know yet (it was counted by the store) is loaded first.
func (b *Blog) Calendar(ctx context.Context, year int, month time.Month, firstWeekday time.Weekday) (archive.Calendar, error) {
	ix, err := b.Archive(ctx)
	if err != nil {
		return archive.Calendar{}, err
	}
	cal := ix.Calendar(year, month, firstWeekday)
	if cal.Unplaced == 0 {
		return cal, nil
	}
	b.arch.mu.Lock()
	gen := b.arch.gen
	b.arch.mu.Unlock()
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
	b.arch.mu.Lock()
	defer b.arch.mu.Unlock()
	if b.arch.gen != gen || b.arch.ix != ix {
		// A post changed meanwhile: answer from what was read, keep nothing.
		return archive.Build(times, b.loc).Calendar(year, month, firstWeekday), nil
	}
	if err := ix.SetMonth(year, month, times); err != nil {
		return archive.Calendar{}, fmt.Errorf("blog: calendar: %w", err)
	}
	return ix.Calendar(year, month, firstWeekday), nil
}
