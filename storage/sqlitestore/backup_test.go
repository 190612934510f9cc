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

	"github.com/folioblog/folio/storage/sqlitestore"
)

func TestBackupToCopiesAConsistentDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlitestore.Open(filepath.Join(dir, "folio.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	p := post("kept", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC))
	require.NoError(t, st.CreatePost(ctx, p))

	out := filepath.Join(dir, "copy.db")
	require.NoError(t, st.BackupTo(ctx, out))
	require.Error(t, st.BackupTo(ctx, out), "an existing file is not overwritten")

	cp, err := sqlitestore.Open(out)
	require.NoError(t, err)
	defer cp.Close()
	require.NoError(t, cp.Ready(ctx))
	got, err := cp.GetPostBySlug(ctx, "kept")
	require.NoError(t, err)
	require.Equal(t, "Title kept", got.Title)
}

func TestReadyRefusesAnotherSchemaVersion(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "folio.db")
	st, err := sqlitestore.Open(path)
	require.NoError(t, err)
	defer st.Close()
	require.NoError(t, st.Ready(ctx))

	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(fmt.Sprintf("PRAGMA user_version = %d", sqlitestore.SchemaVersion()+1))
	require.NoError(t, err)
	require.ErrorIs(t, st.Ready(ctx), sqlitestore.ErrSchemaBehind)
}

func TestDBStats(t *testing.T) {
	st, err := sqlitestore.Open(filepath.Join(t.TempDir(), "folio.db"), sqlitestore.WithReaders(3))
	require.NoError(t, err)
	defer st.Close()
	_, err = st.GetPostBySlug(context.Background(), "none")
	require.Error(t, err)
	w, r := st.DBStats()
	require.Equal(t, 1, w.MaxOpenConnections, "one writer")
	require.Equal(t, 3, r.MaxOpenConnections, "the readers")
	require.Positive(t, r.OpenConnections)
}

func TestFileBackupTo_NeitherMigratesNorWrites(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "folio.db")
	st, err := sqlitestore.Open(path)
	require.NoError(t, err)
	require.NoError(t, st.CreatePost(ctx, post("kept", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC))))
	// A database from a newer program, still served by it.
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	newer := sqlitestore.SchemaVersion() + 1
	_, err = db.Exec(fmt.Sprintf("PRAGMA user_version = %d", newer))
	require.NoError(t, err)

	out := filepath.Join(dir, "copy.db")
	require.NoError(t, sqlitestore.File(path).BackupTo(ctx, out), "the live database is copied while a Store has it open")
	st.Close()
	var v int
	require.NoError(t, db.QueryRow("PRAGMA user_version").Scan(&v))
	assert.Equal(t, newer, v, "the source is left as it was")
	cp, err := sql.Open("sqlite", out)
	require.NoError(t, err)
	defer cp.Close()
	require.NoError(t, cp.QueryRow("PRAGMA user_version").Scan(&v))
	assert.Equal(t, newer, v, "the copy keeps the schema version")
	var n int
	require.NoError(t, cp.QueryRow("SELECT count(*) FROM posts").Scan(&n))
	assert.Equal(t, 1, n)

	require.Error(t, sqlitestore.File(filepath.Join(dir, "missing.db")).BackupTo(ctx, filepath.Join(dir, "x.db")))
	assert.NoFileExists(t, filepath.Join(dir, "missing.db"), "a missing source is not created")
}
