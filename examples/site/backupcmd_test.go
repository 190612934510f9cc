package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog/wordpress"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/backup"
	"github.com/folioblog/folio/storage/sqlitestore"
)

// exportWXR is the site's WordPress export at a fixed time.
func exportWXR(t *testing.T, s *site) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, wordpress.Export(context.Background(), &buf, s.blog, s.store,
		wordpress.ExportClock(func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }),
		wordpress.ExportBaseURL(s.cfg.baseURL)))
	return buf.Bytes()
}

// siteCounts counts what the database in dir holds: the rows of every
// table, posts by kind and status, comments by status.
func siteCounts(t *testing.T, dir string) map[string]int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, dbFile)+"?mode=ro")
	require.NoError(t, err)
	defer db.Close()
	out := map[string]int{}
	count := func(prefix, query string) {
		rows, err := db.Query(query)
		require.NoError(t, err)
		defer rows.Close()
		for rows.Next() {
			var k string
			var n int
			require.NoError(t, rows.Scan(&k, &n))
			out[prefix+k] = n
		}
		require.NoError(t, rows.Err())
	}
	var tables []string
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	require.NoError(t, err)
	for rows.Next() {
		var name string
		require.NoError(t, rows.Scan(&name))
		tables = append(tables, name)
	}
	rows.Close()
	for _, name := range tables {
		count("rows:", fmt.Sprintf(`SELECT %q, count(*) FROM %q`, name, name))
	}
	count("posts:", `SELECT kind || '/' || status, count(*) FROM posts GROUP BY 1`)
	count("comments:", `SELECT status, count(*) FROM comments GROUP BY 1`)
	return out
}

// mediaSums maps each file of the data directory's media folder to its
// SHA-256.
func mediaSums(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	root := filepath.Join(dir, mediaDir)
	require.NoError(t, filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		s := sha256.Sum256(b)
		rel, _ := filepath.Rel(root, p)
		out[rel] = hex.EncodeToString(s[:])
		return nil
	}))
	return out
}

// commentAsModerator posts a comment through the site's handler with the
// bearer token, which skips the flood guard; it reports success.
func commentAsModerator(h http.Handler, postID, body string) bool {
	form := url.Values{"author": {"Load"}, "email": {"load@example.com"}, "comment": {body},
		"comment_post_ID": {postID}, "comment_parent": {"0"}}
	r := httptest.NewRequest(http.MethodPost, "/comments", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Authorization", "Bearer "+testToken)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code == http.StatusSeeOther
}

func TestBackup_RoundTripWhileServing(t *testing.T) {
	ctx := context.Background()
	dirA := t.TempDir()
	a := openSite(t, testConfig(dirA))
	p, _ := postBySlug(t, a, "start-here")
	postID := fmt.Sprint(p.ID)
	before := siteCounts(t, dirA)

	// Comments keep arriving while the first backup is taken.
	var wrote atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if commentAsModerator(a.handler, postID, fmt.Sprintf("written during the backup, number %d", i)) {
				wrote.Add(1)
			}
		}
	}()
	for wrote.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	underLoad := filepath.Join(t.TempDir(), "under-load.tar")
	var out bytes.Buffer
	require.NoError(t, run(ctx, []string{"-data", dirA, "backup", underLoad}, &out, io.Discard))
	close(stop)
	wg.Wait()
	require.Positive(t, wrote.Load())

	// The copy taken under load restores into a site that works and holds
	// a state between the one before the writes and the one after.
	dirC := t.TempDir()
	require.NoError(t, run(ctx, []string{"-data", dirC, "restore", underLoad}, &out, io.Discard))
	c := openSite(t, testConfig(dirC))
	res, _ := get(t, c.handler, "/")
	require.Equal(t, http.StatusOK, res.StatusCode)
	mid, after := siteCounts(t, dirC), siteCounts(t, dirA)
	t.Logf("comments: %d before the load, %d in the copy taken under load, %d after", before["rows:comments"], mid["rows:comments"], after["rows:comments"])
	assert.GreaterOrEqual(t, mid["rows:comments"], before["rows:comments"])
	assert.LessOrEqual(t, mid["rows:comments"], after["rows:comments"])
	assert.Equal(t, mediaSums(t, dirA), mediaSums(t, dirC))
	// No torn copy: the comments in it are exactly the source's up to the
	// last one it holds, each with the same status and thread.
	last := commentDigest(t, dirC, 1<<62)
	assert.Equal(t, last, commentDigest(t, dirA, maxCommentID(t, dirC)))

	// With the comments written after the copy deleted again, the source is
	// the site the copy was taken from: the exports match byte for byte.
	cut := maxCommentID(t, dirC)
	for id := cut + 1; id <= maxCommentID(t, dirA); id++ {
		if err := a.comments.Delete(ctx, id); !errors.Is(err, comments.ErrNotFound) {
			require.NoError(t, err) // IDs a failed write skipped are not found
		}
	}
	assert.Equal(t, string(exportWXR(t, a)), string(exportWXR(t, c)), "the copy taken under load is the site at one instant")
	assert.Equal(t, siteCounts(t, dirA)["rows:comments"], siteCounts(t, dirC)["rows:comments"])

	// A second backup, with the writes over, restores to an identical site.
	quiet := filepath.Join(t.TempDir(), "quiet.tar")
	require.NoError(t, run(ctx, []string{"-data", dirA, "backup", quiet}, &out, io.Discard))
	dirB := t.TempDir()
	require.NoError(t, run(ctx, []string{"-data", dirB, "restore", quiet}, &out, io.Discard))
	b := openSite(t, testConfig(dirB))
	assert.Equal(t, string(exportWXR(t, a)), string(exportWXR(t, b)), "the WXR export before and after is byte-identical")
	assert.Equal(t, siteCounts(t, dirA), siteCounts(t, dirB))
	assert.NotEmpty(t, mediaSums(t, dirA))
	assert.Equal(t, mediaSums(t, dirA), mediaSums(t, dirB))
}

