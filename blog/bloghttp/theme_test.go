package bloghttp_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/blogcomments"
	"github.com/folioblog/folio/blog/bloghttp"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/memstore"
)

func TestTheme_prefix(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{base: "http://example.com/blog/"})
	p := s.post("Hello", day(1, 2), func(p *blog.Post) { p.Tags = []blog.Term{{Name: "Go"}} })
	s.comment(p, 0, "Bob", "Hi", comments.StatusApproved)

	home := s.get("/blog/")
	require.Equal(t, http.StatusOK, home.Code)
	post := s.get("/blog/2013/01/02/hello/")
	require.Equal(t, http.StatusOK, post.Code)
	for name, body := range map[string]string{"home": home.Body.String(), "post": post.Body.String()} {
		t.Run(name, func(t *testing.T) {
			for _, m := range regexp.MustCompile(`(?:href|src|action)="(/[^"]*)"`).FindAllStringSubmatch(body, -1) {
				assert.True(t, strings.HasPrefix(m[1], "/blog/"), "link %q outside the prefix", m[1])
			}
			assert.Contains(t, body, `href="/blog/static/folio.css?v=`)
			assert.Contains(t, body, `<link rel="alternate" type="application/rss+xml" title="Notes » Feed" href="/blog/feed/">`)
		})
	}
	assert.Contains(t, home.Body.String(), `href="/blog/2013/01/02/hello/"`)
	assert.Contains(t, post.Body.String(), `<form action="/blog/comments" method="post"`)
	assert.Contains(t, post.Body.String(), `<link rel="canonical" href="http://example.com/blog/2013/01/02/hello/">`)
	assert.Contains(t, post.Body.String(), `<a href="/blog/tag/go/" rel="tag">Go</a>`)
	assert.Contains(t, post.Body.String(), `<option value="/blog/2013/01/">January 2013</option>`)

	tests := []struct {
		target   string
		status   int
		location string
	}{
		{"/2013/01/02/hello/", http.StatusNotFound, ""},
		{"/blogx/", http.StatusNotFound, ""},
		{"/blog/2013/01/", http.StatusOK, ""},
		{"/blog/tag/go/", http.StatusOK, ""},
		{"/blog/static/folio.css", http.StatusOK, ""},
		{"/blog/?p=" + itoa(p.ID), http.StatusMovedPermanently, "/blog/2013/01/02/hello/"},
		{"/blog/2013/01/02/hello", http.StatusMovedPermanently, "/blog/2013/01/02/hello/"},
		{"/blog/comments/1", http.StatusFound, "/blog/2013/01/02/hello/#comment-1"},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			w := s.get(tt.target)
			assert.Equal(t, tt.status, w.Code)
			assert.Equal(t, tt.location, w.Header().Get("Location"))
		})
	}
	t.Run("comment and like under the prefix", func(t *testing.T) {
		form := commentForm(p, formToken(t, post.Body.String()), "New Person", "Hello", nil)
		w := s.do(pageReq{method: http.MethodPost, target: "/blog/comments", form: form})
		require.Equal(t, http.StatusSeeOther, w.Code)
		assert.True(t, strings.HasPrefix(w.Header().Get("Location"), "/blog/2013/01/02/hello/?unapproved="))
		w = s.do(pageReq{method: http.MethodPost, target: "/blog/likes/" + itoa(p.ID)})
		require.Equal(t, http.StatusSeeOther, w.Code)
		assert.Equal(t, "/blog/2013/01/02/hello/#likes", w.Header().Get("Location"))
	})
}

func TestTheme_hostOverrides(t *testing.T) {
	theme := themeOverlay(map[string]string{
		"post.html":        `{{define "title"}}Custom {{.Page.Post.Title}}{{end}}{{define "content"}}<h1 class="custom">{{.Page.Post.Title}}</h1>{{end}}`,
		"static/folio.css": "body { color: red }",
		"static/extra.txt": "hello",
		"notes.html":       `{{define "content"}}<p class="mine">{{.Page}}</p>{{end}}`,
	})
	s := newPageSite(t, pageSiteConfig{opts: []bloghttp.Option{bloghttp.WithTheme(theme)}})
	p := s.post("Hello <World>", day(1, 2), nil)

	body := s.get(s.srv.PostPath(p)).Body.String()
	assert.Contains(t, body, `<h1 class="custom">Hello &lt;World&gt;</h1>`)
	assert.Contains(t, body, `<title>Custom Hello &lt;World&gt;</title>`)
	assert.NotContains(t, body, "Leave a Reply", "the host's template replaced the default")
	assert.Contains(t, body, `class="site-header"`, "the default layout is kept")

	home := s.get("/").Body.String()
	assert.Contains(t, home, `<h2 class="entry-title"><a href="/2013/01/02/hello-world/" rel="bookmark">Hello &lt;World&gt;</a></h2>`, "other pages keep the default templates")

	css := s.get("/static/folio.css")
	assert.Equal(t, "body { color: red }", css.Body.String())
	assert.Equal(t, "hello", s.get("/static/extra.txt").Body.String())
	assert.Contains(t, s.get("/static/archive.js").Body.String(), "data-folio-archive-dropdown")
}

func TestTheme_badTemplates(t *testing.T) {
	b, err := blog.New(memstore.New())
	require.NoError(t, err)
	cs, err := comments.NewService(memstore.New(), blogcomments.Threads(b))
	require.NoError(t, err)
	for name, files := range map[string]map[string]string{
		"syntax":        {"post.html": `{{define "content"}}{{.Page.Post.Title}{{end}}`},
		"layout syntax": {"layout.html": `{{if}}`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := bloghttp.New(b, cs, bloghttp.Site{Title: "T", BaseURL: "http://example.com/"}, bloghttp.WithTheme(themeOverlay(files)))
			assert.Error(t, err)
		})
	}
}

func TestTheme_executionErrorIs500WithoutDetails(t *testing.T) {
	theme := themeOverlay(map[string]string{
		"list.html": `{{define "content"}}{{index .Page.Items 99}}{{end}}`,
	})
	s := newPageSite(t, pageSiteConfig{opts: []bloghttp.Option{bloghttp.WithTheme(theme), bloghttp.WithLogger(discardLogger())}})
	s.post("One", day(1, 2), nil)
	w := s.get("/")
	assert.Equal(t, http.StatusInternalServerError, w.Code)
	assert.Equal(t, "text/html; charset=utf-8", w.Header().Get("Content-Type"))
	assert.Contains(t, w.Body.String(), "Something went wrong")
	assert.NotContains(t, w.Body.String(), "index out of range")
	assert.NotContains(t, w.Body.String(), "list.html")
}

func TestTheme_renderAnswers(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	p := s.post("Sized", day(1, 2), nil)
	w := s.get(s.srv.PostPath(p))
	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "text/html; charset=utf-8", w.Header().Get("Content-Type"))
	assert.Equal(t, itoa(int64(w.Body.Len())), w.Header().Get("Content-Length"))
}
