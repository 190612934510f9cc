package reliability_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/internal/testenv"
	"github.com/folioblog/folio/storage/memstore"
)

var long = flag.Bool("long", false, "run the soak variants (also FOLIO_LONG=1)")

// isLong reports whether the longer soak variants should run.
func isLong() bool { return *long || os.Getenv("FOLIO_LONG") == "1" }

// adminToken is the moderator token every site of these tests runs with.
const adminToken = "reliability-moderator-token-0123456789"

var (
	buildOnce sync.Once
	buildDir  string
	buildPath string
	buildErr  error
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := testenv.Main(m, "examples/reliability")
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// siteBinary returns the path of examples/site built once for the whole
// run.
func siteBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "folio-reliability-")
		if buildErr != nil {
			return
		}
		buildPath = filepath.Join(buildDir, "site")
		cmd := exec.Command("go", "build", "-o", buildPath, "github.com/folioblog/folio/examples/site")
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build examples/site: %v\n%s", err, out)
		}
	})
	require.NoError(t, buildErr)
	return buildPath
}

// siteOptions say how to start a site process.
type siteOptions struct {
	data   string   // the data directory; a new temporary one if empty
	db     string   // the -db flag; "" for SQLite under data
	secret []byte   // $FOLIO_SECRET; the data directory's key file if nil
	addr   string   // HOST:PORT; a free port on 127.0.0.1 if empty
	args   []string // more flags
}

// siteProc is a running examples/site process.
type siteProc struct {
	t      testing.TB
	cmd    *exec.Cmd
	opts   siteOptions
	base   string // http://127.0.0.1:PORT
	output *syncBuffer
	done   chan struct{}
	err    error // Wait's, once done is closed
}

