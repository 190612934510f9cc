package sqlitestore_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/memstore"
	"github.com/folioblog/folio/storage/sqlitestore"
	"github.com/folioblog/folio/storage/storagetest"
)

// The benchmarks run every operation against storage/memstore (the
// baseline) and the SQLite store in one run, so that figures can be
// reported as ratios:
//
//	go test -run '^$' -bench . -benchtime 2000x ./storage/sqlitestore/

const benchPosts = 100_000

var benchEpoch = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

// benchPost returns the i-th post of the seeded stores: one an hour going
// back from benchEpoch, every 20th a draft, every 50th a page, tagged
// t0…t9 in turn.
func benchPost(i int) *blog.Post {
	p := &blog.Post{
		Kind: blog.KindPost, Slug: "post-" + strconv.Itoa(i), Title: "Post number " + strconv.Itoa(i),
		Author: blog.Author{Name: "Ann"}, Format: blog.FormatMarkdown,
		Source: "Some words about gardens, " + strconv.Itoa(i) + " tomatoes and the sun.",
		HTML:   "<p>Some words about gardens.</p>", Summary: "<p>Some words.</p>", WordCount: 9,
		Text:          "Some words about gardens, " + strconv.Itoa(i) + " tomatoes and the sun.",
		Tags:          []blog.Term{{Name: "T" + strconv.Itoa(i%10), Slug: "t" + strconv.Itoa(i%10)}},
		Categories:    []blog.Term{{Name: "Notes", Slug: "notes"}},
		Status:        blog.StatusPublished,
		CommentStatus: blog.CommentsOpen,
		PublishedAt:   benchEpoch.Add(-time.Duration(benchPosts-i) * time.Hour),
	}
	p.CreatedAt, p.UpdatedAt = p.PublishedAt, p.PublishedAt
	if i%20 == 0 {
		p.Status = blog.StatusDraft
	}
	if i%50 == 1 {
		p.Kind = blog.KindPage
	}
	return p
}

var (
	bigOnce   sync.Once
	bigDir    string
	bigSQLite *sqlitestore.Store
	bigMem    *memstore.Store
	bigErr    error
)

// bigStores returns a SQLite store and a memstore holding the same
// benchPosts posts, made once per test binary. The SQLite one is seeded
// in one transaction with prepared statements, then opened as usual.
func bigStores(b testing.TB) (*sqlitestore.Store, *memstore.Store) {
	b.Helper()
	bigOnce.Do(func() {
		bigDir, bigErr = os.MkdirTemp("", "sqlitestore-bench-")
		if bigErr != nil {
			return
		}
		path := filepath.Join(bigDir, "folio.db")
		bigErr = seedSQLite(path, benchPosts)
		if bigErr != nil {
			return
		}
		bigSQLite, bigErr = sqlitestore.Open(path)
		bigMem = memstore.New()
		ctx := context.Background()
		for i := range benchPosts {
			if err := bigMem.CreatePost(ctx, benchPost(i)); err != nil {
				bigErr = err
				return
			}
		}
	})
	if bigErr != nil {
		b.Fatal(bigErr)
	}
	return bigSQLite, bigMem
}

