package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/internal/testenv"
)

const testToken = "test-moderator-token-0123456789"

// testConfig is a site on dir with SQLite, UTC and form tokens usable at
// once.
func testConfig(dir string) config {
	return config{
		addr:          "127.0.0.1:8080",
		dataDir:       dir,
		adminToken:    testToken,
		baseURL:       "http://127.0.0.1:8080/",
		seed:          true,
		loc:           time.UTC,
		noTokenMinAge: true,
	}
}

// openSite builds the site on dir and closes it when the test ends.
func openSite(t testing.TB, cfg config) *site {
	t.Helper()
	s, err := newSite(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// sharedSite is one seeded site for the tests that only read.
var shared struct {
	once sync.Once
	dir  string
	s    *site
	err  error
}

func sharedSite(t testing.TB) *site {
	t.Helper()
	shared.once.Do(func() {
		shared.dir, shared.err = os.MkdirTemp("", "folio-site-test-")
		if shared.err == nil {
			shared.s, shared.err = newSite(context.Background(), testConfig(shared.dir))
		}
	})
	require.NoError(t, shared.err)
	return shared.s
}

func TestMain(m *testing.M) {
	code := testenv.Main(m, "examples/site")
	if shared.s != nil {
		shared.s.Close()
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// request serves one request on h and returns the response with its body
// read.
func request(t testing.TB, h http.Handler, method, target string, form url.Values, header http.Header) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, target, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	res := w.Result()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, string(b)
}

func get(t testing.TB, h http.Handler, target string) (*http.Response, string) {
	t.Helper()
	return request(t, h, http.MethodGet, target, nil, nil)
}

func bearer() http.Header { return http.Header{"Authorization": {"Bearer " + testToken}} }

// postBySlug returns a seeded post and its path.
func postBySlug(t testing.TB, s *site, slug string) (*blog.Post, string) {
	t.Helper()
	p, err := s.blog.GetPostBySlug(context.Background(), slug)
	require.NoError(t, err)
	return p, s.blog.PostPath(p)
}

// inputValue returns the value of the form input named name in page.
func inputValue(t testing.TB, page, name string) string {
	t.Helper()
	tag := regexp.MustCompile(`<input[^>]*\bname="` + regexp.QuoteMeta(name) + `"[^>]*>`).FindString(page)
	require.NotEmpty(t, tag, "no input %q on the page", name)
	m := regexp.MustCompile(`\bvalue="([^"]*)"`).FindStringSubmatch(tag)
	require.NotNil(t, m, "input %q has no value", name)
	return m[1]
}

func TestSite_Home(t *testing.T) {
	s := sharedSite(t)
	res, body := get(t, s.handler, "/")
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, body, "Start here", "the sticky post")
	assert.Contains(t, body, "Notes for the next trip", "the newest post")
	assert.NotContains(t, body, "The salt flats", "a draft")
	assert.NotContains(t, body, "Heading east", "a scheduled post")
	assert.Contains(t, body, siteTitle)
}

func TestSite_Seed(t *testing.T) {
	s := sharedSite(t)
	require.NotNil(t, s.seeded)
	ctx := context.Background()
	var published, scheduled, drafts, pages, sticky int
	posts, err := s.blog.ListAll(ctx, blog.PostQuery{Limit: blog.MaxLimit})
	require.NoError(t, err)
	months := map[string]int{}
	var oldest time.Time
	for _, p := range posts {
		switch {
		case p.Kind == blog.KindPage:
			pages++
		case p.Status == blog.StatusScheduled:
			scheduled++
		case p.Status == blog.StatusDraft:
			drafts++
		case p.Status == blog.StatusPublished:
			published++
			months[p.PublishedAt.Format("2006-01")]++
			if oldest.IsZero() || p.PublishedAt.Before(oldest) {
				oldest = p.PublishedAt
			}
		}
		if p.Sticky {
			sticky++
		}
	}
	assert.GreaterOrEqual(t, published, 30)
	assert.Equal(t, 1, scheduled)
	assert.Equal(t, 1, drafts)
	assert.Equal(t, 1, pages)
	assert.Equal(t, 1, sticky)
	assert.Less(t, oldest, time.Now().AddDate(0, -18, 0), "the archive spans at least 18 months")
	counts := map[int]bool{}
	for _, n := range months {
		counts[n] = true
	}
	assert.Greater(t, len(counts), 1, "months hold different numbers of posts: %v", months)

	approved, err := s.store.ListComments(ctx, comments.CommentQuery{Statuses: []comments.Status{comments.StatusApproved}, Limit: comments.MaxLimit})
	require.NoError(t, err)
	pending, err := s.store.ListComments(ctx, comments.CommentQuery{Statuses: []comments.Status{comments.StatusPending}, Limit: comments.MaxLimit})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(approved), 30)
	assert.Len(t, pending, 2)

	// Threads nest at least four levels somewhere.
	byID := map[int64]*comments.Comment{}
	for _, c := range approved {
		byID[c.ID] = c
	}
	deepest := 0
	for _, c := range approved {
		d := 1
		for p := c; p.ParentID != 0; p = byID[p.ParentID] {
			d++
		}
		deepest = max(deepest, d)
	}
	assert.GreaterOrEqual(t, deepest, 4)
}

func TestSite_MonthArchive(t *testing.T) {
	s := sharedSite(t)
	p, _ := postBySlug(t, s, "walking-the-ridge")
	month := p.PublishedAt.In(time.UTC).Format("/2006/01/")
	res, body := get(t, s.handler, month)
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, body, "Walking the ridge")
	assert.Contains(t, body, "Weather notes", "a post of the same month")
	assert.Contains(t, body, `href="`+month+`"`, "the archive widget links the month")
}