// syncBuffer is a bytes.Buffer safe for one writer and many readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// freeAddr returns a 127.0.0.1 address with a port nobody listens on now.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// startSite starts the site binary and waits until it answers its home
// page. The process is stopped (SIGTERM, then SIGKILL) at the end of the
// test if it still runs.
func startSite(t testing.TB, opts siteOptions) *siteProc {
	t.Helper()
	bin := siteBinary(t)
	if opts.data == "" {
		opts.data = t.TempDir()
	}
	if opts.addr == "" {
		opts.addr = freeAddr(t)
	}
	args := []string{"-addr", opts.addr, "-data", opts.data, "-admin-token", adminToken, "-tz", "UTC"}
	if opts.db != "" {
		args = append(args, "-db", opts.db)
	}
	args = append(args, opts.args...)
	cmd := exec.Command(bin, args...)
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "FOLIO_SECRET=") || strings.HasPrefix(kv, "FOLIO_ADMIN_TOKEN=")
	})
	if opts.secret != nil {
		cmd.Env = append(cmd.Env, "FOLIO_SECRET="+hex.EncodeToString(opts.secret))
	}
	p := &siteProc{t: t, cmd: cmd, opts: opts, base: "http://" + opts.addr, output: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.output, p.output
	require.NoError(t, cmd.Start())
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("site %s output:\n%s", p.base, tail(p.output.String(), 4000))
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-p.done:
			t.Fatalf("site exited before answering: %v\n%s", p.err, p.output.String())
		default:
		}
		resp, err := http.Get(p.base + "/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("site did not answer within a minute: %v\n%s", err, p.output.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill sends SIGKILL and waits for the process to end.
func (p *siteProc) kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// stop asks the process to shut down and waits, killing it after a while.
func (p *siteProc) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		p.kill()
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// clientFrom returns an HTTP client whose connections come from the local
// address ip (any of 127.0.0.0/8 on Linux), which does not follow
// redirects.
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	if ip != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(ip)}
	}
	return &http.Client{
		Timeout: 20 * time.Second,
		Transport: &http.Transport{
			DialContext:         d.DialContext,
			MaxIdleConnsPerHost: 16,
			DisableCompression:  true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// page is a fetched page.
type page struct {
	status int
	header http.Header
	body   string
}

// get fetches path from the site.
func get(t testing.TB, c *http.Client, base, path string, header ...string) page {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	require.NoError(t, err, "GET %s", path)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return page{resp.StatusCode, resp.Header, string(b)}
}

// postForm sends a urlencoded form and returns the answer; header holds
// name, value pairs. The error is the transport's.
func postForm(c *http.Client, base, path string, form url.Values, header ...string) (page, error) {
	req, err := http.NewRequest(http.MethodPost, base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return page{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		return page{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return page{resp.StatusCode, resp.Header, string(b)}, err
}

var (
	postLinkRe  = regexp.MustCompile(`href="(/\d{4}/\d{2}/\d{2}/[^"#/]+/)"`)
	threadRe    = regexp.MustCompile(`name="comment_post_ID" value="(\d+)"`)
	commentIDRe = regexp.MustCompile(`#comment-(\d+)$`)
)

// openPost is a post of the site that takes comments.
type openPost struct {
	path   string // /YYYY/MM/DD/slug/
	thread string // its ID, the comment form's comment_post_ID
}

// findOpenPost returns the first post linked from the home page whose
// page carries a comment form.
func findOpenPost(t testing.TB, base string) openPost {
	t.Helper()
	return findOpenPosts(t, base, 1)[0]
}

// findOpenPosts returns up to n posts linked from the home page whose
// pages carry a comment form, at least one.
func findOpenPosts(t testing.TB, base string, n int) []openPost {
	t.Helper()
	var found []openPost
	c := clientFrom("")
	home := get(t, c, base, "/")
	require.Equal(t, http.StatusOK, home.status)
	seen := map[string]bool{}
	for _, m := range postLinkRe.FindAllStringSubmatch(home.body, -1) {
		if seen[m[1]] {
			continue
		}
		seen[m[1]] = true
		pg := get(t, c, base, m[1])
		if tm := threadRe.FindStringSubmatch(pg.body); pg.status == http.StatusOK && tm != nil {
			if found = append(found, openPost{path: m[1], thread: tm[1]}); len(found) == n {
				break
			}
		}
	}
	if len(found) == 0 {
		t.Fatalf("no post on the home page of %s takes comments", base)
	}
	return found
}

// bearer is the header pair of the moderator's token.
var bearer = []string{"Authorization", "Bearer " + adminToken}

// ackedID returns the comment ID a 303 answer's Location names, or 0.
func ackedID(p page) int64 {
	if p.status != http.StatusSeeOther {
		return 0
	}
	m := commentIDRe.FindStringSubmatch(p.header.Get("Location"))
	if m == nil {
		return 0
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// commentForm is a visitor's comment form with the given body.
func commentForm(thread, author, body, token string) url.Values {
	return url.Values{
		comments.FieldThread:  {thread},
		comments.FieldAuthor:  {author},
		comments.FieldEmail:   {strings.ToLower(strings.ReplaceAll(author, " ", ".")) + "@example.com"},
		comments.FieldComment: {body},
		comments.TokenField:   {token},
	}
}

// newSecret returns a random site secret for $FOLIO_SECRET.
func newSecret(t testing.TB) []byte {
	t.Helper()
	b := make([]byte, 32)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return b
}

// tokenMinter issues comment form tokens the way a site with a known
// secret does, so tests need not scrape (possibly cached) pages for fresh
// ones. examples/site keys its form tokens with HMAC-SHA256(secret,
// "folio demo site\x00comment form tokens"); if that changes, the tokens
// minted here are refused as forged and the tests say so.
type tokenMinter struct {
	key []byte
}

func newTokenMinter(secret []byte) tokenMinter {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("folio demo site\x00comment form tokens"))
	return tokenMinter{key: m.Sum(nil)}
}

// anyThread takes every thread key to name an open thread: the services
// built here only mint and check tokens, the site decides the rest.
var anyThread = comments.ThreadPolicyFunc(func(context.Context, string) (comments.ThreadInfo, error) {
	return comments.ThreadInfo{Open: true}, nil
})

// token returns a token for thread issued at the time at.
func (m tokenMinter) token(t testing.TB, thread string, at time.Time) string {
	t.Helper()
	svc, err := comments.NewService(memstore.New(), anyThread,
		comments.WithTokenKey(m.key),
		comments.WithLogger(slog.New(slog.DiscardHandler)),
		comments.WithClock(func() time.Time { return at }))
	require.NoError(t, err)
	return svc.NewToken(thread)
}

// ready returns a token old enough to be accepted now (past the
// default minimum age) and young enough not to have expired.
func (m tokenMinter) ready(t testing.TB, thread string) string {
	t.Helper()
	return m.token(t, thread, time.Now().Add(-comments.DefaultTokenMinAge-time.Second))
}

// openSQLite opens the SQLite file of a site's data directory with
// database/sql, read-only.
func openSQLite(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// countComments returns the number of comment rows in the SQLite file.
func countComments(t testing.TB, path string) int {
	t.Helper()
	db := openSQLite(t, path)
	var n int
	require.NoError(t, db.QueryRowContext(context.Background(), "SELECT count(*) FROM comments").Scan(&n))
	db.Close()
	return n
}

// integrityCheck runs PRAGMA integrity_check on the SQLite file.
func integrityCheck(t testing.TB, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	require.NoError(t, err)
	defer db.Close()
	var res []string
	rows, err := db.Query("PRAGMA integrity_check")
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		res = append(res, s)
	}
	require.NoError(t, rows.Err())
	return strings.Join(res, "\n")
}

// lines returns a channel of r's lines, closed at EOF.
func lines(r io.Reader) <-chan string {
	ch := make(chan string, 64)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			ch <- sc.Text()
		}
	}()
	return ch
}