func TestBackup_RestoreRefusals(t *testing.T) {
	ctx := context.Background()
	dirA := t.TempDir()
	openSite(t, testConfig(dirA))
	file := filepath.Join(t.TempDir(), "site.tar")
	require.NoError(t, run(ctx, []string{"-data", dirA, "backup", file}, io.Discard, io.Discard))

	// A data directory in use is refused, and accepted with -force.
	dirB := t.TempDir()
	cfgB := testConfig(dirB)
	cfgB.seed = false
	openSite(t, cfgB).Close()
	err := run(ctx, []string{"-data", dirB, "restore", file}, io.Discard, io.Discard)
	require.ErrorIs(t, err, backup.ErrNotEmpty)
	require.NoError(t, run(ctx, []string{"-data", dirB, "-force", "restore", file}, io.Discard, io.Discard))
	assert.Equal(t, siteCounts(t, dirA), siteCounts(t, dirB))

	// PostgreSQL sites are told to use pg_dump.
	err = run(ctx, []string{"-db", "postgres://127.0.0.1:1/x", "backup", file}, io.Discard, io.Discard)
	require.ErrorIs(t, err, errPostgresBackup)
}

func TestSite_RefusesANewerSchema(t *testing.T) {
	dir := t.TempDir()
	openSite(t, testConfig(dir)).Close()
	db, err := sql.Open("sqlite", filepath.Join(dir, dbFile))
	require.NoError(t, err)
	_, err = db.Exec(fmt.Sprintf("PRAGMA user_version = %d", sqlitestore.SchemaVersion()+1))
	require.NoError(t, err)
	require.NoError(t, db.Close())
	before := siteCounts(t, dir)

	_, err = newSite(context.Background(), testConfig(dir))
	require.ErrorIs(t, err, sqlitestore.ErrSchemaTooNew, "an older program does not start on a newer database")
	assert.Equal(t, before, siteCounts(t, dir), "and changes nothing")
}

// commentDigest lists the comments of the database in dir with IDs up to
// max: ID, thread, parent, status and source.
func commentDigest(t *testing.T, dir string, max int64) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, dbFile)+"?mode=ro")
	require.NoError(t, err)
	defer db.Close()
	rows, err := db.Query(`SELECT id, thread, parent_id, status, source FROM comments WHERE id <= ? ORDER BY id`, max)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent int64
		var thread, status, source string
		require.NoError(t, rows.Scan(&id, &thread, &parent, &status, &source))
		out = append(out, fmt.Sprintf("%d %q %d %s %q", id, thread, parent, status, source))
	}
	require.NoError(t, rows.Err())
	return out
}

func maxCommentID(t *testing.T, dir string) int64 {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, dbFile)+"?mode=ro")
	require.NoError(t, err)
	defer db.Close()
	var id int64
	require.NoError(t, db.QueryRow(`SELECT coalesce(max(id), 0) FROM comments`).Scan(&id))
	return id
}