func TestSite_PostPage(t *testing.T) {
	s := sharedSite(t)
	_, path := postBySlug(t, s, "walking-the-ridge")
	res, body := get(t, s.handler, path)
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Regexp(t, `<figure><img src="/media/walking-the-ridge.png" alt="The range from the saddle"[^>]*><figcaption>\(Photo: Folio\)</figcaption></figure>`, body)
	assert.Contains(t, body, "How cold was it at the hut?", "an approved comment")
	assert.Contains(t, body, `name="comment_post_ID"`)
}

func TestSite_Media(t *testing.T) {
	s := sharedSite(t)
	secret, err := os.ReadFile(filepath.Join(shared.dir, secretFile))
	require.NoError(t, err)
	// A link in media/ to a file outside it must not be followed.
	require.NoError(t, os.Symlink(filepath.Join("..", secretFile), filepath.Join(shared.dir, mediaDir, "escape.png")))

	t.Run("photo", func(t *testing.T) {
		res, body := get(t, s.handler, "/media/start-here.png")
		require.Equal(t, http.StatusOK, res.StatusCode)
		assert.Equal(t, "image/png", res.Header.Get("Content-Type"))
		assert.Contains(t, res.Header.Get("Cache-Control"), "max-age=31536000")
		cfg, err := png.DecodeConfig(strings.NewReader(body))
		require.NoError(t, err)
		assert.Equal(t, imageWidth, cfg.Width)
		assert.Equal(t, imageHeight, cfg.Height)
	})
	for _, target := range []string{
		"/media/",
		"/media/missing.png",
		"/media/..%2fsecret.key",
		"/media/%2e%2e%2f" + secretFile,
		"/media/..%5csecret.key",
		"/media/secret.key",
		"/media/.hidden.png",
		"/media/escape.png",
	} {
		t.Run(target, func(t *testing.T) {
			res, body := get(t, s.handler, target)
			assert.NotEqual(t, http.StatusOK, res.StatusCode)
			assert.NotContains(t, body, strings.TrimSpace(string(secret)))
		})
	}
	t.Run("dot-dot cleaned", func(t *testing.T) {
		res, body := get(t, s.handler, "/media/../secret.key")
		assert.NotEqual(t, http.StatusOK, res.StatusCode)
		assert.NotContains(t, body, strings.TrimSpace(string(secret)))
	})
}

