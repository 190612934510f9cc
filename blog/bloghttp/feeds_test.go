package bloghttp_test

import (
	"context"
	"encoding/xml"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/blogcomments"
	"github.com/folioblog/folio/blog/bloghttp"
	"github.com/folioblog/folio/comments"
	"github.com/folioblog/folio/storage/memstore"
)

// modToken is the moderator token of the test sites.
const modToken = "moderator-token-0123456789"

// Email addresses seeded into test content, which no public answer may show.
const (
	authorEmail    = "author.secret@example.org"
	commenterEmail = "commenter.secret@example.net"
)

// modSite is a blog mounted under /blog/ with a TokenAuth moderator and a
// fixed clock.
type modSite struct {
	t     testing.TB
	store *memstore.Store
	blog  *blog.Blog
	cs    *comments.Service
	auth  *bloghttp.TokenAuth
	srv   *bloghttp.Server
	clock *testClock
}

// testClock is a clock tests move by hand; the Server reads it from its
// own goroutines too.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newModSite(t testing.TB, opts ...bloghttp.Option) *modSite {
	t.Helper()
	e := &modSite{t: t, store: memstore.New(), clock: &testClock{t: time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)}}
	clock := e.clock.Now
	var err error
	e.blog, err = blog.New(e.store, blog.WithClock(clock))
	require.NoError(t, err)
	quiet := slog.New(slog.DiscardHandler)
	e.cs, err = comments.NewService(e.store, blogcomments.Threads(e.blog), comments.WithClock(clock), comments.WithLogger(quiet),
		comments.WithTokenKey([]byte(strings.Repeat("t", 32))))
	require.NoError(t, err)
	e.auth, err = bloghttp.NewTokenAuth(modToken, "Mod Erator", []byte(strings.Repeat("k", 32)))
	require.NoError(t, err)
	opts = append([]bloghttp.Option{bloghttp.WithLogger(quiet), bloghttp.WithAuthorizer(e.auth), bloghttp.WithSecret([]byte(strings.Repeat("s", 32)))}, opts...)
	e.srv, err = bloghttp.New(e.blog, e.cs, bloghttp.Site{
		Title: "Field Notes", Tagline: "Things seen", BaseURL: "https://example.com/blog/",
	}, opts...)
	require.NoError(t, err)
	return e
}

// post stores a post published days ago, changed by edit first.
func (e *modSite) post(title string, daysAgo int, edit func(p *blog.Post)) *blog.Post {
	e.t.Helper()
	p := &blog.Post{
		Title:       title,
		Source:      "Body of *" + title + "*.\n\nSecond paragraph with <b>markup</b> & more.",
		Status:      blog.StatusPublished,
		PublishedAt: e.clock.Now().AddDate(0, 0, -daysAgo),
		Author:      blog.Author{Name: "Ann Author", Email: authorEmail},
	}
	if edit != nil {
		edit(p)
	}
	stored, err := e.blog.CreatePost(context.Background(), p)
	require.NoError(e.t, err)
	return stored
}

// comment stores a comment on p with the given status, as the rules
// would have, minutes after the clock's time.
func (e *modSite) comment(p *blog.Post, st comments.Status, name, body string, minutes int) *comments.Comment {
	e.t.Helper()
	html, err := comments.Render(body)
	require.NoError(e.t, err)
	c := &comments.Comment{
		Thread:    strconv.FormatInt(p.ID, 10),
		Type:      comments.TypeComment,
		Author:    comments.Author{Name: name, Email: commenterEmail, URL: "https://commenter.example/"},
		Source:    body,
		HTML:      html,
		Status:    st,
		Decision:  comments.Decision{Status: st, Rule: "links", Reason: "held: 3 links, limit 2"},
		IP:        "192.0.2.7",
		CreatedAt: e.clock.Now().Add(time.Duration(minutes) * time.Minute),
	}
	require.NoError(e.t, e.store.CreateComment(context.Background(), c))
	return c
}

// get sends a GET for path (from the host's root) with headers.
func (e *modSite) get(path string, header ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.do(httptest.NewRequest(http.MethodGet, "https://example.com"+path, nil), header...)
}

func (e *modSite) do(r *http.Request, header ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, r)
	return w
}

func parseFeed(t testing.TB, body string) *gofeed.Feed {
	t.Helper()
	f, err := gofeed.NewParser().ParseString(body)
	require.NoError(t, err, body)
	return f
}

func itemTitles(f *gofeed.Feed) []string {
	var out []string
	for _, it := range f.Items {
		out = append(out, it.Title)
	}
	return out
}

