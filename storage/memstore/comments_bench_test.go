package memstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/memstore"
	"github.com/folioblog/folio/storage/storagetest"
)

// BenchmarkCommentStore runs the operations every store is measured on;
// the benchmarks below measure memstore's own indexes at 100,000 comments.
func BenchmarkCommentStore(b *testing.B) {
	storagetest.RunCommentStoreBenchmarks(b, func(b *testing.B) comments.Store { return memstore.New() })
}

var benchEpoch = time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC)

// fillComments adds n approved comments, a second apart, spread over
// threads thread-0 … thread-(threads-1).
func fillComments(b *testing.B, s *memstore.Store, n, threads int) {
	b.Helper()
	ctx := context.Background()
	for i := range n {
		c := &comments.Comment{
			Thread:    fmt.Sprintf("thread-%d", i%threads),
			Author:    comments.Author{Name: "Reader", Email: "reader@example.com"},
			Source:    "A comment.",
			HTML:      "<p>A comment.</p>\n",
			Status:    comments.StatusApproved,
			IP:        "192.0.2.1",
			CreatedAt: benchEpoch.Add(time.Duration(i) * time.Second),
		}
		if err := s.CreateComment(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateComment stores one comment, into an empty store (the
// baseline) and into one that already holds 100,000 comments.
func BenchmarkCreateComment(b *testing.B) {
	for _, existing := range []int{0, 100_000} {
		b.Run(fmt.Sprintf("existing=%d", existing), func(b *testing.B) {
			s := memstore.New()
			fillComments(b, s, existing, 1000)
			ctx := context.Background()
			at := benchEpoch.Add(time.Duration(existing) * time.Second)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				c := &comments.Comment{
					Thread:    "thread-7",
					Author:    comments.Author{Name: "Reader", Email: "reader@example.com"},
					Source:    "A comment.",
					Status:    comments.StatusApproved,
					CreatedAt: at.Add(time.Duration(i) * time.Microsecond),
				}
				if err := s.CreateComment(ctx, c); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkListCommentsThread reads a whole 1,000-comment thread. The
// baseline reads it in one page; the others page through it 50 at a time,
// alone in the store or beside 100,000 comments on 1,000 other threads
// (which a per-thread index keeps out of the way).
func BenchmarkListCommentsThread(b *testing.B) {
	const threadSize = 1000
	for _, bc := range []struct {
		name   string
		others int
		limit  int
	}{
		{"onepage/others=0", 0, comments.MaxLimit},
		{"pages50/others=0", 0, 50},
		{"pages50/others=100000", 100_000, 50},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := memstore.New()
			fillComments(b, s, bc.others, 1000) // thread-0 … thread-999
			ctx := context.Background()
			for i := range threadSize {
				c := &comments.Comment{
					Thread:    "big",
					Source:    "A comment.",
					Status:    comments.StatusApproved,
					CreatedAt: benchEpoch.Add(time.Duration(i/2) * time.Second),
				}
				if err := s.CreateComment(ctx, c); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				q := comments.CommentQuery{Thread: "big", Limit: bc.limit}
				n := 0
				for {
					page, err := s.ListComments(ctx, q)
					if err != nil {
						b.Fatal(err)
					}
					if len(page) == 0 {
						break
					}
					n += len(page)
					q.After = comments.CursorOf(page[len(page)-1])
				}
				if n != threadSize {
					b.Fatalf("listed %d comments, want %d", n, threadSize)
				}
			}
		})
	}
}
