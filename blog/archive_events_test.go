package blog_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/archive"
	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/storage/memstore"
)

// blockingStore is a store without optional capabilities whose ListPosts,
// once armed, signals entered and waits for release: a slow archive
// rebuild the test controls.
type blockingStore struct {
	blog.Store
	mu       sync.Mutex
	armed    bool
	entered  chan struct{}
	released chan struct{}
}

func (s *blockingStore) arm() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.armed, s.entered, s.released = true, make(chan struct{}), make(chan struct{})
}

func (s *blockingStore) ListPosts(ctx context.Context, q blog.PostQuery) ([]*blog.Post, error) {
	s.mu.Lock()
	armed, entered, released := s.armed, s.entered, s.released
	s.armed = false
	s.mu.Unlock()
	if armed {
		close(entered)
		<-released
	}
	return s.Store.ListPosts(ctx, q)
}

func TestBlog_Archive_writeNotBlockedByRebuild(t *testing.T) {
	st := &blockingStore{Store: memstore.New()}
	c := newClock()
	b, err := blog.New(st, blog.WithClock(c.Now))
	require.NoError(t, err)
	ctx := context.Background()
	at := time.Date(2012, 11, 5, 10, 0, 0, 0, time.UTC)
	_, err = b.CreatePost(ctx, &blog.Post{Title: "before", Status: blog.StatusPublished, PublishedAt: at})
	require.NoError(t, err)

	st.arm()
	type result struct {
		months []archive.Month
		err    error
	}
	rebuilt := make(chan result)
	go func() {
		ix, err := b.Archive(ctx)
		if err != nil {
			rebuilt <- result{err: err}
			return
		}
		rebuilt <- result{months: ix.Months()}
	}()
	<-st.entered // the rebuild is stuck inside the store

	// A write while the rebuild is blocked returns: no lock is held across
	// the rebuild's store calls.
	_, err = b.CreatePost(ctx, &blog.Post{Title: "during", Status: blog.StatusPublished, PublishedAt: at.AddDate(0, 1, 0)})
	require.NoError(t, err)

	close(st.released)
	r := <-rebuilt
	require.NoError(t, r.err)
	assert.Equal(t, []archive.Month{
		{Year: 2012, Month: time.December, Count: 1},
		{Year: 2012, Month: time.November, Count: 1},
	}, months(t, b), "the build that raced the write is not kept")
}

func TestBlog_Archive_followsStoreHook(t *testing.T) {
	st := memstore.New()
	b, err := blog.New(st, blog.WithClock(newClock().Now))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, b.Close()) })
	ctx := context.Background()
	assert.Empty(t, months(t, b))

	// A write that bypasses the Blog (another service on the same store)
	// reaches the index through the store's change hook.
	require.NoError(t, st.CreatePost(ctx, &blog.Post{Title: "direct", Slug: "direct", Kind: blog.KindPost,
		Status: blog.StatusPublished, PublishedAt: time.Date(2012, 11, 5, 10, 0, 0, 0, time.UTC)}))
	assert.Equal(t, []archive.Month{{Year: 2012, Month: time.November, Count: 1}}, months(t, b))
}

// sharedStore is a store several processes write to, its feed of other
// processes' writes fed by the test.
type sharedStore struct {
	blog.Store
	feed chan blog.Change
}

func (s sharedStore) OtherWrites(ctx context.Context) <-chan blog.Change { return s.feed }

func TestBlog_Archive_followsOtherWrites(t *testing.T) {
	mem := memstore.New()
	st := sharedStore{Store: plainStore{mem}, feed: make(chan blog.Change)}
	b, err := blog.New(st, blog.WithClock(newClock().Now))
	require.NoError(t, err)
	require.True(t, b.FollowsOtherWrites())
	ctx := context.Background()
	assert.Empty(t, months(t, b))

	// Another process writes: the Blog learns of it only from the feed.
	require.NoError(t, mem.CreatePost(ctx, &blog.Post{Title: "elsewhere", Slug: "elsewhere", Kind: blog.KindPost,
		Status: blog.StatusPublished, PublishedAt: time.Date(2012, 11, 5, 10, 0, 0, 0, time.UTC)}))
	assert.Empty(t, months(t, b), "the index is kept between changes")
	st.feed <- blog.Change{Kind: blog.ChangePost, PostID: 1}
	st.feed <- blog.Change{Kind: blog.ChangeComment, Thread: "x"} // taken once the first is handled
	assert.Equal(t, []archive.Month{{Year: 2012, Month: time.November, Count: 1}}, months(t, b))

	close(st.feed)
	require.NoError(t, b.Close())
}

func TestBlog_Archive_concurrentWritersAndReaders(t *testing.T) {
	for name, store := range map[string]blog.Store{
		"month counter": memstore.New(),
		"plain store":   plainStore{memstore.New()},
	} {
		t.Run(name, func(t *testing.T) {
			c := newClock()
			b, err := blog.New(store, blog.WithClock(c.Now))
			require.NoError(t, err)
			ctx := context.Background()
			const writers, perWriter, readers = 4, 15, 4
			var wg sync.WaitGroup
			done := make(chan struct{})
			for w := range writers {
				wg.Go(func() {
					for i := range perWriter {
						at := time.Date(2012, time.Month(1+(w*perWriter+i)%12), 3, 10, 0, 0, 0, time.UTC)
						p, err := b.CreatePost(ctx, &blog.Post{Title: fmt.Sprintf("w%d-%d", w, i), Status: blog.StatusPublished, PublishedAt: at})
						if !assert.NoError(t, err) {
							return
						}
						if i%3 == 0 {
							assert.NoError(t, b.DeletePost(ctx, p.ID))
						}
					}
				})
			}
			var rg sync.WaitGroup
			for range readers {
				rg.Go(func() {
					for {
						select {
						case <-done:
							return
						default:
						}
						_, err := b.Archive(ctx)
						assert.NoError(t, err)
						_, err = b.Calendar(ctx, 2012, time.March, time.Monday)
						assert.NoError(t, err)
					}
				})
			}
			wg.Wait()
			close(done)
			rg.Wait()

			fresh, err := blog.New(store, blog.WithClock(c.Now))
			require.NoError(t, err)
			total := 0
			for _, m := range months(t, b) {
				total += m.Count
			}
			assert.Equal(t, writers*(perWriter-perWriter/3), total)
			assert.Equal(t, months(t, fresh), months(t, b), "the index agrees with one built afresh")
		})
	}
}