func TestServer_feeds(t *testing.T) {
	e := newModSite(t)
	old := e.post("Older post", 3, func(p *blog.Post) {
		p.Tags = []blog.Term{{Name: "Birds"}}
		p.Categories = []blog.Term{{Name: "Walks"}}
	})
	e.post("Newer post", 1, func(p *blog.Post) { p.Tags = []blog.Term{{Name: "Trees"}} })
	e.post("A draft", 2, func(p *blog.Post) { p.Status = blog.StatusDraft })
	e.post("Future post", -2, nil) // scheduled
	e.post("About", 5, func(p *blog.Post) { p.Kind = blog.KindPage })

	cases := []struct {
		name, path, ctype, feedType string
		titles                      []string
		link                        string
	}{
		{"rss", "/blog/feed/", "application/rss+xml; charset=utf-8", "rss", []string{"Newer post", "Older post"}, "https://example.com/blog/"},
		{"atom", "/blog/feed/atom/", "application/atom+xml; charset=utf-8", "atom", []string{"Newer post", "Older post"}, "https://example.com/blog/"},
		{"json", "/blog/feed.json", "application/feed+json; charset=utf-8", "json", []string{"Newer post", "Older post"}, "https://example.com/blog/"},
		{"tag rss", "/blog/tag/birds/feed/", "application/rss+xml; charset=utf-8", "rss", []string{"Older post"}, "https://example.com/blog/tag/birds/"},
		{"tag atom", "/blog/tag/birds/feed/atom/", "application/atom+xml; charset=utf-8", "atom", []string{"Older post"}, "https://example.com/blog/tag/birds/"},
		{"tag json", "/blog/tag/trees/feed/?type=json", "application/feed+json; charset=utf-8", "json", []string{"Newer post"}, "https://example.com/blog/tag/trees/"},
		{"category", "/blog/category/walks/feed/", "application/rss+xml; charset=utf-8", "rss", []string{"Older post"}, "https://example.com/blog/category/walks/"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := e.get(tc.path, "Host", "evil.example")
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			assert.Equal(t, tc.ctype, w.Header().Get("Content-Type"))
			body := w.Body.String()
			assert.NotContains(t, body, authorEmail)
			assert.NotContains(t, body, "evil.example")
			f := parseFeed(t, body)
			assert.Equal(t, tc.feedType, f.FeedType)
			assert.Equal(t, tc.titles, itemTitles(f))
			assert.Equal(t, tc.link, f.Link)
			for _, it := range f.Items {
				assert.True(t, strings.HasPrefix(it.Link, "https://example.com/blog/20"), "absolute permalink: %q", it.Link)
				assert.Contains(t, it.Content, "<em>"+it.Title+"</em>", "full HTML")
				assert.Contains(t, it.Content, "Second paragraph")
				assert.True(t, strings.HasPrefix(it.GUID, "tag:example.com,2026-03-10:/blog/posts/"), "stable id: %q", it.GUID)
				require.NotNil(t, it.PublishedParsed)
				require.NotEmpty(t, it.Authors)
				assert.Equal(t, "Ann Author", it.Authors[0].Name)
				assert.Empty(t, it.Authors[0].Email)
			}
		})
	}
	t.Run("rss content:encoded", func(t *testing.T) {
		body := e.get("/blog/feed/").Body.String()
		assert.Contains(t, body, `xmlns:content="http://purl.org/rss/1.0/modules/content/"`)
		assert.Contains(t, body, "<content:encoded><![CDATA[<p>Body of <em>Older post</em>")
		assert.Contains(t, body, "<link>https://example.com/blog"+e.blog.PostPath(old)+"</link>")
	})
	t.Run("unknown term is 404", func(t *testing.T) {
		assert.Equal(t, http.StatusNotFound, e.get("/blog/tag/nothing/feed/").Code)
	})
	t.Run("bad type is 400", func(t *testing.T) {
		assert.Equal(t, http.StatusBadRequest, e.get("/blog/feed/?type=xml").Code)
	})
}

func TestServer_feedLimit(t *testing.T) {
	e := newModSite(t)
	for i := range 25 {
		e.post("Post "+strconv.Itoa(i), 30-i, nil)
	}
	f := parseFeed(t, e.get("/blog/feed/").Body.String())
	require.Len(t, f.Items, 20)
	assert.Equal(t, "Post 24", f.Items[0].Title, "newest first")
	assert.Equal(t, "Post 5", f.Items[19].Title)
}

