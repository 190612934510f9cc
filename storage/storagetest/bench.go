package storagetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
)

// The sizes of the stores the read benchmarks run on. Every store is
// filled through its own Create methods, so the sizes stay small enough
// for a database-backed store to be seeded in a second or two.
const (
	// benchPosts is the number of published posts in the store the
	// post reads run on.
	benchPosts = 1000
	// benchThreadComments is the number of approved comments on the
	// thread the comment listings read.
	benchThreadComments = 1000
	// benchThreads is the number of threads of the comment store (the
	// listed one and others of benchOtherComments each), all of which
	// CountApproved asks about at once.
	benchThreads = 10
	// benchOtherComments is the number of comments on each other thread.
	benchOtherComments = 100
)

// RunPostStoreBenchmarks measures the [blog.Store] operations a blog does
// most, each as a sub-benchmark that reports allocations:
//
//   - CreatePost: create a post with two tags in a store newStore returns.
//   - GetPostBySlug: find one of 1,000 published posts by its slug.
//   - ListPosts/FirstPage: list the newest page of published posts
//     ([blog.DefaultLimit] of them), as a blog's home page does.
//   - ListPosts/AfterCursor: list the page after a cursor 500 posts down.
//
// newStore is called with the sub-benchmark's b, once per sub-benchmark
// (ListPosts' two share one store), and must return an empty store; the
// read benchmarks fill theirs with 1,000 posts through CreatePost before
// the timer starts. Every operation's result is checked, and a wrong one
// fails the benchmark.
func RunPostStoreBenchmarks(b *testing.B, newStore func(b *testing.B) blog.Store) {
	b.Helper()
	b.Run("CreatePost", func(b *testing.B) {
		s := newStore(b)
		ctx := context.Background()
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			p := benchPost(i)
			if err := s.CreatePost(ctx, p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GetPostBySlug", func(b *testing.B) {
		s := seedPosts(b, newStore(b))
		ctx := context.Background()
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			slug := benchPost(i * 7919 % benchPosts).Slug
			p, err := s.GetPostBySlug(ctx, slug)
			if err != nil {
				b.Fatal(err)
			}
			if p.Slug != slug {
				b.Fatalf("GetPostBySlug(%q) returned the post with slug %q", slug, p.Slug)
			}
		}
	})
	b.Run("ListPosts", func(b *testing.B) {
		s := seedPosts(b, newStore(b))
		home := blog.PostQuery{Kinds: []blog.Kind{blog.KindPost}, Statuses: []blog.Status{blog.StatusPublished}}
		deep := home
		// The listing is newest first: the post benchPosts/2 from the
		// newest is post number benchPosts/2 - 1 from the oldest.
		after := benchPost(benchPosts/2 - 1)
		deep.After = &blog.Cursor{PublishedAt: after.PublishedAt, ID: postIDBySlug(b, s, after.Slug)}
		for _, c := range []struct {
			name string
			q    blog.PostQuery
		}{{"FirstPage", home}, {"AfterCursor", deep}} {
			b.Run(c.name, func(b *testing.B) {
				ctx := context.Background()
				b.ReportAllocs()
				for b.Loop() {
					ps, err := s.ListPosts(ctx, c.q)
					if err != nil {
						b.Fatal(err)
					}
					if len(ps) != blog.DefaultLimit {
						b.Fatalf("ListPosts returned %d posts, want %d", len(ps), blog.DefaultLimit)
					}
				}
			})
		}
	})
}

// benchPost returns the i-th post of the benchmarks: published i minutes
// after postEpoch, with two tags.
func benchPost(i int) *blog.Post {
	p := newPost(fmt.Sprintf("bench-%d", i), postAt(i))
	p.Tags = []blog.Term{{Name: "Garden", Slug: "garden"}, {Name: fmt.Sprint("T", i%10), Slug: fmt.Sprint("t", i%10)}}
	return p
}

// seedPosts creates posts 0 to benchPosts-1 of benchPost in s.
func seedPosts(b *testing.B, s blog.Store) blog.Store {
	b.Helper()
	ctx := context.Background()
	for i := range benchPosts {
		if err := s.CreatePost(ctx, benchPost(i)); err != nil {
			b.Fatalf("seed post %d: %v", i, err)
		}
	}
	return s
}

