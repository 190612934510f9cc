package reliability_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/sqlitestore"
)

// TestCrash_CommentsSurviveSIGKILL: every comment the site acknowledged
// with a 303 before it was killed is there after a restart, and the
// SQLite file passes its integrity check.
func TestCrash_CommentsSurviveSIGKILL(t *testing.T) {
	const clients = 8
	killAfter, rounds := 150, 1
	if isLong() {
		killAfter, rounds = 1500, 3
	}
	data := t.TempDir()
	dbPath := filepath.Join(data, "folio.db")
	site := startSite(t, siteOptions{data: data})
	// A post per round: a thread of thousands of comments makes each new
	// one slower to place on its page.
	posts := findOpenPosts(t, site.base, rounds)

	var total, inFlightAtKill int
	for round := range rounds {
		post := posts[round%len(posts)]
		if round > 0 {
			site = startSite(t, siteOptions{data: data})
		}
		var (
			mu       sync.Mutex
			acked    []int64
			inFlight atomic.Int64
			stop     atomic.Bool
			wg       sync.WaitGroup
			killed   = make(chan struct{})
		)
		for w := range clients {
			wg.Go(func() {
				c := clientFrom("")
				for n := 0; !stop.Load(); n++ {
					form := url.Values{
						comments.FieldThread:  {post.thread},
						comments.FieldComment: {fmt.Sprintf("round %d, client %d, comment %d: still here after the crash?", round, w, n)},
					}
					inFlight.Add(1)
					p, err := postForm(c, site.base, "/comments", form, bearer...)
					inFlight.Add(-1)
					if err != nil {
						return // the server is gone
					}
					if id := ackedID(p); id > 0 {
						mu.Lock()
						acked = append(acked, id)
						n := len(acked)
						mu.Unlock()
						if n == killAfter {
							close(killed)
						}
						continue
					}
					t.Errorf("comment refused before the crash: %d %s", p.status, p.header.Get("Location"))
					return
				}
			})
		}
		select {
		case <-killed:
		case <-time.After(3 * time.Minute):
			stop.Store(true)
			mu.Lock()
			n := len(acked)
			mu.Unlock()
			t.Fatalf("only %d comments acknowledged in three minutes", n)
		}
		flying := int(inFlight.Load())
		site.kill()
		stop.Store(true)
		wg.Wait()
		require.NotEmpty(t, acked)
		mu.Lock()
		ids := append([]int64(nil), acked...)
		mu.Unlock()
		total += len(ids)
		inFlightAtKill += flying

		assert.Equal(t, "ok", integrityCheck(t, dbPath), "integrity of the file the killed site left")

		site = startSite(t, siteOptions{data: data})
		c := clientFrom("")
		var lost []int64
		for _, id := range ids {
			p := get(t, c, site.base, "/comments/"+strconv.FormatInt(id, 10), bearer...)
			if p.status != http.StatusFound && p.status != http.StatusSeeOther {
				lost = append(lost, id)
			}
		}
		assert.Empty(t, lost, "acknowledged comments missing after SIGKILL and restart (status not 302/303)")
		t.Logf("round %d: %d comments acknowledged before SIGKILL (%d requests in flight), %d of them found after restart",
			round, len(ids), flying, len(ids)-len(lost))
		site.stop()
	}
	assert.Equal(t, "ok", integrityCheck(t, dbPath), "integrity after the last restart")
	t.Logf("total: %d acknowledged comments over %d kills, %d requests in flight at the kills", total, rounds, inFlightAtKill)
}

// Environment of the editor child process of TestCrash_PostEditSurvivesSIGKILL.
const (
	envEditorDB   = "FOLIO_RELIABILITY_EDITOR_DB"
	envEditorPost = "FOLIO_RELIABILITY_EDITOR_POST"
)