func TestServer_feedEscapesNames(t *testing.T) {
	e := newModSite(t)
	e.post("Tom & <Jerry>\r\nX-Injected: yes", 1, func(p *blog.Post) {
		p.Author.Name = "Eve\r\nSet-Cookie: a=b"
	})
	for _, path := range []string{"/blog/feed/", "/blog/feed/atom/", "/blog/feed.json"} {
		w := e.get(path)
		require.Equal(t, http.StatusOK, w.Code)
		assert.Empty(t, w.Header().Values("Set-Cookie"), path)
		assert.Empty(t, w.Header().Values("X-Injected"), path)
		f := parseFeed(t, w.Body.String())
		require.Len(t, f.Items, 1)
		assert.Contains(t, f.Items[0].Title, "Tom &", path)
		assert.NotContains(t, f.Items[0].Title, "<Jerry>", "a tag in a title reaches readers stripped")
		if !strings.HasSuffix(path, ".json") {
			assert.NotContains(t, w.Body.String(), "<Jerry>", "escaped in XML")
		}
	}
}

// TestServer_feedConditionalGET checks ETag and Last-Modified on feeds and
// the sitemap, as the handlers write them and through the page cache,
// which keeps their ETag but dates a page from when it stored it.
func TestServer_feedConditionalGET(t *testing.T) {
	for _, cache := range []struct {
		name    string
		opts    []bloghttp.Option
		handler bool // the handler's own Last-Modified reaches the client
	}{
		{"no cache", []bloghttp.Option{bloghttp.WithPageCache(0)}, true},
		{"page cache", nil, false},
	} {
		for _, path := range []string{"/blog/feed/", "/blog/feed/atom/", "/blog/feed.json", "/blog/sitemap.xml"} {
			t.Run(cache.name+" "+path, func(t *testing.T) {
				e := newModSite(t, cache.opts...)
				e.post("Only post", 1, nil)
				changed := e.clock.Now()
				e.clock.Add(2 * time.Second)

				first := e.get(path)
				require.Equal(t, http.StatusOK, first.Code)
				etag := first.Header().Get("ETag")
				lastMod := first.Header().Get("Last-Modified")
				require.NotEmpty(t, etag)
				require.NotEmpty(t, lastMod)
				if cache.handler {
					assert.Equal(t, changed.Format(http.TimeFormat), lastMod, "the newest change")
				}

				w := e.get(path, "If-None-Match", etag)
				assert.Equal(t, http.StatusNotModified, w.Code)
				assert.Empty(t, w.Body.String())
				assert.Equal(t, etag, w.Header().Get("ETag"))

				w = e.get(path, "If-Modified-Since", lastMod)
				assert.Equal(t, http.StatusNotModified, w.Code)

				w = e.get(path, "If-Modified-Since", changed.Add(-time.Hour).Format(http.TimeFormat))
				assert.Equal(t, http.StatusOK, w.Code)

				w = e.get(path, "If-None-Match", `"stale"`)
				assert.Equal(t, http.StatusOK, w.Code)

				e.clock.Add(time.Minute)
				e.post("Another post", 0, nil)
				e.clock.Add(2 * time.Second)
				w = e.get(path, "If-None-Match", etag)
				assert.Equal(t, http.StatusOK, w.Code, "a new post changes the ETag")
				assert.NotEqual(t, etag, w.Header().Get("ETag"))
				assert.Contains(t, w.Body.String(), "another-post")
			})
		}
	}
}

