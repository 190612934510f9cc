package sqlitestore_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
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
	assert.Equal(t, sqlitestore.SchemaVersion(), userVersion(t, path), "the schema version is recorded in user_version")
	assert.Positive(t, sqlitestore.SchemaVersion())

	t.Run("reopen keeps the data", func(t *testing.T) {
		s, err := sqlitestore.Open(path)
		require.NoError(t, err)
		defer s.Close()
		got, err := s.GetPostBySlug(ctx, "kept")
		require.NoError(t, err)
		assert.Equal(t, p.ID, got.ID)
		assert.Equal(t, sqlitestore.SchemaVersion(), userVersion(t, path))
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

// insertOldPost writes a post row with the columns of the first schema,
// as an older release did, and returns its ID.
func insertOldPost(tb testing.TB, path, slug, title, source, html string) int64 {
	tb.Helper()
	db, err := sql.Open("sqlite", path)
	require.NoError(tb, err)
	defer db.Close()
	res, err := db.Exec(`INSERT INTO posts (kind, slug, title, author_name, author_email, author_url,
		format, source, excerpt, html, summary, has_more, description, word_count,
		tags, categories, previous_slugs, status, comment_status, sticky,
		created_at, updated_at, published_at, version)
		VALUES ('post', ?, ?, '', '', '', 'markdown', ?, '', ?, ?, 0, '', 3,
		'', '', '', 'published', 'open', 0, 1, 1, 1, 1)`, slug, title, source, html, html)
	require.NoError(tb, err)
	id, err := res.LastInsertId()
	require.NoError(tb, err)
	return id
}

func TestOpen_migratesAnOlderSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "folio.db")
	sqlitestore.CreateAtVersion(t, path, 1)
	id := insertOldPost(t, path, "old", "Old", "Old body.", "<p>Old body.</p>")
	require.Equal(t, 1, userVersion(t, path))

	s, err := sqlitestore.Open(path)
	require.NoError(t, err, "Open applies the missing migrations")
	defer s.Close()
	assert.Equal(t, sqlitestore.SchemaVersion(), userVersion(t, path))
	added, err := s.AddLike(ctx, id, "visitor")
	require.NoError(t, err, "the tables of version 2 exist")
	assert.True(t, added)
	got, err := s.GetPost(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "Old", got.Title, "the data of version 1 is kept")
}

// TestOpen_migrationIndexesPlainText opens a database whose search index
// holds the sources of its posts, as before version 4: the migration
// derives each post's text from its HTML and indexes that instead, so
// markup and hidden comments stop matching.
func TestOpen_migrationIndexesPlainText(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "folio.db")
	sqlitestore.CreateAtVersion(t, path, 3)
	var ids []int64
	for i := range 450 { // more than one batch of the migration
		slug := fmt.Sprintf("post-%d", i)
		ids = append(ids, insertOldPost(t, path, slug, "Orchard "+slug,
			"Quinces & figs <!-- zanzibar -->\n\n<span class=\"marmalade\">ripen</span>",
			"<p>Quinces &amp; figs</p>\n<p><span class=\"marmalade\">ripen</span></p>"))
	}

	s, err := sqlitestore.Open(path)
	require.NoError(t, err)
	defer s.Close()
	for _, id := range []int64{ids[0], ids[len(ids)-1]} {
		got, err := s.GetPost(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, "Quinces & figs ripen", got.Text, "the migration derives the text of post %d from its HTML", id)
	}
	for _, word := range []string{"zanzibar", "marmalade", "span", "amp"} {
		res, err := s.SearchPosts(ctx, blog.SearchQuery{Text: word})
		require.NoError(t, err)
		assert.Empty(t, res, "%q is markup or a hidden comment, no longer indexed", word)
	}
	res, err := s.SearchPosts(ctx, blog.SearchQuery{Text: "figs", Query: blog.PostQuery{Limit: blog.MaxLimit}})
	require.NoError(t, err)
	assert.Len(t, res, min(len(ids), blog.MaxLimit), "every post's text is indexed")
	if assert.NotEmpty(t, res) {
		assert.Equal(t, "Quinces &amp; <mark>figs</mark> ripen", res[0].Snippet)
	}
	res, err = s.SearchPosts(ctx, blog.SearchQuery{Text: "orchard post 449"})
	require.NoError(t, err)
	if assert.Len(t, res, 1, "titles stay indexed") {
		assert.Equal(t, ids[len(ids)-1], res[0].Post.ID)
	}
}

