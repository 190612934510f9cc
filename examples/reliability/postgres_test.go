package reliability_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/internal/testenv"
	"github.com/folioblog/folio/storage/pgstore"
)

// freshDatabase creates a database of its own on the FOLIO_TEST_POSTGRES
// server, dropped when the test ends, and returns its DSN. It skips the
// test without a server.
func freshDatabase(t *testing.T) string {
	t.Helper()
	dsn := testenv.PostgresDSN(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err, "connect to FOLIO_TEST_POSTGRES")
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "folio_rel_" + hex.EncodeToString(b[:])
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	require.NoError(t, err)
	conn.Close(ctx)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if !assert.NoError(t, err) {
			return
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
		assert.NoError(t, err, "drop test database %s", name)
	})
	u, err := url.Parse(dsn)
	require.NoError(t, err, "FOLIO_TEST_POSTGRES must be a postgres:// URL")
	u.Path = "/" + name
	return u.String()
}

// openBlog opens a pgstore and a blog.Blog on dsn, closed when the test
// ends.
func openBlog(t *testing.T, dsn string) *blog.Blog {
	t.Helper()
	st, err := pgstore.Open(context.Background(), dsn)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	b, err := blog.New(st)
	require.NoError(t, err)
	return b
}

// showsOn checks that a change made elsewhere reaches a page: at once or,
// since change events travel asynchronously (LISTEN/NOTIFY), within
// propagationBound. It logs which.
func showsOn(t *testing.T, what string, shown func() bool) {
	t.Helper()
	start := time.Now()
	if shown() {
		t.Logf("%s: at the very next view", what)
		return
	}
	if assert.Eventually(t, shown, propagationBound, 10*time.Millisecond, what) {
		t.Logf("%s: after %v (not at the very next view)", what, time.Since(start).Round(time.Millisecond))
	}
}

// propagationBound is how long a change event may take from one instance
// to another's page cache.
const propagationBound = 3 * time.Second

var likeCountRe = regexp.MustCompile(`<p class="like-count">([^<]*)</p>`)

// likes reads the like count from a post page.
func likes(t testing.TB, body string) int {
	t.Helper()
	m := likeCountRe.FindStringSubmatch(body)
	require.NotNil(t, m, "the post page shows its likes")
	switch {
	case strings.HasPrefix(m[1], "Be the first"):
		return 0
	case strings.HasPrefix(m[1], "One person"):
		return 1
	}
	n, err := strconv.Atoi(strings.Fields(m[1])[0])
	require.NoError(t, err, "like count %q", m[1])
	return n
}