// submitComment fetches the post page at path and sends the comment form
// back with body, returning the new comment's ID from the redirect.
func submitComment(t testing.TB, h http.Handler, path, name, body string) int64 {
	t.Helper()
	res, page := get(t, h, path)
	require.Equal(t, http.StatusOK, res.StatusCode)
	form := url.Values{
		"author":            {name},
		"email":             {strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.com"},
		"url":               {""},
		"comment":           {body},
		"comment_post_ID":   {inputValue(t, page, "comment_post_ID")},
		"comment_parent":    {"0"},
		comments.TokenField: {inputValue(t, page, comments.TokenField)},
	}
	res, out := request(t, h, http.MethodPost, "/comments", form, nil)
	require.Equal(t, http.StatusSeeOther, res.StatusCode, out)
	loc := res.Header.Get("Location")
	m := regexp.MustCompile(`^(/[^#]*)#comment-(\d+)$`).FindStringSubmatch(loc)
	require.NotNil(t, m, "redirect %q", loc)
	assert.True(t, strings.HasPrefix(m[1], path), "redirect %q is not to the post %q", loc, path)
	id, err := strconv.ParseInt(m[2], 10, 64)
	require.NoError(t, err)
	return id
}

func TestSite_CommentModeration(t *testing.T) {
	s := openSite(t, testConfig(t.TempDir()))
	_, path := postBySlug(t, s, "the-harbour-at-six")
	text := "Sat on that same quay last summer — lovely to see it again."
	id := submitComment(t, s.handler, path, "Nadia Brook", text)
	anchor := fmt.Sprintf(`id="comment-%d"`, id)

	// A first comment from a new address waits for the moderator.
	_, page := get(t, s.handler, path)
	assert.NotContains(t, page, anchor)

	t.Run("no token", func(t *testing.T) {
		// Without the token a page of the moderation screen sends the
		// visitor to sign in (or answers 401) and shows no comment.
		for _, h := range []http.Header{nil, {"Authorization": {"Bearer wrong-token-0123456789"}}} {
			res, body := request(t, s.handler, http.MethodGet, "/admin/comments?status=pending", nil, h)
			assert.Contains(t, []int{http.StatusSeeOther, http.StatusUnauthorized}, res.StatusCode)
			assert.NotContains(t, body, anchor)
		}
		res, _ := request(t, s.handler, http.MethodPost, fmt.Sprintf("/admin/comments/%d/approve", id), url.Values{}, nil)
		assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
		c, err := s.comments.Get(context.Background(), id)
		require.NoError(t, err)
		assert.Equal(t, comments.StatusPending, c.Status)
	})

	res, list := request(t, s.handler, http.MethodGet, "/admin/comments?status=pending", nil, bearer())
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, list, anchor)
	assert.Contains(t, list, "Nadia Brook")

	res, out := request(t, s.handler, http.MethodPost, fmt.Sprintf("/admin/comments/%d/approve", id), url.Values{}, bearer())
	require.Less(t, res.StatusCode, 400, out)
	c, err := s.comments.Get(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, comments.StatusApproved, c.Status)

	_, page = get(t, s.handler, path)
	assert.Contains(t, page, anchor)
	assert.Contains(t, page, "Nadia Brook")

	res, _ = get(t, s.handler, fmt.Sprintf("/comments/%d", id))
	assert.Equal(t, path+"#comment-"+strconv.FormatInt(id, 10), res.Header.Get("Location"))
}

