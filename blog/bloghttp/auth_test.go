package bloghttp_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/blogcomments"
	"github.com/folioblog/folio/blog/bloghttp"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/memstore"
)

var csrfRE = regexp.MustCompile(`name="folio_csrf" value="([^"]+)"`)

// csrfIn returns the anti-forgery field's value in a page.
func csrfIn(t testing.TB, body string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(body)
	require.NotNil(t, m, "no folio_csrf field in %s", body)
	return m[1]
}

// send POSTs form to path (from the host's root) with headers.
func (e *modSite) send(path string, form url.Values, header ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	r := httptest.NewRequest(http.MethodPost, "https://example.com"+path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return e.do(r, header...)
}

// login signs in on the form and returns the session cookie.
func (e *modSite) login() *http.Cookie {
	e.t.Helper()
	page := e.get("/blog/admin/login")
	require.Equal(e.t, http.StatusOK, page.Code, page.Body.String())
	w := e.send("/blog/admin/login", url.Values{"token": {modToken}, "folio_csrf": {csrfIn(e.t, page.Body.String())}})
	require.Equal(e.t, http.StatusSeeOther, w.Code, w.Body.String())
	for _, c := range w.Result().Cookies() {
		if c.Name == bloghttp.AdminCookie {
			return c
		}
	}
	e.t.Fatal("no session cookie set")
	return nil
}

func cookieHeader(c *http.Cookie) []string { return []string{"Cookie", c.Name + "=" + c.Value} }

func TestNewTokenAuth(t *testing.T) {
	secret := []byte(strings.Repeat("x", 32))
	cases := []struct {
		name   string
		token  string
		secret []byte
		ok     bool
	}{
		{"ok", modToken, secret, true},
		{"random secret", modToken, nil, true},
		{"short token", "too-short", secret, false},
		{"short secret", modToken, []byte("short"), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := bloghttp.NewTokenAuth(tc.token, "M", tc.secret)
			if tc.ok {
				require.NoError(t, err)
				assert.NotNil(t, a)
			} else {
				assert.Error(t, err)
			}
		})
	}
}

func TestTokenAuth_Authorize(t *testing.T) {
	a, err := bloghttp.NewTokenAuth(modToken, "Mod Erator", nil)
	require.NoError(t, err)
	cases := []struct {
		name, header string
		ok           bool
	}{
		{"bearer", "Bearer " + modToken, true},
		{"bearer lower case", "bearer " + modToken, true},
		{"wrong token", "Bearer " + modToken + "x", false},
		{"prefix of token", "Bearer " + modToken[:20], false},
		{"basic scheme", "Basic " + modToken, false},
		{"no token", "Bearer", false},
		{"missing", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/admin/", nil)
			if tc.header != "" {
				r.Header.Set("Authorization", tc.header)
			}
			m, ok := a.Authorize(r)
			assert.Equal(t, tc.ok, ok)
			if tc.ok {
				assert.Equal(t, bloghttp.Moderator{Name: "Mod Erator", ViaHeader: true}, m)
			}
		})
	}
	t.Run("forged cookie", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodGet, "/admin/", nil)
		r.AddCookie(&http.Cookie{Name: bloghttp.AdminCookie, Value: "99999999999.bm9uY2U.c2lnbmF0dXJl"})
		_, ok := a.Authorize(r)
		assert.False(t, ok)
	})
}

func TestServer_loginFlow(t *testing.T) {
	e := newModSite(t)
	page := e.get("/blog/admin/login")
	require.Equal(t, http.StatusOK, page.Code)
	assert.Contains(t, page.Body.String(), `type="password"`)
	assert.Contains(t, page.Body.String(), `action="/blog/admin/login"`)
	assert.Equal(t, "private, no-store", page.Header().Get("Cache-Control"))

	w := e.send("/blog/admin/login", url.Values{"token": {modToken}, "folio_csrf": {csrfIn(t, page.Body.String())}})
	require.Equal(t, http.StatusSeeOther, w.Code)
	assert.Equal(t, "/blog/admin/", w.Header().Get("Location"))
	var c *http.Cookie
	for _, k := range w.Result().Cookies() {
		if k.Name == bloghttp.AdminCookie {
			c = k
		}
	}
	require.NotNil(t, c)
	assert.True(t, c.HttpOnly)
	assert.True(t, c.Secure, "the site is served over https")
	assert.Equal(t, http.SameSiteLaxMode, c.SameSite)
	assert.Equal(t, "/blog/", c.Path)
	assert.NotContains(t, c.Value, modToken)

	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(c)
	m, ok := e.auth.Authorize(r)
	require.True(t, ok)
	assert.Equal(t, bloghttp.Moderator{Name: "Mod Erator"}, m, "a cookie is not a header")

	w = e.get("/blog/admin/", cookieHeader(c)...)
	require.Equal(t, http.StatusSeeOther, w.Code)
	assert.Equal(t, "/blog/admin/comments?status=pending", w.Header().Get("Location"))
	w = e.get("/blog/admin/comments?status=pending", cookieHeader(c)...)
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Contains(t, w.Body.String(), `action="/blog/admin/logout"`)

	w = e.get("/blog/admin/login", cookieHeader(c)...)
	assert.Equal(t, http.StatusSeeOther, w.Code, "signed in already")
	assert.Equal(t, "/blog/admin/", w.Header().Get("Location"))
}

