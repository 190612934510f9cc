package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/comments"
)

func newTestApp(t testing.TB) *app {
	t.Helper()
	a, err := newApp(context.Background(), config{baseURL: "http://127.0.0.1:8081/blog/", noTokenMinAge: true})
	require.NoError(t, err)
	return a
}

// do serves one request and returns the response and its body.
func do(t testing.TB, h http.Handler, method, target string, form url.Values, cookies ...*http.Cookie) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, target, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	res := w.Result()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, string(b)
}

// signIn signs the demo user in and returns the session cookie.
func signIn(t testing.TB, a *app) *http.Cookie {
	t.Helper()
	res, _ := do(t, a.handler, http.MethodPost, "/login", url.Values{"username": {"demo"}, "password": {"demo"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	for _, c := range res.Cookies() {
		if c.Name == sessionCookie {
			return c
		}
	}
	t.Fatal("no session cookie")
	return nil
}

func inputValue(t testing.TB, page, name string) string {
	t.Helper()
	tag := regexp.MustCompile(`<input[^>]*\bname="` + regexp.QuoteMeta(name) + `"[^>]*>`).FindString(page)
	require.NotEmpty(t, tag, "no input %q on the page", name)
	m := regexp.MustCompile(`\bvalue="([^"]*)"`).FindStringSubmatch(tag)
	require.NotNil(t, m)
	return m[1]
}

func TestHostPages(t *testing.T) {
	a := newTestApp(t)
	tests := []struct {
		path, want string
	}{
		{"/", "The Workshop"},
		{"/", `href="/blog/`},
		{"/about", "About the Workshop"},
		{"/login", `name="password"`},
		{"/blog/", "The lathe arrives"},
		{"/blog/", "Workshop Notes"},
	}
	for _, tt := range tests {
		t.Run(tt.path+" "+tt.want, func(t *testing.T) {
			res, body := do(t, a.handler, http.MethodGet, tt.path, nil)
			require.Equal(t, http.StatusOK, res.StatusCode)
			assert.Contains(t, body, tt.want)
		})
	}
	t.Run("unknown host page", func(t *testing.T) {
		res, _ := do(t, a.handler, http.MethodGet, "/nowhere", nil)
		assert.Equal(t, http.StatusNotFound, res.StatusCode)
	})
	t.Run("moderation closed", func(t *testing.T) {
		res, _ := do(t, a.handler, http.MethodPost, "/blog/admin/comments/1/approve", url.Values{}, signIn(t, a))
		assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "a signed-in reader is not a moderator")
	})
}

func TestLogin(t *testing.T) {
	a := newTestApp(t)
	t.Run("wrong password", func(t *testing.T) {
		res, body := do(t, a.handler, http.MethodPost, "/login", url.Values{"username": {"demo"}, "password": {"nope"}})
		assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
		assert.Empty(t, res.Cookies())
		assert.Contains(t, body, "Wrong username or password.")
	})
	t.Run("signed in", func(t *testing.T) {
		c := signIn(t, a)
		assert.True(t, c.HttpOnly)
		_, body := do(t, a.handler, http.MethodGet, "/", nil, c)
		assert.Contains(t, body, "Signed in as Dana Reader")
	})
	t.Run("forged cookie", func(t *testing.T) {
		c := signIn(t, a)
		c.Value = strings.Replace(c.Value, "1.", "2.", 1)
		_, body := do(t, a.handler, http.MethodGet, "/", nil, c)
		assert.NotContains(t, body, "Signed in as")
	})
	t.Run("cross-site post refused", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader("username=demo&password=demo"))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Sec-Fetch-Site", "cross-site")
		w := httptest.NewRecorder()
		a.handler.ServeHTTP(w, r)
		assert.Equal(t, http.StatusForbidden, w.Code)
	})
}