func TestSite_Restart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s1, err := newSite(ctx, testConfig(dir))
	require.NoError(t, err)
	require.NotNil(t, s1.seeded)
	posts1, err := s1.blog.ListAll(ctx, blog.PostQuery{Limit: blog.MaxLimit})
	require.NoError(t, err)
	comments1, err := s1.store.ListComments(ctx, comments.CommentQuery{Limit: comments.MaxLimit})
	require.NoError(t, err)
	key1, err := os.ReadFile(filepath.Join(dir, secretFile))
	require.NoError(t, err)
	// A form served before the restart.
	_, path := postBySlug(t, s1, "rooftops")
	_, page := get(t, s1.handler, path)
	token := inputValue(t, page, comments.TokenField)
	postID := inputValue(t, page, "comment_post_ID")
	require.NoError(t, s1.Close())
	os.Remove(filepath.Join(dir, mediaDir, "rooftops.png"))

	s2 := openSite(t, testConfig(dir))
	assert.Nil(t, s2.seeded, "seeded twice")
	posts2, err := s2.blog.ListAll(ctx, blog.PostQuery{Limit: blog.MaxLimit})
	require.NoError(t, err)
	comments2, err := s2.store.ListComments(ctx, comments.CommentQuery{Limit: comments.MaxLimit})
	require.NoError(t, err)
	assert.Len(t, posts2, len(posts1))
	assert.Len(t, comments2, len(comments1))
	key2, err := os.ReadFile(filepath.Join(dir, secretFile))
	require.NoError(t, err)
	assert.Equal(t, key1, key2)
	fi, err := os.Stat(filepath.Join(dir, secretFile))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	res, _ := get(t, s2.handler, "/media/rooftops.png")
	assert.Equal(t, http.StatusOK, res.StatusCode, "a missing photograph is drawn again")

	// The form from before the restart is still accepted: its key is kept.
	form := url.Values{"author": {"Lena"}, "email": {"lena@example.com"}, "comment": {"Still here after the restart."},
		"comment_post_ID": {postID}, comments.TokenField: {token}}
	res, out := request(t, s2.handler, http.MethodPost, "/comments", form, nil)
	assert.Equal(t, http.StatusSeeOther, res.StatusCode, out)
}

func TestSite_NoSeed(t *testing.T) {
	cfg := testConfig(t.TempDir())
	cfg.seed = false
	s := openSite(t, cfg)
	assert.Nil(t, s.seeded)
	posts, err := s.blog.ListAll(context.Background(), blog.PostQuery{})
	require.NoError(t, err)
	assert.Empty(t, posts)
	res, _ := get(t, s.handler, "/")
	assert.Equal(t, http.StatusOK, res.StatusCode)
}

func TestSite_Postgres(t *testing.T) {
	dsn := testenv.PostgresDSN(t)
	cfg := testConfig(t.TempDir())
	cfg.dsn = dsn
	cfg.secretEnv = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	s := openSite(t, cfg)
	res, body := get(t, s.handler, "/")
	require.Equal(t, http.StatusOK, res.StatusCode)
	posts, err := s.blog.ListAll(context.Background(), blog.PostQuery{Limit: 1})
	require.NoError(t, err)
	require.NotEmpty(t, posts)
	assert.NoFileExists(t, filepath.Join(cfg.dataDir, secretFile), "the key came from FOLIO_SECRET")
	if s.seeded != nil {
		assert.Contains(t, body, "Notes for the next trip")
		_, path := postBySlug(t, s, "rooftops")
		id := submitComment(t, s.handler, path, "Pia Sund", "Written to PostgreSQL at "+time.Now().Format(time.RFC3339Nano))
		res, list := request(t, s.handler, http.MethodGet, "/admin/comments?status=pending", nil, bearer())
		require.Equal(t, http.StatusOK, res.StatusCode)
		assert.Contains(t, list, fmt.Sprintf(`id="comment-%d"`, id))
	}
	// A second instance on the same database does not seed it again.
	cfg2 := cfg
	cfg2.dataDir = t.TempDir()
	s2 := openSite(t, cfg2)
	assert.Nil(t, s2.seeded)
}

