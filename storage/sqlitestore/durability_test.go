package sqlitestore_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/sqlitestore"
)

// helperDBEnv names the database TestHelperProcess writes to; the test is
// a no-op without it.
const helperDBEnv = "FOLIO_SQLITESTORE_HELPER_DB"

// TestHelperProcess is not a test: TestDurability_kill runs the test
// binary again with only this test and helperDBEnv set, and kills it.
// It creates posts and comments without end, printing "post ID" or
// "comment ID" once each create has returned nil.
func TestHelperProcess(t *testing.T) {
	path := os.Getenv(helperDBEnv)
	if path == "" {
		t.Skip("run by TestDurability_kill")
	}
	s, err := sqlitestore.Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx := context.Background()
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; ; i++ {
		at = at.Add(time.Minute)
		p := &blog.Post{Kind: blog.KindPost, Slug: "p-" + strconv.Itoa(i), Title: "Post", Source: "body",
			Tags: []blog.Term{{Name: "Go", Slug: "go"}}, Status: blog.StatusPublished, PublishedAt: at}
		if err := s.CreatePost(ctx, p); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Printf("post %d\n", p.ID)
		c := &comments.Comment{Thread: strconv.FormatInt(p.ID, 10), Type: comments.TypeComment,
			Source: "hello", Status: comments.StatusApproved, CreatedAt: at}
		if err := s.CreateComment(ctx, c); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Printf("comment %d\n", c.ID)
	}
}

// TestDurability_kill checks the promise of the Durability section: a
// write that returned nil survives the process being killed with SIGKILL
// in the middle of a stream of writes, and the database is intact.
func TestDurability_kill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	path := filepath.Join(t.TempDir(), "folio.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperDBEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())

	const killAfter = 300 // acknowledged writes before the kill
	var acked []string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "post ") && !strings.HasPrefix(line, "comment ") {
			continue
		}
		acked = append(acked, line)
		if len(acked) == killAfter {
			require.NoError(t, cmd.Process.Kill()) // SIGKILL
		}
	}
	err = cmd.Wait()
	require.Error(t, err, "the child was killed")
	require.GreaterOrEqual(t, len(acked), killAfter, "the child acknowledged writes before dying")

	s, err := sqlitestore.Open(path)
	require.NoError(t, err, "the database opens after the kill")
	defer s.Close()
	ctx := context.Background()
	for _, line := range acked {
		kind, num, _ := strings.Cut(line, " ")
		id, err := strconv.ParseInt(num, 10, 64)
		require.NoError(t, err)
		switch kind {
		case "post":
			_, err = s.GetPost(ctx, id)
		case "comment":
			_, err = s.GetComment(ctx, id)
		}
		assert.NoError(t, err, "acknowledged %s survives SIGKILL", line)
	}

	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	var check string
	require.NoError(t, db.QueryRow("PRAGMA integrity_check").Scan(&check))
	assert.Equal(t, "ok", check)
	_, err = db.Exec("INSERT INTO posts_fts (posts_fts) VALUES ('integrity-check')")
	assert.NoError(t, err, "the full-text index matches the posts")
	t.Logf("%d acknowledged writes before SIGKILL, all present", len(acked))
}