// TestPostgres_TwoInstances: two site processes on one database see each
// other's writes at their next page view, and concurrent edits of one
// post end in one winner and one conflict.
func TestPostgres_TwoInstances(t *testing.T) {
	dsn := freshDatabase(t)
	secret := newSecret(t)
	a := startSite(t, siteOptions{db: dsn, secret: secret})
	b := startSite(t, siteOptions{db: dsn, secret: secret})
	post := findOpenPost(t, a.base)
	id, err := strconv.ParseInt(post.thread, 10, 64)
	require.NoError(t, err)
	c := clientFrom("127.0.6.1")

	// Both instances have served (and may have cached) the page.
	pa, pb := get(t, c, a.base, post.path), get(t, c, b.base, post.path)
	require.Equal(t, http.StatusOK, pa.status)
	require.Equal(t, http.StatusOK, pb.status)

	t.Run("CommentThroughAShowsOnB", func(t *testing.T) {
		p, err := postForm(c, a.base, "/comments", url.Values{
			comments.FieldThread:  {post.thread},
			comments.FieldComment: {"Written through instance A, read through instance B."},
		}, bearer...)
		require.NoError(t, err)
		cid := ackedID(p)
		require.NotZero(t, cid, "comment taken: %d", p.status)
		want := fmt.Sprintf(`id="comment-%d"`, cid)
		showsOn(t, "B shows the comment approved through A", func() bool {
			return strings.Contains(get(t, c, b.base, post.path).body, want)
		})
	})

	t.Run("LikeThroughARaisesB", func(t *testing.T) {
		before := likes(t, get(t, c, b.base, post.path).body)
		p, err := postForm(clientFrom("127.0.6.2"), a.base, "/likes/"+post.thread, url.Values{})
		require.NoError(t, err)
		require.Equal(t, http.StatusSeeOther, p.status)
		showsOn(t, "B counts the like given through A", func() bool {
			return likes(t, get(t, c, b.base, post.path).body) == before+1
		})
	})

	t.Run("DirectEditShowsOnBoth", func(t *testing.T) {
		editor := openBlog(t, dsn)
		ctx := context.Background()
		p, err := editor.GetPost(ctx, id)
		require.NoError(t, err)
		marker := "Edited-directly-" + hex.EncodeToString(secret[:4])
		p.Source += "\n\n" + marker
		_, err = editor.UpdatePost(ctx, p)
		require.NoError(t, err)
		for name, site := range map[string]*siteProc{"A": a, "B": b} {
			showsOn(t, "instance "+name+" shows the edit made in the database", func() bool {
				return strings.Contains(get(t, c, site.base, post.path).body, marker)
			})
		}
	})

	t.Run("ConcurrentEditsOneWinner", func(t *testing.T) {
		rounds := 10
		if isLong() {
			rounds = 100
		}
		b1, b2 := openBlog(t, dsn), openBlog(t, dsn)
		ctx := context.Background()
		for round := range rounds {
			p1, err := b1.GetPost(ctx, id)
			require.NoError(t, err)
			p2, err := b2.GetPost(ctx, id)
			require.NoError(t, err)
			require.Equal(t, p1.Version, p2.Version)
			p1.Source = fmt.Sprintf("Round %d: the first editor's text.", round)
			p2.Source = fmt.Sprintf("Round %d: the second editor's text.", round)
			var wg sync.WaitGroup
			var r1, r2 *blog.Post
			var e1, e2 error
			start := make(chan struct{})
			wg.Go(func() { <-start; r1, e1 = b1.UpdatePost(ctx, p1) })
			wg.Go(func() { <-start; r2, e2 = b2.UpdatePost(ctx, p2) })
			close(start)
			wg.Wait()
			require.True(t, (e1 == nil) != (e2 == nil), "round %d: exactly one edit wins: %v, %v", round, e1, e2)
			winner, loserErr := r1, e2
			if e1 != nil {
				winner, loserErr = r2, e1
			}
			assert.ErrorIs(t, loserErr, blog.ErrConflict, "round %d", round)
			stored, err := b1.GetPost(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, p1.Version+1, stored.Version, "round %d", round)
			assert.Equal(t, winner.Source, stored.Source, "round %d: the winner's text is stored", round)
		}
	})
}