// TestHelperEditor is not a test: run by TestCrash_PostEditSurvivesSIGKILL
// as a child process, it edits one post of a SQLite file until killed,
// printing "ack VERSION MARKER" after each update returns.
func TestHelperEditor(t *testing.T) {
	path := os.Getenv(envEditorDB)
	if path == "" {
		t.Skip("run as a child process by TestCrash_PostEditSurvivesSIGKILL")
	}
	id, err := strconv.ParseInt(os.Getenv(envEditorPost), 10, 64)
	require.NoError(t, err)
	st, err := sqlitestore.Open(path)
	require.NoError(t, err)
	b, err := blog.New(st)
	require.NoError(t, err)
	ctx := context.Background()
	for marker := 1; ; marker++ {
		p, err := b.GetPost(ctx, id)
		require.NoError(t, err)
		p.Source = editSource(marker)
		up, err := b.UpdatePost(ctx, p)
		require.NoError(t, err)
		fmt.Fprintf(os.Stdout, "ack %d %d\n", up.Version, marker)
	}
}

// editSource is the body the editor writes with a marker.
func editSource(marker int) string {
	return fmt.Sprintf("Edited text, revision marker %d.\n\nA second paragraph so the post has some weight.", marker)
}

var (
	ackRe    = regexp.MustCompile(`^ack (\d+) (\d+)$`)
	markerRe = regexp.MustCompile(`revision marker (\d+)\.`)
)

// TestCrash_PostEditSurvivesSIGKILL: a post edited in a loop by a process
// that is then killed holds, after reopening, at least the last version
// the process saw acknowledged, with that version's content.
func TestCrash_PostEditSurvivesSIGKILL(t *testing.T) {
	killAfter := 100
	if isLong() {
		killAfter = 1000
	}
	path := filepath.Join(t.TempDir(), "folio.db")
	ctx := context.Background()
	st, err := sqlitestore.Open(path)
	require.NoError(t, err)
	b, err := blog.New(st)
	require.NoError(t, err)
	p, err := b.CreatePost(ctx, &blog.Post{Title: "Edited until the lights go out", Source: editSource(0), Status: blog.StatusPublished})
	require.NoError(t, err)
	require.NoError(t, st.Close())

	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperEditor$", "-test.count=1")
	cmd.Env = append(os.Environ(), envEditorDB+"="+path, envEditorPost+"="+strconv.FormatInt(p.ID, 10))
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr syncBuffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })

	var lastVersion int64
	var lastMarker, acks int
	deadline := time.After(60 * time.Second)
	ch := lines(out)
read:
	for {
		select {
		case line, ok := <-ch:
			if !ok {
				t.Fatalf("editor ended after %d acks: %s", acks, stderr.String())
			}
			m := ackRe.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			lastVersion, _ = strconv.ParseInt(m[1], 10, 64)
			lastMarker, _ = strconv.Atoi(m[2])
			if acks++; acks == killAfter {
				require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
				break read
			}
		case <-deadline:
			t.Fatalf("only %d edits acknowledged in a minute: %s", acks, stderr.String())
		}
	}
	// Acknowledgements printed before the kill but not read yet count too.
	for line := range ch {
		if m := ackRe.FindStringSubmatch(line); m != nil {
			lastVersion, _ = strconv.ParseInt(m[1], 10, 64)
			lastMarker, _ = strconv.Atoi(m[2])
			acks++
		}
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "the editor was killed: %v", err)

	assert.Equal(t, "ok", integrityCheck(t, path))
	st, err = sqlitestore.Open(path)
	require.NoError(t, err)
	defer st.Close()
	got, err := st.GetPost(ctx, p.ID)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, got.Version, lastVersion, "stored version is older than the last acknowledged one")
	assert.LessOrEqual(t, got.Version, lastVersion+1, "at most the one edit in flight may have committed unacknowledged")
	m := markerRe.FindStringSubmatch(got.Source)
	require.NotNil(t, m, "stored source: %q", got.Source)
	marker, _ := strconv.Atoi(m[1])
	assert.Equal(t, lastMarker+int(got.Version-lastVersion), marker, "the content is that of the stored version")
	assert.True(t, strings.Contains(string(got.HTML), "revision marker "+m[1]+"."), "the stored HTML is rendered from the stored source: %q", got.HTML)
	t.Logf("%d edits acknowledged before SIGKILL; last acknowledged version %d, stored version %d", acks, lastVersion, got.Version)
}
