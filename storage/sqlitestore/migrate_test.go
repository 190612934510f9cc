package sqlitestore_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/storage/sqlitestore"
)

func userVersion(tb testing.TB, path string) int {
	tb.Helper()
	db, err := sql.Open("sqlite", path)
	require.NoError(tb, err)
	defer db.Close()
	var v int
	require.NoError(tb, db.QueryRow("PRAGMA user_version").Scan(&v))
	return v
}

func TestOpen_migrations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "folio.db")

	s, err := sqlitestore.Open(path)
	require.NoError(t, err)
	p := &blog.Post{Kind: blog.KindPost, Slug: "kept", Title: "Kept", Status: blog.StatusPublished}
	require.NoError(t, s.CreatePost(ctx, p))
	require.NoError(t, s.Close())
	assert.Equal(t, sqlitestore.SchemaVersion, userVersion(t, path), "the schema version is recorded in user_version")
	assert.Positive(t, sqlitestore.SchemaVersion)

	t.Run("reopen keeps the data", func(t *testing.T) {
		s, err := sqlitestore.Open(path)
		require.NoError(t, err)
		defer s.Close()
		got, err := s.GetPostBySlug(ctx, "kept")
		require.NoError(t, err)
		assert.Equal(t, p.ID, got.ID)
		assert.Equal(t, sqlitestore.SchemaVersion, userVersion(t, path))
	})

	t.Run("a newer schema is refused", func(t *testing.T) {
		db, err := sql.Open("sqlite", path)
		require.NoError(t, err)
		_, err = db.Exec("PRAGMA user_version = 999")
		require.NoError(t, err)
		require.NoError(t, db.Close())

		s, err := sqlitestore.Open(path)
		if s != nil {
			s.Close()
		}
		require.ErrorIs(t, err, sqlitestore.ErrSchemaTooNew)
		assert.Equal(t, 999, userVersion(t, path), "a refused database is left untouched")

		db, err = sql.Open("sqlite", path)
		require.NoError(t, err)
		defer db.Close()
		_, err = sqlitestore.New(db)
		assert.ErrorIs(t, err, sqlitestore.ErrSchemaTooNew, "New refuses it too")
	})
}

func TestNew_callerOwnsDB(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "folio.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_txlock=immediate&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)")
	require.NoError(t, err)
	defer db.Close()

	s, err := sqlitestore.New(db)
	require.NoError(t, err)
	p := &blog.Post{Kind: blog.KindPost, Slug: "mine", Title: "Mine"}
	require.NoError(t, s.CreatePost(ctx, p))
	require.NoError(t, s.Close())

	var n int
	require.NoError(t, db.QueryRow("SELECT count(*) FROM posts").Scan(&n), "Close leaves the caller's *sql.DB open")
	assert.Equal(t, 1, n)
	var mode string
	require.NoError(t, db.QueryRow("PRAGMA journal_mode").Scan(&mode))
	assert.Equal(t, "wal", mode)

	_, err = sqlitestore.New(nil)
	assert.Error(t, err)
}

func TestOpen_badOptions(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		path string
		opts []sqlitestore.Option
	}{
		{"empty path", "", nil},
		{"in memory", ":memory:", nil},
		{"unknown synchronous", filepath.Join(dir, "a.db"), []sqlitestore.Option{sqlitestore.WithSynchronous(7)}},
		{"no readers", filepath.Join(dir, "b.db"), []sqlitestore.Option{sqlitestore.WithReaders(0)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := sqlitestore.Open(c.path, c.opts...)
			if s != nil {
				s.Close()
			}
			assert.Error(t, err)
		})
	}
}

func TestOpen_synchronous(t *testing.T) {
	for _, c := range []struct {
		opt  sqlitestore.Synchronous
		want int // PRAGMA synchronous: 1 NORMAL, 2 FULL
	}{{sqlitestore.Normal, 1}, {sqlitestore.Full, 2}} {
		t.Run(c.opt.String(), func(t *testing.T) {
			s := openStore(t, sqlitestore.WithSynchronous(c.opt))
			assert.Equal(t, c.want, sqlitestore.PragmaInt(t, s, "synchronous"))
			assert.Equal(t, 1, sqlitestore.PragmaInt(t, s, "foreign_keys"))
			assert.Equal(t, 5000, sqlitestore.PragmaInt(t, s, "busy_timeout"))
		})
	}
}

func TestOpen_migratesAnOlderSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "folio.db")
	s, err := sqlitestore.Open(path)
	require.NoError(t, err)
	p := &blog.Post{Kind: blog.KindPost, Slug: "old", Title: "Old"}
	require.NoError(t, s.CreatePost(ctx, p))
	require.NoError(t, s.Close())

	// Take the database back to version 1, as the first release left it.
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = db.Exec("DROP INDEX posts_sticky; DROP TABLE post_likes; DROP TABLE redirects; PRAGMA user_version = 1")
	require.NoError(t, err)
	require.NoError(t, db.Close())
	require.Equal(t, 1, userVersion(t, path))

	s, err = sqlitestore.Open(path)
	require.NoError(t, err, "Open applies the missing migrations")
	defer s.Close()
	assert.Equal(t, sqlitestore.SchemaVersion, userVersion(t, path))
	added, err := s.AddLike(ctx, p.ID, "visitor")
	require.NoError(t, err, "the tables of version 2 exist")
	assert.True(t, added)
	got, err := s.GetPost(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, "Old", got.Title, "the data of version 1 is kept")
}
