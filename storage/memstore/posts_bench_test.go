package memstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/storage/memstore"
	"github.com/folioblog/folio/storage/storagetest"
)

// BenchmarkPostStore runs the operations every store is measured on; the
// benchmarks below measure memstore's own indexes at 100,000 posts.
func BenchmarkPostStore(b *testing.B) {
	storagetest.RunPostStoreBenchmarks(b, func(b *testing.B) blog.Store { return memstore.New() })
}

const benchPosts = 100_000

var benchStart = time.Date(2018, time.January, 1, 8, 0, 0, 0, time.UTC)

// benchPost returns the i-th post of the benchmark store: one every 37
// minutes from benchStart, every tenth a draft, every hundredth tagged
// "rare".
func benchPost(i int) *blog.Post {
	p := &blog.Post{
		Kind:          blog.KindPost,
		Slug:          fmt.Sprintf("post-%d", i),
		Title:         fmt.Sprintf("Post number %d", i),
		Format:        blog.FormatMarkdown,
		Source:        "Some text about the weather and the garden.",
		Status:        blog.StatusPublished,
		CommentStatus: blog.CommentsOpen,
		Tags:          []blog.Term{{Name: "Weather", Slug: "weather"}},
		PublishedAt:   benchStart.Add(time.Duration(i) * 37 * time.Minute),
	}
	if i%10 == 0 {
		p.Status = blog.StatusDraft
	}
	if i%100 == 0 {
		p.Tags = append(p.Tags, blog.Term{Name: "Rare", Slug: "rare"})
	}
	p.CreatedAt, p.UpdatedAt = p.PublishedAt, p.PublishedAt
	return p
}

var (
	bigOnce  sync.Once
	bigStore *memstore.Store
)

// big returns a store holding benchPosts posts, built once and only read.
func big(b *testing.B) *memstore.Store {
	b.Helper()
	bigOnce.Do(func() {
		s := memstore.New()
		for i := range benchPosts {
			if err := s.CreatePost(context.Background(), benchPost(i)); err != nil {
				panic(err)
			}
		}
		bigStore = s
	})
	return bigStore
}

// BenchmarkCreatePost measures creating posts newest-last (the usual case:
// the ordered index grows at its end) against posts older than every
// stored one (each insert moves the whole index), in a store that starts
// with benchPosts posts.
func BenchmarkCreatePost(b *testing.B) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		at   func(i int) time.Time
	}{
		{"newest", func(i int) time.Time { return benchStart.AddDate(10, 0, 0).Add(time.Duration(i) * time.Second) }},
		{"oldest", func(i int) time.Time { return benchStart.AddDate(-1, 0, 0).Add(-time.Duration(i) * time.Second) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			s := memstore.New()
			for i := range benchPosts {
				if err := s.CreatePost(ctx, benchPost(i)); err != nil {
					b.Fatal(err)
				}
			}
			posts := make([]*blog.Post, b.N)
			for i := range posts {
				p := benchPost(benchPosts + i)
				p.PublishedAt = c.at(i)
				posts[i] = p
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if err := s.CreatePost(ctx, posts[i]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGetPost compares a lookup by ID (the baseline) with one by
// current slug and one by previous slug.
func BenchmarkGetPost(b *testing.B) {
	ctx := context.Background()
	s := big(b)
	b.Run("by-id", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			if _, err := s.GetPost(ctx, int64(i%benchPosts)+1); err != nil {
				b.Fatal(err)
			}
		}
	})
	slugs := make([]string, 1024)
	for i := range slugs {
		slugs[i] = fmt.Sprintf("post-%d", (i*7919)%benchPosts)
	}
	b.Run("by-slug", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			if _, err := s.GetPostBySlug(ctx, slugs[i%len(slugs)]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkListPosts compares the first page of a listing of benchPosts
// posts (the baseline) with pages continued by keyset at depths 5,000 and
// 9,999 (pages of 10), which should cost the same, and with listings whose
// filters make the store scan.
func BenchmarkListPosts(b *testing.B) {
	ctx := context.Background()
	s := big(b)
	// cursorAt returns the cursor of the last post on page n (from 0) of
	// the unfiltered listing: the n*10+9-th newest post.
	cursorAt := func(n int) *blog.Cursor {
		p, err := s.GetPost(ctx, int64(benchPosts-(n*10+9)))
		if err != nil {
			b.Fatal(err)
		}
		return blog.CursorOf(p)
	}
	published := []blog.Status{blog.StatusPublished}
	for _, c := range []struct {
		name string
		q    blog.PostQuery
	}{
		{"first-page", blog.PostQuery{}},
		{"page-5000", blog.PostQuery{After: cursorAt(4999)}},
		{"page-9999", blog.PostQuery{After: cursorAt(9998)}},
		{"first-page-published", blog.PostQuery{Statuses: published}},
		{"page-5000-published", blog.PostQuery{Statuses: published, After: cursorAt(4999)}},
		{"first-page-rare-tag", blog.PostQuery{Tag: "rare"}},
		{"page-500-rare-tag", blog.PostQuery{Tag: "rare", After: cursorAt(4999)}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				ps, err := s.ListPosts(ctx, c.q)
				if err != nil {
					b.Fatal(err)
				}
				if len(ps) != blog.DefaultLimit {
					b.Fatalf("got %d posts, want %d", len(ps), blog.DefaultLimit)
				}
			}
		})
	}
}

// BenchmarkCountPostsByMonth compares the MonthCounter over benchPosts
// posts with what a caller without it would do: read every post, a
// thousand a page, and count months itself (the baseline).
func BenchmarkCountPostsByMonth(b *testing.B) {
	ctx := context.Background()
	s := big(b)
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		b.Fatal(err)
	}
	published := blog.PostQuery{Statuses: []blog.Status{blog.StatusPublished}}
	b.Run("paginate-baseline", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			counts := make(map[[2]int]int)
			q := published
			q.Limit = blog.MaxLimit
			for {
				ps, err := s.ListPosts(ctx, q)
				if err != nil {
					b.Fatal(err)
				}
				if len(ps) == 0 {
					break
				}
				for _, p := range ps {
					y, m, _ := p.PublishedAt.In(tokyo).Date()
					counts[[2]int{y, int(m)}]++
				}
				q.After = blog.CursorOf(ps[len(ps)-1])
			}
		}
	})
	for _, c := range []struct {
		name string
		q    blog.PostQuery
		loc  *time.Location
	}{
		{"utc-all", blog.PostQuery{}, time.UTC},
		{"tokyo-all", blog.PostQuery{}, tokyo},
		{"tokyo-published", published, tokyo},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				ms, err := s.CountPostsByMonth(ctx, c.q, c.loc)
				if err != nil {
					b.Fatal(err)
				}
				if len(ms) < 80 {
					b.Fatalf("got %d months", len(ms))
				}
			}
		})
	}
}