// seedSQLite writes the posts of benchPost to a new database at path with
// two INSERT … SELECT statements in one transaction: one statement per
// table, rather than one per row, so that the full-text index is flushed
// once.
func seedSQLite(path string, n int) error {
	s, err := sqlitestore.Open(path) // creates the schema
	if err != nil {
		return err
	}
	if err := s.Close(); err != nil {
		return err
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)")
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// The same posts as benchPost(i), in SQL.
	if _, err := tx.Exec(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM n WHERE i+1 < ?1)
		INSERT INTO posts (kind, slug, title, author_name, author_email, author_url,
			format, source, excerpt, html, summary, has_more, description, word_count, plain_text,
			tags, categories, previous_slugs, status, comment_status, sticky,
			created_at, updated_at, published_at, version)
		SELECT CASE WHEN i % 50 = 1 THEN 'page' ELSE 'post' END, 'post-' || i, 'Post number ' || i, 'Ann', '', '',
			'markdown', 'Some words about gardens, ' || i || ' tomatoes and the sun.', '',
			'<p>Some words about gardens.</p>', '<p>Some words.</p>', 0, '', 9,
			'Some words about gardens, ' || i || ' tomatoes and the sun.',
			'[["t' || (i % 10) || '","T' || (i % 10) || '"]]', '[["notes","Notes"]]', '',
			CASE WHEN i % 20 = 0 THEN 'draft' ELSE 'published' END, 'open', 0,
			?2 - (?1 - i) * 3600000000, ?2 - (?1 - i) * 3600000000, ?2 - (?1 - i) * 3600000000, 1
		FROM n`, n, benchEpoch.UnixMicro()); err != nil {
		return err
	}
	if _, err := tx.Exec(`INSERT INTO post_terms (post_id, taxonomy, slug, name, position, published_at)
		SELECT id, 'tag', json_extract(tags, '$[0][0]'), json_extract(tags, '$[0][1]'), 0, published_at FROM posts
		UNION ALL
		SELECT id, 'category', 'notes', 'Notes', 0, published_at FROM posts`); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	return err
}

// TestSeedMatchesBenchPost checks that the SQL seeding of the benchmarks
// stores the posts benchPost describes.
func TestSeedMatchesBenchPost(t *testing.T) {
	path := filepath.Join(t.TempDir(), "folio.db")
	require.NoError(t, seedSQLite(path, 1000))
	sq, err := sqlitestore.Open(path)
	require.NoError(t, err)
	defer sq.Close()
	ctx := context.Background()
	for _, i := range []int{0, 1, 2, 51, 999} {
		want := benchPost(i)
		// benchPost counts hours back from benchEpoch over benchPosts.
		shift := time.Duration(benchPosts-1000) * time.Hour
		want.PublishedAt = want.PublishedAt.Add(shift)
		want.CreatedAt, want.UpdatedAt = want.PublishedAt, want.PublishedAt
		got, err := sq.GetPostBySlug(ctx, want.Slug)
		require.NoError(t, err)
		want.ID, want.Version = got.ID, 1
		assert.Equal(t, want, got)
	}
	list, err := sq.ListPosts(ctx, blog.PostQuery{Tag: "t3", Limit: 1})
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, "post-993", list[0].Slug)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bigSQLite != nil {
		bigSQLite.Close()
	}
	if bigDir != "" {
		os.RemoveAll(bigDir)
	}
	os.Exit(code)
}

// BenchmarkPostStore and BenchmarkCommentStore run the operations every
// store is measured on, against memstore and the SQLite store; the
// benchmarks after them are SQLite's own, on 100,000 posts.
func BenchmarkPostStore(b *testing.B) {
	b.Run("memstore", func(b *testing.B) {
		storagetest.RunPostStoreBenchmarks(b, func(b *testing.B) blog.Store { return memstore.New() })
	})
	b.Run("sqlitestore", func(b *testing.B) {
		storagetest.RunPostStoreBenchmarks(b, func(b *testing.B) blog.Store { return openStore(b) })
	})
}

func BenchmarkCommentStore(b *testing.B) {
	b.Run("memstore", func(b *testing.B) {
		storagetest.RunCommentStoreBenchmarks(b, func(b *testing.B) comments.Store { return memstore.New() })
	})
	b.Run("sqlitestore", func(b *testing.B) {
		storagetest.RunCommentStoreBenchmarks(b, func(b *testing.B) comments.Store { return openStore(b) })
	})
}

// both runs fn as a sub-benchmark for each store.
func both[S any](b *testing.B, mem, sqlite S, fn func(b *testing.B, s S)) {
	b.Run("memstore", func(b *testing.B) { b.ReportAllocs(); fn(b, mem) })
	b.Run("sqlitestore", func(b *testing.B) { b.ReportAllocs(); fn(b, sqlite) })
}

// homeQuery is the query of a blog's home page.
func homeQuery() blog.PostQuery {
	return blog.PostQuery{
		Kinds:    []blog.Kind{blog.KindPost},
		Statuses: []blog.Status{blog.StatusPublished, blog.StatusScheduled},
		Before:   benchEpoch.Add(time.Hour),
		Limit:    10,
	}
}

func BenchmarkListPosts(b *testing.B) {
	sq, mem := bigStores(b)
	deep := homeQuery()
	// A cursor about 90,000 posts down the listing.
	deep.After = &blog.Cursor{PublishedAt: benchEpoch.Add(-90_000 * time.Hour), ID: 10_001}
	tag := homeQuery()
	tag.Tag = "t3"
	tagDeep := tag
	tagDeep.After = deep.After
	for _, c := range []struct {
		name string
		q    blog.PostQuery
	}{{"first_page", homeQuery()}, {"deep_cursor", deep}, {"tag_first_page", tag}, {"tag_deep_cursor", tagDeep}} {
		b.Run(c.name, func(b *testing.B) {
			both(b, blog.Store(mem), blog.Store(sq), func(b *testing.B, s blog.Store) {
				ctx := context.Background()
				for b.Loop() {
					ps, err := s.ListPosts(ctx, c.q)
					if err != nil || len(ps) != 10 {
						b.Fatal(len(ps), err)
					}
				}
			})
		})
	}
}

func BenchmarkCountPostsByMonth(b *testing.B) {
	sq, mem := bigStores(b)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		b.Fatal(err)
	}
	q := blog.PostQuery{Kinds: []blog.Kind{blog.KindPost}, Statuses: []blog.Status{blog.StatusPublished}}
	both(b, blog.MonthCounter(mem), blog.MonthCounter(sq), func(b *testing.B, s blog.MonthCounter) {
		ctx := context.Background()
		for b.Loop() {
			ms, err := s.CountPostsByMonth(ctx, q, ny)
			if err != nil || len(ms) < 100 {
				b.Fatal(len(ms), err)
			}
		}
	})
}

func BenchmarkSearchPosts(b *testing.B) {
	sq, mem := bigStores(b)
	q := blog.SearchQuery{Text: "tomatoes 4242", Query: blog.PostQuery{Statuses: []blog.Status{blog.StatusPublished}}}
	both(b, blog.PostSearcher(mem), blog.PostSearcher(sq), func(b *testing.B, s blog.PostSearcher) {
		ctx := context.Background()
		for b.Loop() {
			if _, err := s.SearchPosts(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	})
}