// TestOpen_migrationDerivesImages opens a database from before version 5,
// whose posts have no image column: the migration derives each post's
// first image from its HTML, as a Blog does when it saves one.
func TestOpen_migrationDerivesImages(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "folio.db")
	sqlitestore.CreateAtVersion(t, path, 4)
	tests := []struct {
		name, html, want string
	}{
		{"site-relative", `<p>Text</p><figure><img src="/media/pear.jpg" alt="Pear"></figure><img src="/media/2.jpg">`, "/media/pear.jpg"},
		{"absolute, entities", `<p><img src="https://cdn.example.com/a.png?w=1&amp;h=2" alt=""></p>`, "https://cdn.example.com/a.png?w=1&h=2"},
		{"none", `<p>No pictures.</p>`, ""},
	}
	ids := map[string]int64{}
	for i := range fillBatchPosts {
		tt := tests[i%len(tests)]
		id := insertOldPost(t, path, fmt.Sprintf("post-%d", i), "Post", "source", tt.html)
		if i >= fillBatchPosts-len(tests) { // the last batch
			ids[tt.name] = id
		}
	}

	s, err := sqlitestore.Open(path)
	require.NoError(t, err)
	defer s.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.GetPost(ctx, ids[tt.name])
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.Image)
		})
	}
	first, err := s.GetPost(ctx, 1)
	require.NoError(t, err)
	assert.Equal(t, tests[0].want, first.Image, "the first batch is filled too")
}

// fillBatchPosts is more posts than the migration reads in one batch.
const fillBatchPosts = 450

// TestOpen_migrationCountsTopLevelComments opens a database written before
// the comment_roots table: the migration counts each thread's top-level
// comments, and the triggers keep the count from then on.
func TestOpen_migrationCountsTopLevelComments(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "folio.db")
	sqlitestore.CreateAtVersion(t, path, sqlitestore.MigrationVersion(t, "comment_guards")-1)
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	insert := func(thread string, parent int64, status string, at int64) int64 {
		res, err := db.Exec(`INSERT INTO comments (thread, parent_id, type, author_name, author_email, email_lower,
			author_url, author_user_id, author_verified, source, html, status, decision_status, decision_rule,
			decision_reason, ip, user_agent, created_at)
			VALUES (?, ?, 'comment', 'Ann', 'ann@example.com', 'ann@example.com', '', '', 0, ?, '', ?, ?, '', '', '', '', ?)`,
			thread, parent, fmt.Sprint("old comment ", at), status, status, at)
		require.NoError(t, err)
		id, err := res.LastInsertId()
		require.NoError(t, err)
		return id
	}
	a := insert("7", 0, "approved", 1)
	insert("7", a, "approved", 2) // a reply
	held := insert("7", 0, "pending", 3)
	insert("7", held, "approved", 4) // its parent is held: top level
	insert("7", 0, "approved", 5)
	insert("8", 0, "approved", 6)
	require.NoError(t, db.Close())

	s, err := sqlitestore.Open(path)
	require.NoError(t, err)
	defer s.Close()
	end := comments.Cursor{CreatedAt: time.UnixMicro(100).UTC(), ID: 100}
	n, err := s.CountRootsBefore(ctx, "7", end)
	require.NoError(t, err)
	assert.Equal(t, 3, n, "the migration counts the top-level comments already stored")
	require.NoError(t, s.CreateComment(ctx, &comments.Comment{Thread: "7", Type: comments.TypeComment, Source: "new",
		Status: comments.StatusApproved, CreatedAt: time.UnixMicro(50).UTC()}))
	n, err = s.CountRootsBefore(ctx, "7", end)
	require.NoError(t, err)
	assert.Equal(t, 4, n, "the count goes on from there")
}