func TestParseArgs(t *testing.T) {
	t.Setenv(envAdminToken, "")
	t.Setenv(envSecret, "")
	tests := []struct {
		name    string
		args    []string
		wantCmd []string
		wantErr error
		check   func(t *testing.T, c config)
	}{
		{name: "defaults", args: nil, check: func(t *testing.T, c config) {
			assert.Equal(t, "127.0.0.1:8080", c.addr)
			assert.Equal(t, "./folio-data", c.dataDir)
			assert.Equal(t, "", c.dsn)
			assert.True(t, c.seed)
		}},
		{name: "flags", args: []string{"-addr", ":9000", "-data", "d", "-db", "sqlite:x.db", "-seed=false", "-admin-token", "abc", "-tz", "Europe/Oslo"},
			check: func(t *testing.T, c config) {
				assert.Equal(t, ":9000", c.addr)
				assert.Equal(t, "d", c.dataDir)
				assert.Equal(t, "sqlite:x.db", c.dsn)
				assert.False(t, c.seed)
				assert.Equal(t, "abc", c.adminToken)
				assert.Equal(t, "Europe/Oslo", c.loc.String())
			}},
		{name: "import, flags before", args: []string{"-data", "d", "import", "f.xml"}, wantCmd: []string{"import", "f.xml"},
			check: func(t *testing.T, c config) { assert.Equal(t, "d", c.dataDir) }},
		{name: "import, flags after", args: []string{"import", "f.xml", "-data", "d", "-db", "postgres://x/y"}, wantCmd: []string{"import", "f.xml"},
			check: func(t *testing.T, c config) {
				assert.Equal(t, "d", c.dataDir)
				assert.Equal(t, "postgres://x/y", c.dsn)
			}},
		{name: "import, flags between", args: []string{"import", "-data", "d", "f.xml"}, wantCmd: []string{"import", "f.xml"},
			check: func(t *testing.T, c config) { assert.Equal(t, "d", c.dataDir) }},
		{name: "import without file", args: []string{"import"}, wantErr: errUsage},
		{name: "import two files", args: []string{"import", "a.xml", "b.xml"}, wantErr: errUsage},
		{name: "unknown command", args: []string{"serve"}, wantErr: errUsage},
		{name: "unknown flag", args: []string{"-port", "80"}, wantErr: errUsage},
		{name: "bad zone", args: []string{"-tz", "Mars/Olympus"}, wantErr: errUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, cmd, err := parseArgs(tt.args, io.Discard)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantCmd, cmd)
			tt.check(t, c)
		})
	}
}