type sitemapDoc struct {
	XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"url"`
}

func TestServer_sitemap(t *testing.T) {
	e := newModSite(t)
	a := e.post("First", 10, nil)
	b := e.post("About", 9, func(p *blog.Post) { p.Kind = blog.KindPage })
	e.post("Hidden draft", 2, func(p *blog.Post) { p.Status = blog.StatusDraft })
	e.post("Private", 2, func(p *blog.Post) { p.Status = blog.StatusPrivate })
	e.post("Later", -1, nil)
	e.clock.Add(time.Hour)
	a, err := e.blog.UpdatePost(context.Background(), a)
	require.NoError(t, err)

	w := e.get("/blog/sitemap.xml")
	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "application/xml; charset=utf-8", w.Header().Get("Content-Type"))
	var doc sitemapDoc
	require.NoError(t, xml.Unmarshal(w.Body.Bytes(), &doc), w.Body.String())
	got := map[string]string{}
	var locs []string
	for _, u := range doc.URLs {
		got[u.Loc] = u.LastMod
		locs = append(locs, u.Loc)
	}
	home, first, about := "https://example.com/blog/", e.srv.URL(e.blog.PostPath(a)), e.srv.URL(e.blog.PostPath(b))
	assert.ElementsMatch(t, []string{home, first, about}, locs)
	assert.Equal(t, e.clock.Now().Format(time.RFC3339), got[first], "lastmod is the last update")
	assert.Equal(t, b.UpdatedAt.Format(time.RFC3339), got[about])
	assert.Equal(t, got[first], got[home], "the home page changed with the newest post")
	assert.NotContains(t, w.Body.String(), "draft")
}

func TestServer_robots(t *testing.T) {
	e := newModSite(t)
	w := e.get("/blog/robots.txt")
	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "text/plain; charset=utf-8", w.Header().Get("Content-Type"))
	assert.Equal(t, "User-agent: *\nDisallow: /blog/admin/\n\nSitemap: https://example.com/blog/sitemap.xml\n", w.Body.String())
}

// commentFeedPath is the comment feed of p, from the host's root.
func (e *modSite) commentFeedPath(p *blog.Post) string {
	u, err := url.Parse(e.srv.URL(e.blog.PostPath(p)))
	require.NoError(e.t, err)
	return strings.TrimSuffix(u.Path, "/") + "/feed/"
}

func TestServer_commentFeed(t *testing.T) {
	e := newModSite(t)
	p := e.post("Discussed", 2, nil)
	first := e.comment(p, comments.StatusApproved, "Ann\r\nSet-Cookie: x=y", "First *approved*", 1)
	second := e.comment(p, comments.StatusApproved, "Bob <b>", "Second approved", 2)
	e.comment(p, comments.StatusPending, "Held", "held back", 3)
	e.comment(p, comments.StatusSpam, "Spammer", "buy things", 4)
	e.comment(p, comments.StatusTrash, "Trashed", "gone", 5)
	other := e.post("Other", 2, nil)
	e.comment(other, comments.StatusApproved, "Elsewhere", "on another post", 6)

	for _, tc := range []struct{ name, query, feedType string }{
		{"rss", "", "rss"}, {"atom", "?type=atom", "atom"}, {"json", "?type=json", "json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := e.get(e.commentFeedPath(p)+tc.query, "Host", "evil.example")
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			body := w.Body.String()
			assert.NotContains(t, body, commenterEmail)
			assert.NotContains(t, body, "evil.example")
			assert.Empty(t, w.Header().Values("Set-Cookie"))
			f := parseFeed(t, body)
			assert.Equal(t, tc.feedType, f.FeedType)
			assert.Equal(t, "Comments on: Discussed", f.Title)
			require.Len(t, f.Items, 2, "approved comments of this post only")
			assert.Equal(t, "By: Bob", f.Items[0].Title, "newest first, the name's markup stripped")
			assert.True(t, strings.HasPrefix(f.Items[1].Title, "By: Ann"), f.Items[1].Title)
			assert.Equal(t, "https://example.com/blog/comments/"+strconv.FormatInt(second.ID, 10), f.Items[0].Link)
			assert.Equal(t, "https://example.com/blog/comments/"+strconv.FormatInt(first.ID, 10), f.Items[1].Link)
			assert.Contains(t, f.Items[1].Content, "<em>approved</em>")
			assert.True(t, strings.HasPrefix(f.Items[1].GUID, "tag:example.com,2026-03-10:/blog/comments/"), f.Items[1].GUID)
		})
	}
	t.Run("conditional", func(t *testing.T) {
		w := e.get(e.commentFeedPath(p))
		assert.Equal(t, http.StatusNotModified, e.get(e.commentFeedPath(p), "If-None-Match", w.Header().Get("ETag")).Code)
	})
	t.Run("a comment approved later", func(t *testing.T) {
		held := e.comment(p, comments.StatusPending, "Late", "approved later", 10)
		before := e.get(e.commentFeedPath(p))
		require.Equal(t, http.StatusOK, before.Code)
		require.Equal(t, http.StatusOK, e.send("/blog/admin/comments/"+strconv.FormatInt(held.ID, 10)+"/approve", nil, bearer...).Code)
		w := e.get(e.commentFeedPath(p), "If-None-Match", before.Header().Get("ETag"))
		require.Equal(t, http.StatusOK, w.Code, "not a stale page")
		f := parseFeed(t, w.Body.String())
		require.Len(t, f.Items, 3)
		assert.Equal(t, "By: Late", f.Items[0].Title)
	})
	t.Run("last modified", func(t *testing.T) {
		f := newModSite(t, bloghttp.WithPageCache(0))
		q := f.post("Quiet", 2, nil)
		c := f.comment(q, comments.StatusApproved, "Ann", "hello", 5)
		w := f.get(f.commentFeedPath(q))
		assert.Equal(t, c.CreatedAt.Format(http.TimeFormat), w.Header().Get("Last-Modified"), "the newest comment")
	})
	t.Run("draft has none", func(t *testing.T) {
		d := e.post("Draft", 1, func(p *blog.Post) { p.Status = blog.StatusDraft })
		e.comment(d, comments.StatusApproved, "Early", "too early", 1)
		assert.Equal(t, http.StatusNotFound, e.get(e.commentFeedPath(d)).Code)
	})
}

// BenchmarkServer_feeds measures building each feed of 20 posts (and the
// sitemap of 200) per request with the page cache off, against robots.txt
// through the same Server as the baseline, and the feed served from the
// page cache.
func BenchmarkServer_feeds(b *testing.B) {
	seed := func(e *modSite) {
		for i := range 200 {
			e.post("Post number "+strconv.Itoa(i), 300-i, func(p *blog.Post) {
				p.Source = strings.Repeat("A paragraph of *text* with [a link](https://example.org/).\n\n", 20)
			})
		}
	}
	run := func(b *testing.B, e *modSite, path string) {
		b.ReportAllocs()
		for b.Loop() {
			w := httptest.NewRecorder()
			e.srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "https://example.com"+path, nil))
			if w.Code != http.StatusOK {
				b.Fatal(w.Code)
			}
		}
	}
	uncached := newModSite(b, bloghttp.WithPageCache(0))
	seed(uncached)
	for _, path := range []string{"/blog/robots.txt", "/blog/feed/", "/blog/feed/atom/", "/blog/feed.json", "/blog/sitemap.xml"} {
		b.Run(strings.Trim(strings.TrimPrefix(path, "/blog/"), "/"), func(b *testing.B) { run(b, uncached, path) })
	}
	cached := newModSite(b)
	seed(cached)
	b.Run("feed cached", func(b *testing.B) { run(b, cached, "/blog/feed/") })
}

type sitemapIndexDoc struct {
	XMLName  xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []struct {
		Loc string `xml:"loc"`
	} `xml:"sitemap"`
}

func TestServer_sitemapIndex(t *testing.T) {
	defer bloghttp.SetSitemapMaxURLs(3)()
	e := newModSite(t)
	// 2026-03-10 is "now": two posts this year, two last year, a page.
	this1 := e.post("This year", 10, nil)
	this2 := e.post("This year too", 20, nil)
	last1 := e.post("Last year", 100, nil)
	last2 := e.post("Last year too", 120, nil)
	page := e.post("About", 5, func(p *blog.Post) { p.Kind = blog.KindPage })
	e.post("Draft", 3, func(p *blog.Post) { p.Status = blog.StatusDraft })

	w := e.get("/blog/sitemap.xml")
	require.Equal(t, http.StatusOK, w.Code)
	var idx sitemapIndexDoc
	require.NoError(t, xml.Unmarshal(w.Body.Bytes(), &idx), "a site with more posts than a sitemap holds gets an index:\n%s", w.Body.String())
	var locs []string
	for _, s := range idx.Sitemaps {
		locs = append(locs, s.Loc)
	}
	assert.Equal(t, []string{
		"https://example.com/blog/sitemaps/pages.xml",
		"https://example.com/blog/sitemaps/2026.xml",
		"https://example.com/blog/sitemaps/2025.xml",
	}, locs)

	part := func(path string) []string {
		t.Helper()
		w := e.get(path)
		require.Equal(t, http.StatusOK, w.Code, path)
		var doc sitemapDoc
		require.NoError(t, xml.Unmarshal(w.Body.Bytes(), &doc), w.Body.String())
		var out []string
		for _, u := range doc.URLs {
			out = append(out, u.Loc)
		}
		return out
	}
	url := func(p *blog.Post) string { return e.srv.URL(e.blog.PostPath(p)) }
	assert.Equal(t, []string{"https://example.com/blog/", url(page)}, part("/blog/sitemaps/pages.xml"))
	assert.Equal(t, []string{url(this1), url(this2)}, part("/blog/sitemaps/2026.xml"))
	assert.Equal(t, []string{url(last1), url(last2)}, part("/blog/sitemaps/2025.xml"))
	assert.Empty(t, part("/blog/sitemaps/1999.xml"))
	for _, bad := range []string{"/blog/sitemaps/2026.json", "/blog/sitemaps/26.xml", "/blog/sitemaps/x.xml"} {
		assert.Equal(t, http.StatusNotFound, e.get(bad).Code, bad)
	}
}