// commentForm fetches a post page (as the holder of cookies) and returns
// the post's path and the form to send back with text.
func commentForm(t testing.TB, a *app, text string, cookies ...*http.Cookie) (string, url.Values) {
	t.Helper()
	_, home := do(t, a.handler, http.MethodGet, "/blog/", nil)
	path := regexp.MustCompile(`href="(/blog/\d{4}/\d{2}/\d{2}/the-lathe-arrives/)"`).FindStringSubmatch(home)
	require.NotNil(t, path, "no link to the post on the blog's home page")
	res, page := do(t, a.handler, http.MethodGet, path[1], nil, cookies...)
	require.Equal(t, http.StatusOK, res.StatusCode)
	return path[1], url.Values{
		"comment":           {text},
		"comment_post_ID":   {inputValue(t, page, "comment_post_ID")},
		"comment_parent":    {"0"},
		comments.TokenField: {inputValue(t, page, comments.TokenField)},
	}
}

func TestMemberComment(t *testing.T) {
	a := newTestApp(t)
	c := signIn(t, a)
	path, form := commentForm(t, a, "See you on Thursday — I'll bring biscuits.", c)
	// The form's author fields are ignored for a member.
	form.Set("author", "Someone Else")
	res, body := do(t, a.handler, http.MethodPost, "/blog/comments", form, c)
	require.Equal(t, http.StatusSeeOther, res.StatusCode, body)
	m := regexp.MustCompile(`^` + regexp.QuoteMeta(path) + `#comment-(\d+)$`).FindStringSubmatch(res.Header.Get("Location"))
	require.NotNil(t, m, "redirect %q", res.Header.Get("Location"))

	_, page := do(t, a.handler, http.MethodGet, path, nil)
	anchor := fmt.Sprintf(`id="comment-%s"`, m[1])
	require.Contains(t, page, anchor, "a member's comment is approved and shown")
	i := strings.Index(page, anchor)
	assert.Contains(t, page[i:], "Dana Reader")
	assert.Contains(t, page[i:], "See you on Thursday")
	assert.NotContains(t, page, "Someone Else")

	t.Run("the form knows the reader", func(t *testing.T) {
		_, own := do(t, a.handler, http.MethodGet, path, nil, c)
		assert.Contains(t, own, "Logged in as Dana Reader.")
		assert.NotContains(t, own, `name="email"`, "a signed-in reader is not asked for an email")
	})
	t.Run("token still needed", func(t *testing.T) {
		_, form := commentForm(t, a, "Without a token.", c)
		form.Del(comments.TokenField)
		res, _ := do(t, a.handler, http.MethodPost, "/blog/comments", form, c)
		assert.Equal(t, http.StatusForbidden, res.StatusCode)
	})
}

func TestAnonymousComment(t *testing.T) {
	a := newTestApp(t)
	path, form := commentForm(t, a, "Is the open evening free?")
	form.Set("author", "Walk-in Visitor")
	form.Set("email", "visitor@example.org")
	res, body := do(t, a.handler, http.MethodPost, "/blog/comments", form)
	require.Equal(t, http.StatusSeeOther, res.StatusCode, body)
	loc := res.Header.Get("Location")
	assert.True(t, strings.HasPrefix(loc, path), "redirect %q", loc)
	m := regexp.MustCompile(`#comment-(\d+)$`).FindStringSubmatch(loc)
	require.NotNil(t, m)
	// A first comment from an anonymous visitor awaits moderation.
	_, page := do(t, a.handler, http.MethodGet, path, nil)
	assert.NotContains(t, page, fmt.Sprintf(`id="comment-%s"`, m[1]))

	t.Run("name required", func(t *testing.T) {
		_, form := commentForm(t, a, "No name given.")
		res, _ := do(t, a.handler, http.MethodPost, "/blog/comments", form)
		assert.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	})
}

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

func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0"}, &out, io.Discard) }()
	re := regexp.MustCompile(`host site on http://(127\.0\.0\.1:\d+)/`)
	var addr string
	require.Eventually(t, func() bool {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			addr = m[1]
			return true
		}
		return false
	}, 10*time.Second, 10*time.Millisecond)
	res, err := http.Get("http://" + addr + "/blog/")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return")
	}
	assert.ErrorIs(t, run(context.Background(), []string{"extra"}, io.Discard, io.Discard), errUsage)
}

func Example_help() {
	run(context.Background(), []string{"-h"}, os.Stdout, os.Stdout)
	// Output:
	// Usage of embed:
	//   -addr HOST:PORT
	//     	HOST:PORT to listen on (default "127.0.0.1:8081")
	//   -base-url URL
	//     	public URL of the blog (default http://ADDR/blog/)
}