func TestServer_loginRefused(t *testing.T) {
	e := newModSite(t)
	csrf := csrfIn(t, e.get("/blog/admin/login").Body.String())
	noSession := func(t *testing.T, w *httptest.ResponseRecorder) {
		t.Helper()
		for _, c := range w.Result().Cookies() {
			assert.NotEqual(t, bloghttp.AdminCookie, c.Name)
		}
	}

	t.Run("no anti-forgery field", func(t *testing.T) {
		w := e.send("/blog/admin/login", url.Values{"token": {modToken}})
		assert.Equal(t, http.StatusForbidden, w.Code)
		noSession(t, w)
	})
	t.Run("cross-site", func(t *testing.T) {
		w := e.send("/blog/admin/login", url.Values{"token": {modToken}, "folio_csrf": {csrf}}, "Sec-Fetch-Site", "cross-site")
		assert.Equal(t, http.StatusForbidden, w.Code)
		noSession(t, w)
	})
	t.Run("wrong token", func(t *testing.T) {
		w := e.send("/blog/admin/login", url.Values{"token": {"not the token at all"}, "folio_csrf": {csrf}})
		assert.Equal(t, http.StatusUnauthorized, w.Code)
		assert.Contains(t, w.Body.String(), "not the moderator token")
		noSession(t, w)
	})
}

func TestServer_loginRateLimit(t *testing.T) {
	e := newModSite(t)
	csrf := csrfIn(t, e.get("/blog/admin/login").Body.String())
	attempt := func(token, addr string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "https://example.com/blog/admin/login",
			strings.NewReader(url.Values{"token": {token}, "folio_csrf": {csrf}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.RemoteAddr = addr + ":5555"
		return e.do(r)
	}
	for i := range bloghttp.MaxLoginFailures {
		require.Equal(t, http.StatusUnauthorized, attempt("wrong-token-wrong-token", "198.51.100.1").Code, "attempt %d", i+1)
	}
	w := attempt(modToken, "198.51.100.1")
	assert.Equal(t, http.StatusTooManyRequests, w.Code, "even the right token waits")
	assert.NotEmpty(t, w.Header().Get("Retry-After"))
	assert.Empty(t, w.Result().Cookies())

	assert.Equal(t, http.StatusSeeOther, attempt(modToken, "198.51.100.2").Code, "another address is not blocked")
}

func TestServer_logout(t *testing.T) {
	e := newModSite(t)
	c := e.login()
	list := e.get("/blog/admin/comments", cookieHeader(c)...)
	require.Equal(t, http.StatusOK, list.Code)
	csrf := csrfIn(t, list.Body.String())

	w := e.send("/blog/admin/logout", url.Values{}, cookieHeader(c)...)
	assert.Equal(t, http.StatusForbidden, w.Code, "no anti-forgery field")
	assert.Equal(t, http.StatusOK, e.get("/blog/admin/comments", cookieHeader(c)...).Code, "still signed in")

	w = e.send("/blog/admin/logout", url.Values{"folio_csrf": {csrf}}, cookieHeader(c)...)
	require.Equal(t, http.StatusSeeOther, w.Code)
	assert.Equal(t, "/blog/admin/login", w.Header().Get("Location"))
	var cleared bool
	for _, k := range w.Result().Cookies() {
		cleared = cleared || (k.Name == bloghttp.AdminCookie && k.MaxAge < 0)
	}
	assert.True(t, cleared, "cookie cleared")

	w = e.get("/blog/admin/comments", cookieHeader(c)...)
	assert.Equal(t, http.StatusSeeOther, w.Code, "the old cookie no longer works")
	assert.Equal(t, "/blog/admin/login", w.Header().Get("Location"))
}

// ExampleNewTokenAuth mounts a blog whose moderator holds one token, and
// approves a held comment the way a script would, with the token in a
// header.
func ExampleNewTokenAuth() {
	store := memstore.New()
	b, _ := blog.New(store)
	cs, _ := comments.NewService(store, blogcomments.Threads(b), comments.WithLogger(slog.New(slog.DiscardHandler)))
	auth, err := bloghttp.NewTokenAuth("correct-horse-battery-staple", "Editor", nil)
	if err != nil {
		panic(err)
	}
	srv, err := bloghttp.New(b, cs, bloghttp.Site{Title: "Notes", BaseURL: "https://example.com/blog/"},
		bloghttp.WithAuthorizer(auth), bloghttp.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/blog/", srv)

	// A comment the rules held for moderation.
	held := &comments.Comment{Thread: "1", Type: comments.TypeComment, Author: comments.Author{Name: "Vis"},
		Source: "Hello", HTML: "<p>Hello</p>", Status: comments.StatusPending, CreatedAt: time.Now().UTC()}
	if err := store.CreateComment(context.Background(), held); err != nil {
		panic(err)
	}

	r := httptest.NewRequest("POST", fmt.Sprintf("https://example.com/blog/admin/comments/%d/approve", held.ID), nil)
	r.Header.Set("Authorization", "Bearer correct-horse-battery-staple")
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	fmt.Println(w.Code, strings.TrimSpace(w.Body.String()))
	// Output: 200 {"id":1,"status":"approved"}
}

// FuzzTokenAuth_Authorize checks that no header or cookie but the token
// and a session the TokenAuth issued is accepted, and nothing panics.
func FuzzTokenAuth_Authorize(f *testing.F) {
	f.Add("Bearer x", "1.2.3")
	f.Add("", "99999999999.bm9uY2U.c2ln")
	f.Add("bearer   "+modToken[:10], "")
	f.Add("", "..")
	a, err := bloghttp.NewTokenAuth(modToken, "M", nil)
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, header, cookie string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if header != "" {
			r.Header.Set("Authorization", header)
		}
		if cookie != "" {
			r.Header.Set("Cookie", bloghttp.AdminCookie+"="+cookie)
		}
		if _, ok := a.Authorize(r); ok {
			fields := strings.Fields(header)
			if len(fields) != 2 || fields[1] != modToken {
				t.Fatalf("authorised header %q cookie %q", header, cookie)
			}
		}
	})
}