// TestPostgres_BackendsTerminated: while comments are submitted, the
// database's connections are terminated again and again: every request
// is answered promptly with 303 or 503 (with Retry-After), never 500;
// comments are taken again once the pool reconnects, and the change feed
// resumes.
func TestPostgres_BackendsTerminated(t *testing.T) {
	dsn := freshDatabase(t)
	faultsFor, every := 5*time.Second, time.Second
	if isLong() {
		faultsFor, every = 30*time.Second, 700*time.Millisecond
	}
	site := startSite(t, siteOptions{db: dsn, secret: newSecret(t)})
	post := findOpenPost(t, site.base)
	id, err := strconv.ParseInt(post.thread, 10, 64)
	require.NoError(t, err)
	ctx := context.Background()
	killer, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer killer.Close(ctx)

	var (
		mu         sync.Mutex
		statuses   = map[int]int{}
		noRetry    int
		slowest    time.Duration
		transport  []error
		end        = time.Now().Add(faultsFor)
		wg         sync.WaitGroup
		terminated int
	)
	var (
		pageStatuses = map[int]int{}
		pageErrs     []error
	)
	wg.Go(func() { // page views during the faults
		c := clientFrom("127.0.7.1")
		for time.Now().Before(end) {
			start := time.Now()
			resp, err := c.Get(site.base + post.path)
			took := time.Since(start)
			mu.Lock()
			slowest = max(slowest, took)
			if err != nil {
				pageErrs = append(pageErrs, err)
			} else {
				pageStatuses[resp.StatusCode]++
				if resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") == "" {
					noRetry++
				}
			}
			mu.Unlock()
			if err == nil {
				resp.Body.Close()
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	for w := range 4 {
		wg.Go(func() {
			c := clientFrom("")
			for n := 0; time.Now().Before(end); n++ {
				start := time.Now()
				p, err := postForm(c, site.base, "/comments", url.Values{
					comments.FieldThread:  {post.thread},
					comments.FieldComment: {fmt.Sprintf("worker %d, comment %d, while the database drops connections", w, n)},
				}, bearer...)
				took := time.Since(start)
				mu.Lock()
				slowest = max(slowest, took)
				if err != nil {
					transport = append(transport, err)
				} else {
					statuses[p.status]++
					if p.status == http.StatusServiceUnavailable && p.header.Get("Retry-After") == "" {
						noRetry++
					}
				}
				mu.Unlock()
				if p.status == http.StatusServiceUnavailable {
					time.Sleep(50 * time.Millisecond)
				}
			}
		})
	}
	for time.Now().Before(end) {
		time.Sleep(every)
		rows, err := killer.Query(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid()`)
		require.NoError(t, err)
		for rows.Next() {
			terminated++
		}
		rows.Close()
	}
	wg.Wait()

	assert.Empty(t, transport, "comment requests failed without an answer")
	assert.Empty(t, pageErrs, "page views failed without an answer")
	for status, n := range pageStatuses {
		assert.Contains(t, []int{http.StatusOK, http.StatusServiceUnavailable}, status, "%d page views answered %d", n, status)
	}
	formInternalErrors := statuses[http.StatusInternalServerError]
	for status, n := range statuses {
		if status != http.StatusInternalServerError {
			assert.Contains(t, []int{http.StatusSeeOther, http.StatusServiceUnavailable}, status, "%d comments answered %d", n, status)
		}
	}
	assert.Zero(t, noRetry, "503 answers without Retry-After")
	assert.Less(t, slowest, 10*time.Second, "a request hung")
	assert.Positive(t, statuses[http.StatusSeeOther], "comments were taken between the faults")
	t.Logf("%d backends terminated over %v: %d comments taken (303), %d answered 503, %d answered 500; page views: %d answered 200, %d answered 503; slowest answer %v",
		terminated, faultsFor, statuses[http.StatusSeeOther], statuses[http.StatusServiceUnavailable], formInternalErrors,
		pageStatuses[http.StatusOK], pageStatuses[http.StatusServiceUnavailable], slowest.Round(time.Millisecond))

	// Taken again once the pool has reconnected.
	c := clientFrom("")
	assert.Eventually(t, func() bool {
		p, err := postForm(c, site.base, "/comments", url.Values{
			comments.FieldThread:  {post.thread},
			comments.FieldComment: {"After the storm: " + time.Now().Format(time.RFC3339Nano)},
		}, bearer...)
		return err == nil && p.status == http.StatusSeeOther
	}, 15*time.Second, 100*time.Millisecond, "comments are taken again after the faults")

	// The change feed resumed: an edit made elsewhere reaches the page.
	require.Equal(t, http.StatusOK, get(t, c, site.base, post.path).status)
	require.Equal(t, http.StatusOK, get(t, c, site.base, post.path).status)
	editor := openBlog(t, dsn)
	marker := "After-the-faults-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	require.Eventually(t, func() bool {
		p, err := editor.GetPost(ctx, id)
		if err != nil {
			return false
		}
		p.Source += "\n\n" + marker
		_, err = editor.UpdatePost(ctx, p)
		if err != nil && !errors.Is(err, blog.ErrUnavailable) {
			t.Errorf("edit: %v", err)
		}
		return err == nil
	}, 15*time.Second, 100*time.Millisecond)
	start := time.Now()
	assert.Eventually(t, func() bool {
		return strings.Contains(get(t, c, site.base, post.path).body, marker)
	}, 15*time.Second, 50*time.Millisecond, "the site's page shows an edit made after the faults")
	t.Logf("the edit after the faults showed after %v", time.Since(start).Round(time.Millisecond))

	// The comment form answers an outage 503 too, never 500.
	assert.Zero(t, formInternalErrors, "the comment form answered 500 while the database dropped connections (want 503 with Retry-After)")
}
