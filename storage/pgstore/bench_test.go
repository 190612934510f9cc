package pgstore_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/internal/testenv"
	"github.com/folioblog/folio/storage/pgstore"
	"github.com/folioblog/folio/storage/storagetest"
)

func TestMain(m *testing.M) {
	code := testenv.Main(m, "pgstore")
	if bigSchema != "" {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		_, _ = admin.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{bigSchema}.Sanitize()+" CASCADE")
		cancel()
	}
	if admin != nil {
		admin.Close()
	}
	os.Exit(code)
}

// bigPosts is the size of the store the read benchmarks run against.
const bigPosts = 100_000

var (
	bigOnce   sync.Once
	bigSchema string
	bigErr    error
)

// bigStore returns a Store holding bigPosts published posts, one an hour
// back from 2025, seeded once per process with COPY and dropped by
// TestMain.
func bigStore(b *testing.B) *pgstore.Store {
	b.Helper()
	pool := adminPool(b)
	ctx := context.Background()
	bigOnce.Do(func() {
		bigSchema = fmt.Sprintf("bench_%d", time.Now().UnixNano())
		s, err := pgstore.New(ctx, pool, pgstore.WithSchema(bigSchema))
		if err != nil {
			bigErr = err
			return
		}
		s.Close()
		start := time.Date(2025, time.January, 1, 0, 0, 0, 0, time.UTC)
		_, bigErr = pool.CopyFrom(ctx, pgx.Identifier{bigSchema, "posts"},
			[]string{"kind", "slug", "title", "author_name", "author_email", "author_url", "format",
				"source", "excerpt", "html", "summary", "has_more", "description", "word_count",
				"status", "comment_status", "sticky", "created_at", "updated_at", "published_at", "version", "plain_text"},
			pgx.CopyFromSlice(bigPosts, func(i int) ([]any, error) {
				at := start.Add(-time.Duration(i) * time.Hour)
				src := fmt.Sprintf("Post %d is about topic%d and the word rare%d, with some ordinary words after it.", i, i%100, i%1000)
				return []any{"post", fmt.Sprintf("post-%d", i), fmt.Sprintf("Title %d on topic%d", i, i%100),
					"Ann", "", "", "markdown", src, "", "<p>" + src + "</p>", "<p>" + src + "</p>", false, src, int64(15),
					"published", "open", false, at, at, at, int64(1), src}, nil
			}))
		if bigErr == nil {
			_, bigErr = pool.Exec(ctx, "ANALYZE "+pgx.Identifier{bigSchema, "posts"}.Sanitize())
		}
	})
	require.NoError(b, bigErr, "seed %d posts", bigPosts)
	s, err := pgstore.New(ctx, pool, pgstore.WithSchema(bigSchema))
	require.NoError(b, err)
	b.Cleanup(func() { _ = s.Close() })
	return s
}

// BenchmarkPostStore and BenchmarkCommentStore run the operations every
// store is measured on, each in a new schema; the benchmarks after them
// are PostgreSQL's own, most on 100,000 posts.
func BenchmarkPostStore(b *testing.B) {
	storagetest.RunPostStoreBenchmarks(b, func(b *testing.B) blog.Store { return newStore(b) })
}

func BenchmarkCommentStore(b *testing.B) {
	storagetest.RunCommentStoreBenchmarks(b, func(b *testing.B) comments.Store { return newStore(b) })
}

// BenchmarkBaseline_Select1 is the cost of the smallest query through the
// same pool: the floor under every other figure here.
func BenchmarkBaseline_Select1(b *testing.B) {
	s := bigStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		var one int
		if err := s.Pool().QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListPosts compares the first page of the public listing with a
// page 90,000 posts deep, continued by cursor.
func BenchmarkListPosts(b *testing.B) {
	s := bigStore(b)
	ctx := context.Background()
	q := blog.PostQuery{Kinds: []blog.Kind{blog.KindPost}, Statuses: []blog.Status{blog.StatusPublished}}
	var deepAt time.Time
	var deepID int64
	require.NoError(b, s.Pool().QueryRow(ctx, "SELECT published_at, id FROM "+pgx.Identifier{bigSchema, "posts"}.Sanitize()+
		" ORDER BY published_at DESC, id DESC OFFSET 90000 LIMIT 1").Scan(&deepAt, &deepID))
	for _, bc := range []struct {
		name  string
		after *blog.Cursor
	}{
		{"First", nil},
		{"Deep90000", &blog.Cursor{PublishedAt: deepAt.UTC(), ID: deepID}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			q := q
			q.After = bc.after
			b.ReportAllocs()
			for b.Loop() {
				ps, err := s.ListPosts(ctx, q)
				if err != nil || len(ps) != blog.DefaultLimit {
					b.Fatalf("got %d posts, %v", len(ps), err)
				}
			}
		})
	}
}

func BenchmarkCountPostsByMonth(b *testing.B) {
	s := bigStore(b)
	ctx := context.Background()
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(b, err)
	q := blog.PostQuery{Kinds: []blog.Kind{blog.KindPost}, Statuses: []blog.Status{blog.StatusPublished}}
	for _, bc := range []struct {
		name string
		loc  *time.Location
	}{
		{"InPostgres", paris},
		{"ByMinuteInGo", time.FixedZone("Folio/Bench", 3600)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				months, err := s.CountPostsByMonth(ctx, q, bc.loc)
				if err != nil || len(months) < 100 {
					b.Fatalf("got %d months, %v", len(months), err)
				}
			}
		})
	}
}

func BenchmarkSearchPosts(b *testing.B) {
	s := bigStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := s.SearchPosts(ctx, blog.SearchQuery{Text: "rare7 ordinary"})
		if err != nil || len(res) != blog.DefaultLimit {
			b.Fatalf("got %d results, %v", len(res), err)
		}
	}
}

// BenchmarkCreateCommentGuarded is the comment form's write: the flood
// and duplicate checks and the insert under advisory locks, in one
// transaction. BenchmarkCommentStore/CreateComment is the plain insert to
// compare it with.
func BenchmarkCreateCommentGuarded(b *testing.B) {
	now := time.Now().UTC()
	s := newStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c := testComment(fmt.Sprintf("thread-%d", i%50), now)
		c.Source = fmt.Sprintf("Comment %d.", i)
		c.IP = fmt.Sprintf("10.%d.%d.%d", i/62500%250, i/250%250, i%250)
		c.Author.Email = fmt.Sprintf("writer%d@example.com", i)
		if err := s.CreateCommentGuarded(ctx, c, now.Add(-time.Minute)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
