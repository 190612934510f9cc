package bloghttp_test

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/blogcomments"
	"github.com/folioblog/folio/blog/bloghttp"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/memstore"
)

// pagePlainStore hides every optional capability of a store: no likes,
// no old paths, no comments.
type pagePlainStore struct{ blog.Store }

// pageModToken is the bearer token of the test moderator; a request with the
// cookie "mod=yes" is the moderator too, by cookie.
const pageModToken = "moderator-token"

var pageAuth = bloghttp.AuthorizerFunc(func(r *http.Request) (bloghttp.Moderator, bool) {
	if r.Header.Get("Authorization") == "Bearer "+pageModToken {
		return bloghttp.Moderator{Name: "Editor", Email: "editor@example.com", ViaHeader: true}, true
	}
	if c, err := r.Cookie("mod"); err == nil && c.Value == "yes" {
		return bloghttp.Moderator{Name: "Editor", Email: "editor@example.com"}, true
	}
	return bloghttp.Moderator{}, false
})

// pageSite is a blog with a Server over a memstore, its clock stepping a
// millisecond each reading from 2013-03-15 12:00 UTC.
type pageSite struct {
	t     testing.TB
	store *memstore.Store
	blog  *blog.Blog
	cs    *comments.Service
	srv   *bloghttp.Server
}

type pageSiteConfig struct {
	base  string
	opts  []bloghttp.Option
	plain bool // a store without likes or redirects
}

func newPageSite(t testing.TB, cfg pageSiteConfig) *pageSite {
	t.Helper()
	var mu sync.Mutex
	now := time.Date(2013, 3, 15, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Millisecond)
		return now
	}
	st := memstore.New()
	var bs blog.Store = st
	var cstore comments.Store = st
	if cfg.plain {
		bs = pagePlainStore{st}
	}
	b, err := blog.New(bs, blog.WithClock(clock))
	require.NoError(t, err)
	cs, err := comments.NewService(cstore, blogcomments.Threads(b),
		comments.WithClock(clock),
		comments.WithTokenAge(0, time.Hour),
		comments.WithFloodInterval(0),
		comments.WithTokenKey([]byte(strings.Repeat("k", 32))),
	)
	require.NoError(t, err)
	base := cfg.base
	if base == "" {
		base = "http://example.com/"
	}
	opts := append([]bloghttp.Option{
		bloghttp.WithSecret([]byte(strings.Repeat("s", 32))),
		bloghttp.WithAuthorizer(pageAuth),
	}, cfg.opts...)
	srv, err := bloghttp.New(b, cs, bloghttp.Site{Title: "Notes", Tagline: "Small things", BaseURL: base}, opts...)
	require.NoError(t, err)
	return &pageSite{t: t, store: st, blog: b, cs: cs, srv: srv}
}

// post creates a published post dated at (UTC); edit may change it first.
func (f *pageSite) post(title string, at time.Time, edit func(p *blog.Post)) *blog.Post {
	f.t.Helper()
	p := &blog.Post{Title: title, Source: "Body of " + title + ".", Status: blog.StatusPublished, PublishedAt: at,
		Author: blog.Author{Name: "Ann Author"}}
	if edit != nil {
		edit(p)
	}
	q, err := f.blog.CreatePost(context.Background(), p)
	require.NoError(f.t, err)
	return q
}

// comment stores a comment directly with the given status.
func (f *pageSite) comment(p *blog.Post, parent int64, name, body string, st comments.Status) *comments.Comment {
	f.t.Helper()
	html, err := comments.Render(body)
	require.NoError(f.t, err)
	c := &comments.Comment{
		Thread: pageThread(p), ParentID: parent, Type: comments.TypeComment,
		Author: comments.Author{Name: name, Email: strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.org"},
		Source: body, HTML: html, Status: st, IP: "192.0.2.9", CreatedAt: f.blog.Now(),
	}
	require.NoError(f.t, f.store.CreateComment(context.Background(), c))
	return c
}

func pageThread(p *blog.Post) string { return strconv.FormatInt(p.ID, 10) }

// request is one test request.
type pageReq struct {
	method  string
	target  string
	form    url.Values
	header  http.Header
	cookies []*http.Cookie
	remote  string
}

// do serves req and returns the recorder.
func (f *pageSite) do(req pageReq) *httptest.ResponseRecorder {
	f.t.Helper()
	method := req.method
	if method == "" {
		method = http.MethodGet
	}
	var r *http.Request
	if req.form != nil {
		r = httptest.NewRequest(method, req.target, strings.NewReader(req.form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r = httptest.NewRequest(method, req.target, nil)
	}
	for k, vs := range req.header {
		for _, v := range vs {
			r.Header.Add(k, v)
		}
	}
	for _, c := range req.cookies {
		r.AddCookie(c)
	}
	if req.remote != "" {
		r.RemoteAddr = req.remote
	}
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, r)
	return w
}

// get serves a GET of target.
func (f *pageSite) get(target string) *httptest.ResponseRecorder {
	f.t.Helper()
	return f.do(pageReq{target: target})
}

var formTokenRE = regexp.MustCompile(`name="folio_token" value="([^"]+)"`)

// token returns the form token of a page's comment form.
func formToken(t testing.TB, body string) string {
	t.Helper()
	m := formTokenRE.FindStringSubmatch(body)
	require.NotNil(t, m, "no comment form token in the page")
	return m[1]
}

// overlay is an fs.FS of a few files, for host themes.
func themeOverlay(files map[string]string) fs.FS {
	m := fstest.MapFS{}
	for k, v := range files {
		m[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return m
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

func ioCopy(w io.Writer, res *http.Response) (int64, error) {
	defer res.Body.Close()
	return io.Copy(w, res.Body)
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