func postIDBySlug(b *testing.B, s blog.Store, slug string) int64 {
	b.Helper()
	p, err := s.GetPostBySlug(context.Background(), slug)
	if err != nil {
		b.Fatal(err)
	}
	return p.ID
}

// RunCommentStoreBenchmarks measures the [comments.Store] operations a
// post page and the comment form do most, each as a sub-benchmark that
// reports allocations:
//
//   - CreateComment: create an approved comment in a store newStore
//     returns.
//   - ListComments/FirstPage: list the oldest page ([comments.DefaultLimit])
//     of the approved comments of a thread of 1,000.
//   - ListComments/AfterCursor: list the page after the 500th of them.
//   - CountApproved: count the approved comments of 10 threads at once,
//     as a listing of posts does.
//
// newStore is called with the sub-benchmark's b, once per sub-benchmark
// (ListComments' two share one store), and must return an empty store;
// the read benchmarks fill theirs with 1,000 comments on one thread and
// 100 on each of 9 others, through CreateComment, before the timer starts.
// Every operation's result is checked, and a wrong one fails the
// benchmark.
func RunCommentStoreBenchmarks(b *testing.B, newStore func(b *testing.B) comments.Store) {
	b.Helper()
	b.Run("CreateComment", func(b *testing.B) {
		s := newStore(b)
		ctx := context.Background()
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if err := s.CreateComment(ctx, benchComment(0, i)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ListComments", func(b *testing.B) {
		s := seedComments(b, newStore(b))
		approved := []comments.Status{comments.StatusApproved}
		first := comments.CommentQuery{Thread: benchThread(0), Statuses: approved}
		page, err := s.ListComments(context.Background(), comments.CommentQuery{
			Thread: benchThread(0), Statuses: approved, Limit: benchThreadComments / 2,
		})
		if err != nil || len(page) != benchThreadComments/2 {
			b.Fatalf("ListComments returned %d comments, %v", len(page), err)
		}
		deep := first
		deep.After = comments.CursorOf(page[len(page)-1])
		for _, c := range []struct {
			name string
			q    comments.CommentQuery
		}{{"FirstPage", first}, {"AfterCursor", deep}} {
			b.Run(c.name, func(b *testing.B) {
				ctx := context.Background()
				b.ReportAllocs()
				for b.Loop() {
					cs, err := s.ListComments(ctx, c.q)
					if err != nil {
						b.Fatal(err)
					}
					if len(cs) != comments.DefaultLimit {
						b.Fatalf("ListComments returned %d comments, want %d", len(cs), comments.DefaultLimit)
					}
				}
			})
		}
	})
	b.Run("CountApproved", func(b *testing.B) {
		s := seedComments(b, newStore(b))
		threads := make([]string, benchThreads)
		for i := range threads {
			threads[i] = benchThread(i)
		}
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			counts, err := s.CountApproved(ctx, threads)
			if err != nil {
				b.Fatal(err)
			}
			if counts[threads[0]] != benchThreadComments || counts[threads[1]] != benchOtherComments {
				b.Fatalf("CountApproved returned %v", counts)
			}
		}
	})
}

// benchThread names the thread-th thread of the comment benchmarks.
func benchThread(thread int) string { return fmt.Sprintf("bench-thread-%d", thread) }

// benchComment returns the i-th comment of a thread of the benchmarks.
func benchComment(thread, i int) *comments.Comment {
	c := newComment(benchThread(thread), commentAt(i))
	c.Source = fmt.Sprintf("Comment %d, with a few words in it.", i)
	return c
}

// seedComments creates benchThreadComments comments on thread 0 and
// benchOtherComments on each other thread in s.
func seedComments(b *testing.B, s comments.Store) comments.Store {
	b.Helper()
	ctx := context.Background()
	for thread := range benchThreads {
		n := benchOtherComments
		if thread == 0 {
			n = benchThreadComments
		}
		for i := range n {
			if err := s.CreateComment(ctx, benchComment(thread, i)); err != nil {
				b.Fatalf("seed comment %d of thread %d: %v", i, thread, err)
			}
		}
	}
	return s
}