func TestParseArgs_AdminTokenFromEnv(t *testing.T) {
	t.Setenv(envAdminToken, "from-the-environment-0123")
	c, _, err := parseArgs(nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "from-the-environment-0123", c.adminToken)
	c, _, err = parseArgs([]string{"-admin-token", "from-the-flag-0123456789"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "from-the-flag-0123456789", c.adminToken)
}

func TestOpenStore_BadDSN(t *testing.T) {
	for _, dsn := range []string{"mysql://x", "sqlite:", "file.db"} {
		t.Run(dsn, func(t *testing.T) {
			cfg := testConfig(t.TempDir())
			cfg.dsn = dsn
			_, err := newSite(context.Background(), cfg)
			assert.Error(t, err)
		})
	}
	t.Run("sqlite path", func(t *testing.T) {
		cfg := testConfig(t.TempDir())
		cfg.dsn = "sqlite:" + filepath.Join(t.TempDir(), "other.db")
		cfg.seed = false
		openSite(t, cfg)
		assert.FileExists(t, strings.TrimPrefix(cfg.dsn, "sqlite:"))
		assert.NoFileExists(t, filepath.Join(cfg.dataDir, dbFile))
	})
}

func TestLoadSecret(t *testing.T) {
	t.Run("short environment secret", func(t *testing.T) {
		cfg := testConfig(t.TempDir())
		cfg.secretEnv = "too short"
		_, err := newSite(context.Background(), cfg)
		assert.Error(t, err)
	})
	t.Run("hex and text", func(t *testing.T) {
		assert.Len(t, decodeSecret(strings.Repeat("ab", 32)+"\n"), 32)
		assert.Equal(t, []byte("not hex at all"), decodeSecret(" not hex at all "))
	})
	t.Run("derived keys differ", func(t *testing.T) {
		k := []byte(strings.Repeat("k", 32))
		assert.NotEqual(t, deriveKey(k, "a"), deriveKey(k, "b"))
		assert.Len(t, deriveKey(k, "a"), 32)
	})
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRun_ServeAndShutdown(t *testing.T) {
	t.Setenv(envAdminToken, "")
	t.Setenv(envSecret, "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-data", t.TempDir(), "-tz", "UTC"}, &stdout, io.Discard)
	}()
	listening := regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)`)
	var addr string
	require.Eventually(t, func() bool {
		m := listening.FindStringSubmatch(stdout.String())
		if m != nil {
			addr = m[1]
		}
		return m != nil
	}, 20*time.Second, 20*time.Millisecond, "the site did not start: %s", stdout.String())
	token := regexp.MustCompile(`admin token: (\S+)`).FindStringSubmatch(stdout.String())
	require.NotNil(t, token, "a random token is printed")
	assert.GreaterOrEqual(t, len(token[1]), 16)

	res, err := http.Get("http://" + addr + "/")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/admin/comments?status=pending", nil)
	req.Header.Set("Authorization", "Bearer "+token[1])
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)

	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after its context ended")
	}
	_, err = http.Get("http://" + addr + "/")
	assert.Error(t, err, "still serving after shutdown")
}

func TestRun_Import(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	var out bytes.Buffer
	uploads := filepath.Join("testdata", "uploads") // the photo comes from here: no download
	err := run(ctx, []string{"-data", dir, "-tz", "UTC", "-uploads", uploads, "import", filepath.Join("testdata", "tiny.wxr.xml")}, &out, io.Discard)
	require.NoError(t, err, out.String())
	assert.Contains(t, out.String(), "posts:      2 imported")
	assert.Contains(t, out.String(), "media:      1 imported")
	assert.Contains(t, out.String(), "pages:      1 imported")
	assert.Contains(t, out.String(), "comments:   2 imported")

	// Again, flags after the file: nothing new.
	out.Reset()
	err = run(ctx, []string{"import", filepath.Join("testdata", "tiny.wxr.xml"), "-data", dir, "-tz", "UTC", "-uploads", uploads}, &out, io.Discard)
	require.NoError(t, err, out.String())
	assert.Contains(t, out.String(), "posts:      0 imported, 2 already there")
	assert.Contains(t, out.String(), "media:      0 imported, 1 already there")

	// The site serves the import and does not seed over it.
	s := openSite(t, testConfig(dir))
	assert.Nil(t, s.seeded)
	res, body := get(t, s.handler, "/2019/04/02/the-gulls-are-back/")
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, body, "Gulls on the quay at dawn")
	assert.Contains(t, body, "Heard them from the hill this morning.")
	assert.Contains(t, body, `src="/media/wp-gulls.jpg"`, "the photo served by the site, not the old host")
	assert.NotContains(t, body, "harbour.example/wp-content")
	// WordPress's links lead to the imported pages, its IDs winning over
	// Folio's own (Folio's post 2 is not WordPress's page 2).
	for target, want := range map[string]string{
		"/?p=2":                "/about/",
		"/?p=21":               "/2019/04/02/the-gulls-are-back/",
		"/?page_id=2":          "/about/",
		"/?cat=2":              "/category/harbour-life/",
		"/?tag=gulls":          "/tag/gulls/",
		"/?author=1":           "/author/rosa-quay/",
		"/?m=201904":           "/2019/04/",
		"/?feed=rss2":          "/feed/",
		"/?feed=comments-rss2": "/comments/feed/",
	} {
		res, _ := get(t, s.handler, target)
		assert.Equal(t, http.StatusMovedPermanently, res.StatusCode, target)
		assert.Equal(t, want, res.Header.Get("Location"), target)
	}
	for _, path := range []string{"/author/rosa-quay/", "/author/rosa/", "/author/rosa/feed/", "/comments/feed/"} {
		res, _ := get(t, s.handler, path)
		assert.Equal(t, http.StatusOK, res.StatusCode, path)
	}
	res, photo := get(t, s.handler, "/media/wp-gulls.jpg")
	require.Equal(t, http.StatusOK, res.StatusCode)
	want, err := os.ReadFile(filepath.Join(uploads, "gulls.jpg"))
	require.NoError(t, err)
	assert.Equal(t, string(want), photo)

	t.Run("download, and retry after a failure", func(t *testing.T) {
		var up atomic.Bool
		old := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !up.Load() || r.URL.Path != "/wp-content/uploads/gulls.jpg" {
				http.Error(w, "down", http.StatusServiceUnavailable)
				return
			}
			w.Write(want)
		}))
		defer old.Close()
		raw, err := os.ReadFile(filepath.Join("testdata", "tiny.wxr.xml"))
		require.NoError(t, err)
		wxr := filepath.Join(t.TempDir(), "local.wxr.xml")
		require.NoError(t, os.WriteFile(wxr, []byte(strings.ReplaceAll(string(raw), "http://harbour.example", old.URL)), 0o644))
		dir := t.TempDir()
		var out bytes.Buffer
		require.NoError(t, run(ctx, []string{"-data", dir, "-tz", "UTC", "import", wxr}, &out, io.Discard))
		assert.Contains(t, out.String(), "posts:      2 imported")
		assert.Contains(t, out.String(), "media "+old.URL+"/wp-content/uploads/gulls.jpg: download failed: 503")
		up.Store(true)
		out.Reset()
		require.NoError(t, run(ctx, []string{"-data", dir, "-tz", "UTC", "import", wxr}, &out, io.Discard))
		assert.Contains(t, out.String(), "media:      1 imported")
		assert.Contains(t, out.String(), "posts given missing media: 1")
		got, err := os.ReadFile(filepath.Join(dir, mediaDir, "wp-gulls.jpg"))
		require.NoError(t, err)
		assert.Equal(t, want, got)
	})

	t.Run("missing file", func(t *testing.T) {
		err := run(ctx, []string{"-data", dir, "import", filepath.Join(dir, "nope.xml")}, io.Discard, io.Discard)
		assert.ErrorIs(t, err, os.ErrNotExist)
	})
	t.Run("not an export", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "page.xml")
		require.NoError(t, os.WriteFile(f, []byte("<html><body>hello</body></html>"), 0o644))
		err := run(ctx, []string{"-data", dir, "import", f}, io.Discard, io.Discard)
		assert.Error(t, err)
	})
}

func TestRun_Usage(t *testing.T) {
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"frobnicate"}, io.Discard, &stderr)
	assert.True(t, errors.Is(err, errUsage))
	assert.Contains(t, stderr.String(), "import FILE.xml")
}

func TestDrawPhoto_Deterministic(t *testing.T) {
	for _, sc := range []scene{sceneHills, sceneMountain, sceneCity, sceneSea, sceneForest, sceneNight, sceneDesert} {
		t.Run(strconv.Itoa(int(sc)), func(t *testing.T) {
			a, err := encodePhoto(photo{Name: "x.png", Scene: sc})
			require.NoError(t, err)
			b, err := encodePhoto(photo{Name: "x.png", Scene: sc})
			require.NoError(t, err)
			c, err := encodePhoto(photo{Name: "y.png", Scene: sc})
			require.NoError(t, err)
			assert.Equal(t, a, b, "the same name draws the same picture")
			assert.NotEqual(t, a, c, "another name draws another picture")
			assert.Less(t, len(a), 64<<10, "a small file")
		})
	}
}

func TestSeedPhotos_Unique(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range seedPhotos() {
		assert.False(t, seen[p.Name], "photo %s used twice", p.Name)
		seen[p.Name] = true
		assert.Regexp(t, mediaName, p.Name)
	}
	for _, sp := range seedPosts {
		for _, p := range sp.Photos {
			assert.Contains(t, sp.Body, "(/media/"+p.Name+` "(Photo: Folio)")`, "post %s shows its photo", sp.Slug)
		}
	}
}

// The flags are part of Folio's stable surface: this example fails if one
// is renamed or dropped.
func Example_help() {
	run(context.Background(), []string{"-h"}, os.Stdout, os.Stdout)
	// Output:
	// usage:
	//   site [flags]                   serve the site
	//   site [flags] import FILE.xml   import a WordPress export (WXR) into the database
	//   site [flags] backup FILE       archive the SQLite database and the media while the site serves
	//   site [flags] restore FILE      restore an archive into an empty data directory (-force to replace)
	//   site [flags] unseed            remove the sample content (what you edited or readers commented on stays)
	//
	// Flags may come before or after a subcommand and its file.
	//
	// flags:
	//   -addr HOST:PORT
	//     	HOST:PORT to listen on (default "127.0.0.1:8080")
	//   -admin-token TOKEN
	//     	moderator TOKEN (default $FOLIO_ADMIN_TOKEN, else random)
	//   -base-url URL
	//     	public URL of the site (default http://ADDR/)
	//   -cpuprofile FILE
	//     	write a CPU profile of the whole run to FILE at shut-down
	//   -data DIR
	//     	data directory DIR: database, media, secret key (default "./folio-data")
	//   -db DSN
	//     	database DSN: sqlite:PATH or postgres://… (default sqlite:DIR/folio.db)
	//   -force
	//     	restore: replace the database and media already in the data directory
	//   -memprofile FILE
	//     	write an allocation profile to FILE at shut-down
	//   -metrics-addr HOST:PORT
	//     	serve Prometheus metrics at http://HOST:PORT/metrics (default off; keep it private)
	//   -seed
	//     	add sample content to an empty database (-seed=false: start empty) (default true)
	//   -slow-request D
	//     	log every goroutine's stack when a request runs longer than D (default off)
	//   -tagline TAGLINE
	//     	the site's TAGLINE, under its title (default "A photo journal of slow travel")
	//   -title TITLE
	//     	the site's TITLE (default "Folio")
	//   -trusted-proxy CIDR
	//     	trust X-Forwarded-For from reverse proxies in CIDR (repeatable; default none)
	//   -tz NAME
	//     	time zone of the site, an IANA NAME (default the machine's)
	//   -uploads DIR
	//     	import: a local copy DIR of the old site's wp-content/uploads, read before downloading
}

func TestSite_TrustedProxy(t *testing.T) {
	for _, tc := range []struct {
		name    string
		trusted string // -trusted-proxy; "" for none
		want    string // the address stored with the comment
	}{
		{"Off", "", "192.0.2.1"},
		{"OtherProxy", "203.0.113.0/24", "192.0.2.1"},
		{"FromTheProxy", "192.0.2.1/32", "198.51.100.7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"-data", t.TempDir()}
			if tc.trusted != "" {
				args = append(args, "-trusted-proxy", tc.trusted)
			}
			cfg, _, err := parseArgs(args, io.Discard)
			require.NoError(t, err)
			test := testConfig(cfg.dataDir)
			test.trustedProxies = cfg.trustedProxies
			s := openSite(t, test)
			// Requests come from httptest's 192.0.2.1, through a proxy
			// that names the visitor.
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				r.Header.Set("X-Forwarded-For", "198.51.100.7")
				s.handler.ServeHTTP(w, r)
			})
			_, path := postBySlug(t, s, "the-harbour-at-six")
			id := submitComment(t, h, path, "Nadia Brook", "Through the proxy.")
			c, err := s.comments.Get(context.Background(), id)
			require.NoError(t, err)
			assert.Equal(t, tc.want, c.IP)
		})
	}
	_, _, err := parseArgs([]string{"-trusted-proxy", "localhost"}, io.Discard)
	assert.ErrorIs(t, err, errUsage, "-trusted-proxy takes CIDR prefixes")
}

func TestStartProfiles(t *testing.T) {
	dir := t.TempDir()
	p := profileFlags{cpu: filepath.Join(dir, "cpu.pprof"), mem: filepath.Join(dir, "allocs.pprof")}
	stop, err := startProfiles(p)
	require.NoError(t, err)
	require.NoError(t, stop())
	for _, f := range []string{p.cpu, p.mem} {
		st, err := os.Stat(f)
		require.NoError(t, err, "the profile is written at shut-down")
		assert.NotZero(t, st.Size(), "%s holds a profile", f)
	}
	_, err = startProfiles(profileFlags{cpu: filepath.Join(dir, "missing", "cpu.pprof")})
	assert.Error(t, err, "a CPU profile that cannot be created stops the start")
}

func TestSlowRequests(t *testing.T) {
	var (
		mu  sync.Mutex
		buf bytes.Buffer
	)
	logged := func() string { mu.Lock(); defer mu.Unlock(); return buf.String() }
	cfg := config{slowRequest: time.Millisecond,
		log: slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
			mu.Lock()
			defer mu.Unlock()
			return buf.Write(p)
		}), nil))}
	h := slowRequests(cfg, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Stay slow until the dump is in the log.
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			if strings.Contains(logged(), "slow request") {
				break
			}
		}
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/stuck", nil))
	out := logged()
	assert.Contains(t, out, "slow request")
	assert.Contains(t, out, "path=/stuck")
	assert.Contains(t, out, "TestSlowRequests", "the dump holds the stack of the waiting handler")

	cfg.slowRequest = 0
	assert.NotNil(t, slowRequests(cfg, http.NotFoundHandler()), "off by default: the handler as it is")
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
