package pagecache_test

import (
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/bloghttp/internal/pagecache"
	"github.com/folioblog/folio/storage/memstore"
)

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) Add(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	f.mu.Unlock()
}

// counted is a handler that counts its calls.
type counted struct {
	calls atomic.Int64
	h     http.HandlerFunc
}

func (c *counted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.calls.Add(1)
	c.h(w, r)
}

// htmlPage returns a handler answering body as HTML that depends on deps.
func htmlPage(body string, deps ...string) *counted {
	return &counted{h: func(w http.ResponseWriter, r *http.Request) {
		pagecache.Depends(w, deps...)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Link", "</static/folio.css>; rel=preload")
		_, _ = io.WriteString(w, body)
	}}
}

// longBody is an HTML page of about n bytes that gzip shrinks.
func longBody(n int) string {
	var b strings.Builder
	b.WriteString("<!doctype html><title>t</title>")
	for i := 0; b.Len() < n; i++ {
		b.WriteString("<p>Paragraph ")
		b.WriteString(strings.Repeat("x", i%17))
		b.WriteString(" of the post body.</p>\n")
	}
	return b.String()
}

// get sends a request through h; hdr are header name, value pairs.
func get(tb testing.TB, h http.Handler, method, target string, hdr ...string) *httptest.ResponseRecorder {
	tb.Helper()
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Add(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func cacheState(w *httptest.ResponseRecorder) string { return w.Header().Get("X-Folio-Cache") }

func TestPageCache_Eligibility(t *testing.T) {
	tests := []struct {
		name    string
		method  string
		target  string
		hdr     []string
		want    string // X-Folio-Cache of the second identical request
		renders int64  // renders for the two requests
	}{
		{name: "plain GET", method: "GET", target: "/p/", want: "hit", renders: 1},
		{name: "HEAD", method: "HEAD", target: "/p/", want: "hit", renders: 1},
		{name: "allowed query", method: "GET", target: "/?s=words", want: "hit", renders: 1},
		{name: "allowed queries", method: "GET", target: "/p/?cpage=2&after=abc", want: "hit", renders: 1},
		{name: "other query", method: "GET", target: "/?utm_source=x", want: "bypass", renders: 2},
		{name: "allowed and other query", method: "GET", target: "/?s=a&x=1", want: "bypass", renders: 2},
		{name: "escaped key", method: "GET", target: "/?%73=a", want: "bypass", renders: 2},
		{name: "POST", method: "POST", target: "/p/", want: "bypass", renders: 2},
		{name: "authorization", method: "GET", target: "/p/", hdr: []string{"Authorization", "Bearer x"}, want: "bypass", renders: 2},
		{name: "commenter cookie", method: "GET", target: "/p/", hdr: []string{"Cookie", "a=1; folio_commenter=Ann"}, want: "bypass", renders: 2},
		{name: "admin cookie", method: "GET", target: "/p/", hdr: []string{"Cookie", "folio_admin=s"}, want: "bypass", renders: 2},
		{name: "unrelated cookie", method: "GET", target: "/p/", hdr: []string{"Cookie", "theme=dark"}, want: "hit", renders: 1},
		{name: "bypass func", method: "GET", target: "/p/", hdr: []string{"X-Host-Session", "1"}, want: "bypass", renders: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := pagecache.New(1<<20, newFakeClock().Now,
				pagecache.WithBypassCookies("folio_admin", "folio_commenter"),
				pagecache.WithBypass(func(r *http.Request) bool { return r.Header.Get("X-Host-Session") != "" }))
			page := htmlPage(longBody(2000))
			h := c.Wrap(page)
			first := get(t, h, tt.method, tt.target, tt.hdr...)
			second := get(t, h, tt.method, tt.target, tt.hdr...)
			assert.Equal(t, http.StatusOK, second.Code)
			assert.Equal(t, tt.want, cacheState(second))
			if tt.want == "hit" {
				assert.Equal(t, "miss", cacheState(first))
			} else {
				assert.Equal(t, "bypass", cacheState(first))
			}
			assert.Equal(t, tt.renders, page.calls.Load())
			if tt.method != "HEAD" {
				assert.Equal(t, longBody(2000), second.Body.String())
			}
		})
	}
}

func TestPageCache_Uncacheable(t *testing.T) {
	tests := []struct {
		name   string
		status int
		header [2]string
		write  bool
		state  string
	}{
		{name: "set-cookie", status: 200, header: [2]string{"Set-Cookie", "a=b"}, write: true, state: "miss"},
		{name: "private", status: 200, header: [2]string{"Cache-Control", "max-age=0, private"}, write: true, state: "miss"},
		{name: "no-store", status: 200, header: [2]string{"Cache-Control", "no-store"}, write: true, state: "miss"},
		{name: "bypass header", status: 200, header: [2]string{"X-Folio-Cache", "bypass"}, write: true, state: "bypass"},
		{name: "vary cookie", status: 200, header: [2]string{"Vary", "Accept-Encoding, Cookie"}, write: true, state: "miss"},
		{name: "encoded", status: 200, header: [2]string{"Content-Encoding", "br"}, write: true, state: "miss"},
		{name: "not found", status: 404, write: true, state: "miss"},
		{name: "redirect", status: 301, header: [2]string{"Location", "/x/"}, write: true, state: "miss"},
		{name: "server error", status: 500, write: true, state: "miss"},
		{name: "nothing written", status: 0, state: "miss"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := pagecache.New(1<<20, newFakeClock().Now)
			page := &counted{h: func(w http.ResponseWriter, r *http.Request) {
				if tt.header[0] != "" {
					w.Header().Set(tt.header[0], tt.header[1])
				}
				if tt.status != 0 {
					w.WriteHeader(tt.status)
				}
				if tt.write {
					_, _ = io.WriteString(w, "body")
				}
			}}
			h := c.Wrap(page)
			for range 2 {
				w := get(t, h, "GET", "/p/")
				wantStatus := max(tt.status, 200)
				assert.Equal(t, wantStatus, w.Code)
				assert.Equal(t, tt.state, cacheState(w))
				if tt.write {
					assert.Equal(t, "body", w.Body.String())
				}
				if tt.header[0] != "" && tt.header[0] != "X-Folio-Cache" {
					assert.Equal(t, tt.header[1], w.Header().Get(tt.header[0]))
				}
			}
			assert.EqualValues(t, 2, page.calls.Load())
			assert.Empty(t, c.Keys())
		})
	}
}

func TestPageCache_Conditional(t *testing.T) {
	clock := newFakeClock()
	c := pagecache.New(1<<20, clock.Now)
	h := c.Wrap(htmlPage(longBody(4000)))
	first := get(t, h, "GET", "/p/")
	require.Equal(t, http.StatusOK, first.Code)
	etag := first.Header().Get("ETag")
	lastMod := first.Header().Get("Last-Modified")
	require.Regexp(t, `^"[A-Za-z0-9_-]{16}"$`, etag)
	require.Equal(t, clock.Now().Format(http.TimeFormat), lastMod)
	gzTag := get(t, h, "GET", "/p/", "Accept-Encoding", "gzip").Header().Get("ETag")
	require.Equal(t, strings.TrimSuffix(etag, `"`)+`-gz"`, gzTag)

	before := clock.Now().Add(-time.Hour).Format(http.TimeFormat)
	after := clock.Now().Add(time.Hour).Format(http.TimeFormat)
	tests := []struct {
		name string
		hdr  []string
		want int
	}{
		{name: "matching etag", hdr: []string{"If-None-Match", etag}, want: 304},
		{name: "weak etag", hdr: []string{"If-None-Match", "W/" + etag}, want: 304},
		{name: "etag in list", hdr: []string{"If-None-Match", `"a", W/"b,c" , ` + etag}, want: 304},
		{name: "etag on second line", hdr: []string{"If-None-Match", `"a"`, "If-None-Match", etag}, want: 304},
		{name: "star", hdr: []string{"If-None-Match", "*"}, want: 304},
		{name: "other etag", hdr: []string{"If-None-Match", `"nope"`}, want: 200},
		{name: "etag prefix only", hdr: []string{"If-None-Match", strings.TrimSuffix(etag, `"`)}, want: 200},
		{name: "gzip etag for identity", hdr: []string{"If-None-Match", gzTag}, want: 200},
		{name: "gzip etag for gzip", hdr: []string{"If-None-Match", gzTag, "Accept-Encoding", "gzip"}, want: 304},
		{name: "identity etag for gzip", hdr: []string{"If-None-Match", etag, "Accept-Encoding", "gzip"}, want: 200},
		{name: "same date", hdr: []string{"If-Modified-Since", lastMod}, want: 304},
		{name: "later date", hdr: []string{"If-Modified-Since", after}, want: 304},
		{name: "earlier date", hdr: []string{"If-Modified-Since", before}, want: 200},
		{name: "bad date", hdr: []string{"If-Modified-Since", "yesterday"}, want: 200},
		{name: "etag wins over date", hdr: []string{"If-None-Match", `"nope"`, "If-Modified-Since", after}, want: 200},
		{name: "HEAD matching etag", hdr: []string{"If-None-Match", etag}, want: 304},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := "GET"
			if strings.HasPrefix(tt.name, "HEAD") {
				method = "HEAD"
			}
			w := get(t, h, method, "/p/", tt.hdr...)
			assert.Equal(t, tt.want, w.Code)
			assert.Equal(t, "hit", cacheState(w))
			assert.Equal(t, "Accept-Encoding", w.Header().Get("Vary"))
			assert.NotEmpty(t, w.Header().Get("ETag"))
			if tt.want == 304 {
				assert.Empty(t, w.Body.Bytes())
				assert.Empty(t, w.Header().Get("Content-Length"))
				assert.Empty(t, w.Header().Get("Content-Encoding"))
			} else if method == "GET" {
				assert.NotEmpty(t, w.Body.Bytes())
			}
		})
	}
}

func TestPageCache_DateWithinSecondOfChange(t *testing.T) {
	clock := newFakeClock()
	c := pagecache.New(1<<20, clock.Now)
	body := "v1"
	page := &counted{h: func(w http.ResponseWriter, r *http.Request) {
		pagecache.Depends(w, pagecache.Thread("1"))
		_, _ = io.WriteString(w, body)
	}}
	h := c.Wrap(page)
	first := get(t, h, "GET", "/p/")
	require.Equal(t, "v1", first.Body.String())
	clock.Add(300 * time.Millisecond)
	c.Apply(blog.Change{Kind: blog.ChangeComment, Thread: "1"})
	body = "v2"
	clock.Add(300 * time.Millisecond)
	second := get(t, h, "GET", "/p/", "If-Modified-Since", first.Header().Get("Last-Modified"))
	assert.Equal(t, first.Header().Get("Last-Modified"), second.Header().Get("Last-Modified"), "same second")
	assert.Equal(t, http.StatusOK, second.Code, "a page from the second of a change is not 'not modified' by date")
	assert.Equal(t, "v2", second.Body.String())

	clock.Add(2 * time.Second)
	c.Apply(blog.Change{Kind: blog.ChangeComment, Thread: "1"})
	clock.Add(time.Second)
	third := get(t, h, "GET", "/p/")
	fourth := get(t, h, "GET", "/p/", "If-Modified-Since", third.Header().Get("Last-Modified"))
	assert.Equal(t, http.StatusNotModified, fourth.Code)
}

func TestPageCache_Gzip(t *testing.T) {
	body := longBody(8000)
	tests := []struct {
		accept []string
		gzip   bool
	}{
		{accept: nil, gzip: false},
		{accept: []string{"gzip"}, gzip: true},
		{accept: []string{"GZIP"}, gzip: true},
		{accept: []string{"x-gzip"}, gzip: true},
		{accept: []string{"gzip, deflate, br"}, gzip: true},
		{accept: []string{"br", "gzip"}, gzip: true},
		{accept: []string{"gzip;q=0"}, gzip: false},
		{accept: []string{"gzip; q=0.000"}, gzip: false},
		{accept: []string{"gzip;q=0.001"}, gzip: true},
		{accept: []string{"gzip;q=0.5, identity;q=1"}, gzip: false},
		{accept: []string{"identity;q=0.2, gzip;q=0.5"}, gzip: true},
		{accept: []string{"identity"}, gzip: false},
		{accept: []string{"*"}, gzip: true},
		{accept: []string{"*;q=0"}, gzip: false},
		{accept: []string{"gzip;q=0, *"}, gzip: false},
		{accept: []string{"br, deflate"}, gzip: false},
		{accept: []string{""}, gzip: false},
	}
	c := pagecache.New(1<<20, newFakeClock().Now)
	h := c.Wrap(htmlPage(body))
	get(t, h, "GET", "/p/")
	for _, tt := range tests {
		t.Run(strings.Join(tt.accept, "|"), func(t *testing.T) {
			var hdr []string
			for _, a := range tt.accept {
				hdr = append(hdr, "Accept-Encoding", a)
			}
			w := get(t, h, "GET", "/p/", hdr...)
			require.Equal(t, http.StatusOK, w.Code)
			assert.Equal(t, "hit", cacheState(w))
			assert.Equal(t, "Accept-Encoding", w.Header().Get("Vary"))
			assert.Equal(t, "text/html; charset=utf-8", w.Header().Get("Content-Type"))
			assert.Equal(t, strconv.Itoa(w.Body.Len()), w.Header().Get("Content-Length"))
			if !tt.gzip {
				assert.Empty(t, w.Header().Get("Content-Encoding"))
				assert.Equal(t, body, w.Body.String())
				return
			}
			assert.Equal(t, "gzip", w.Header().Get("Content-Encoding"))
			assert.Less(t, w.Body.Len(), len(body)/2)
			zr, err := gzip.NewReader(w.Body)
			require.NoError(t, err)
			got, err := io.ReadAll(zr)
			require.NoError(t, err)
			assert.Equal(t, body, string(got))
		})
	}

	t.Run("not compressed", func(t *testing.T) {
		for _, tt := range []struct {
			name, ctype string
			size        int
		}{
			{"small", "text/html", 100},
			{"image", "image/png", 8000},
		} {
			c := pagecache.New(1<<20, newFakeClock().Now)
			h := c.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.ctype)
				_, _ = io.WriteString(w, longBody(tt.size)[:tt.size])
			}))
			get(t, h, "GET", "/x")
			w := get(t, h, "GET", "/x", "Accept-Encoding", "gzip")
			assert.Equal(t, "hit", cacheState(w), tt.name)
			assert.Empty(t, w.Header().Get("Content-Encoding"), tt.name)
			assert.Equal(t, tt.size, w.Body.Len(), tt.name)
		}
	})
}

func TestPageCache_Head(t *testing.T) {
	body := longBody(3000)
	var methods []string
	var mu sync.Mutex
	page := &counted{h: func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		methods = append(methods, r.Method)
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		if r.Method == http.MethodHead {
			return // like http.ServeContent: no body for HEAD
		}
		_, _ = io.WriteString(w, body)
	}}
	c := pagecache.New(1<<20, newFakeClock().Now)
	h := c.Wrap(page)

	head := get(t, h, "HEAD", "/p/", "If-None-Match", `"x"`)
	assert.Equal(t, http.StatusOK, head.Code)
	assert.Equal(t, "miss", cacheState(head))
	assert.Empty(t, head.Body.Bytes())
	assert.Equal(t, strconv.Itoa(len(body)), head.Header().Get("Content-Length"))
	assert.Equal(t, []string{"GET"}, methods, "a HEAD miss renders the full GET")

	full := get(t, h, "GET", "/p/")
	assert.Equal(t, "hit", cacheState(full))
	assert.Equal(t, body, full.Body.String())

	headHit := get(t, h, "HEAD", "/p/", "Accept-Encoding", "gzip")
	assert.Equal(t, "hit", cacheState(headHit))
	assert.Empty(t, headHit.Body.Bytes())
	assert.Equal(t, "gzip", headHit.Header().Get("Content-Encoding"))
	assert.EqualValues(t, 1, page.calls.Load())
}

func TestPageCache_MissIsConditionalToo(t *testing.T) {
	// The handler answers conditionals itself (like the feeds); the cache
	// renders the full page anyway and answers the conditional from it.
	body := longBody(3000)
	page := &counted{h: func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "", time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), strings.NewReader(body))
	}}
	c := pagecache.New(1<<20, newFakeClock().Now)
	h := c.Wrap(page)
	w := get(t, h, "GET", "/feed/", "If-Modified-Since", time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC).Format(http.TimeFormat))
	assert.Equal(t, http.StatusOK, w.Code, "the cache's own Last-Modified is newer")
	assert.Equal(t, body, w.Body.String())
	assert.Equal(t, []string{"hit"}, get(t, h, "GET", "/feed/").Header()["X-Folio-Cache"])
}

// site is a set of pages with their dependencies.
var sitePages = map[string][]string{
	"/post/1/":      {pagecache.Post(1), pagecache.Thread("1"), pagecache.Like(1), pagecache.Lists},
	"/post/2/":      {pagecache.Post(2), pagecache.Thread("2"), pagecache.Like(2), pagecache.Lists},
	"/post/1/feed/": {pagecache.Post(1), pagecache.Thread("1")},
	"/":             {pagecache.Lists, pagecache.Like(1), pagecache.Like(2)},
	"/page/3/":      {pagecache.Post(3)},
	"/about/":       nil,
	"/everything/":  {pagecache.Post(3), pagecache.All},
	"/robots.txt":   {pagecache.Static},
}

func newSite(tb testing.TB, c *pagecache.Cache) http.Handler {
	tb.Helper()
	mux := http.NewServeMux()
	for path, deps := range sitePages {
		mux.Handle(path, htmlPage("page "+path, deps...))
	}
	h := c.Wrap(mux)
	for path := range sitePages {
		require.Equal(tb, "miss", cacheState(get(tb, h, "GET", path)))
	}
	require.Len(tb, c.Keys(), len(sitePages))
	return h
}

func TestPageCache_Apply(t *testing.T) {
	tests := []struct {
		name   string
		change blog.Change
		kept   []string
	}{
		{name: "post", change: blog.Change{Kind: blog.ChangePost, PostID: 1}, kept: []string{"/page/3/", "/robots.txt"}},
		{name: "other post", change: blog.Change{Kind: blog.ChangePost, PostID: 3}, kept: []string{"/post/1/feed/", "/robots.txt"}},
		{name: "comment", change: blog.Change{Kind: blog.ChangeComment, Thread: "1"}, kept: []string{"/", "/page/3/", "/post/2/", "/robots.txt"}},
		{name: "comment elsewhere", change: blog.Change{Kind: blog.ChangeComment, Thread: "99"},
			kept: []string{"/", "/page/3/", "/post/1/", "/post/1/feed/", "/post/2/", "/robots.txt"}},
		{name: "like", change: blog.Change{Kind: blog.ChangeLike, PostID: 2}, kept: []string{"/page/3/", "/post/1/", "/post/1/feed/", "/robots.txt"}},
		{name: "flush", change: blog.Change{Kind: blog.ChangeFlush}, kept: nil},
		{name: "unknown kind", change: blog.Change{Kind: "tag"}, kept: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := pagecache.New(1<<20, newFakeClock().Now)
			h := newSite(t, c)
			before := c.Stats().Evictions
			c.Apply(tt.change)
			assert.Equal(t, tt.kept, c.Keys())
			assert.EqualValues(t, len(sitePages)-len(tt.kept), c.Stats().Evictions-before)
			for path := range sitePages {
				want := "miss"
				if slices.Contains(tt.kept, path) {
					want = "hit"
				}
				assert.Equal(t, want, cacheState(get(t, h, "GET", path)), path)
			}
			assert.Len(t, c.Keys(), len(sitePages))
		})
	}
}

func TestPageCache_LRU(t *testing.T) {
	body := strings.Repeat("z", 1000)
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = io.WriteString(w, body)
	})
	probe := pagecache.New(1<<20, newFakeClock().Now)
	get(t, probe.Wrap(mux), "GET", "/page-00")
	size := probe.Stats().Bytes
	require.Positive(t, size)

	c := pagecache.New(10*size, newFakeClock().Now) // room for ten pages
	h := c.Wrap(mux)
	path := func(i int) string { return "/page-" + string(rune('a'+i)) + "0" }
	for i := range 10 {
		require.Equal(t, "miss", cacheState(get(t, h, "GET", path(i))))
	}
	require.Len(t, c.Keys(), 10)
	require.Equal(t, "hit", cacheState(get(t, h, "GET", path(0))), "page 0 is now the most recent")
	for i := 10; i < 12; i++ {
		get(t, h, "GET", path(i))
	}
	st := c.Stats()
	assert.Equal(t, 10, st.Entries)
	assert.LessOrEqual(t, st.Bytes, 10*size)
	assert.EqualValues(t, 2, st.Evictions)
	keys := c.Keys()
	assert.Contains(t, keys, path(0))
	assert.NotContains(t, keys, path(1))
	assert.NotContains(t, keys, path(2))
	assert.Contains(t, keys, path(3))
	assert.Contains(t, keys, path(11))
}

func TestPageCache_Oversize(t *testing.T) {
	tests := []struct {
		name   string
		chunks int
	}{
		{name: "one write", chunks: 1},
		{name: "many writes", chunks: 10},
	}
	body := longBody(3000)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := pagecache.New(16000, newFakeClock().Now) // at most 2000 bytes a page
			page := &counted{h: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				step := len(body)/tt.chunks + 1
				for i := 0; i < len(body); i += step {
					_, _ = io.WriteString(w, body[i:min(i+step, len(body))])
				}
			}}
			h := c.Wrap(page)
			for range 2 {
				w := get(t, h, "GET", "/big/", "Accept-Encoding", "gzip")
				assert.Equal(t, http.StatusOK, w.Code)
				assert.Equal(t, "miss", cacheState(w))
				assert.Equal(t, body, w.Body.String())
				assert.Equal(t, "text/html", w.Header().Get("Content-Type"))
			}
			assert.EqualValues(t, 2, page.calls.Load())
			assert.Empty(t, c.Keys())
		})
	}
}

func TestPageCache_ConcurrentMisses(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		renders int64
		state   string
	}{
		{name: "cacheable renders once", status: 200, renders: 1, state: "hit"},
		{name: "not found renders each", status: 404, renders: 8, state: "miss"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const n = 8
			entered := make(chan struct{}, n)
			release := make(chan struct{})
			page := &counted{h: func(w http.ResponseWriter, r *http.Request) {
				entered <- struct{}{}
				<-release
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, "the page")
			}}
			c := pagecache.New(1<<20, newFakeClock().Now)
			h := c.Wrap(page)
			states := make([]string, n)
			var wg sync.WaitGroup
			wg.Go(func() { states[0] = cacheState(get(t, h, "GET", "/p/")) })
			<-entered
			for i := 1; i < n; i++ {
				wg.Go(func() {
					w := get(t, h, "GET", "/p/")
					assert.Equal(t, "the page", w.Body.String())
					states[i] = cacheState(w)
				})
			}
			time.Sleep(50 * time.Millisecond) // let them queue behind the first render
			close(release)
			wg.Wait()
			assert.Equal(t, tt.renders, page.calls.Load())
			assert.Equal(t, "miss", states[0])
			for i := 1; i < n; i++ {
				assert.Equal(t, tt.state, states[i])
			}
		})
	}
}

func TestPageCache_ChangeDuringRender(t *testing.T) {
	tests := []struct {
		name   string
		deps   []string
		change blog.Change
		kept   bool
	}{
		{name: "its thread", deps: []string{pagecache.Post(1), pagecache.Thread("1")}, change: blog.Change{Kind: blog.ChangeComment, Thread: "1"}, kept: false},
		{name: "another thread", deps: []string{pagecache.Post(1), pagecache.Thread("1")}, change: blog.Change{Kind: blog.ChangeComment, Thread: "2"}, kept: true},
		{name: "its post", deps: []string{pagecache.Post(1)}, change: blog.Change{Kind: blog.ChangePost, PostID: 1}, kept: false},
		{name: "a listing", deps: []string{pagecache.Lists}, change: blog.Change{Kind: blog.ChangePost, PostID: 7}, kept: false},
		{name: "its likes", deps: []string{pagecache.Like(1)}, change: blog.Change{Kind: blog.ChangeLike, PostID: 1}, kept: false},
		{name: "flush", deps: []string{pagecache.Post(1)}, change: blog.Change{Kind: blog.ChangeFlush}, kept: false},
		{name: "no dependencies", deps: nil, change: blog.Change{Kind: blog.ChangeLike, PostID: 9}, kept: false},
		{name: "all", deps: []string{pagecache.All}, change: blog.Change{Kind: blog.ChangeLike, PostID: 9}, kept: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entered := make(chan struct{}, 2)
			release := make(chan struct{})
			c := pagecache.New(1<<20, newFakeClock().Now)
			var version atomic.Int64
			page := &counted{h: func(w http.ResponseWriter, r *http.Request) {
				v := version.Load()
				entered <- struct{}{}
				<-release
				pagecache.Depends(w, tt.deps...) // declared late, after the change
				_, _ = io.WriteString(w, "version "+strconv.FormatInt(v, 10))
			}}
			h := c.Wrap(page)
			done := make(chan *httptest.ResponseRecorder)
			go func() { done <- get(t, h, "GET", "/post/1/") }()
			<-entered
			version.Store(1)
			c.Apply(tt.change)
			close(release)
			first := <-done
			assert.Equal(t, "miss", cacheState(first))
			assert.Equal(t, "version 0", first.Body.String(), "the request in flight gets its render")

			next := get(t, h, "GET", "/post/1/")
			if tt.kept {
				assert.Equal(t, "hit", cacheState(next))
				assert.EqualValues(t, 1, page.calls.Load())
			} else {
				assert.Equal(t, "miss", cacheState(next))
				assert.Equal(t, "version 1", next.Body.String())
				assert.EqualValues(t, 2, page.calls.Load())
			}
			rendering, generations, _ := c.InFlight()
			assert.Zero(t, rendering)
			assert.Zero(t, generations, "no generations kept once renders end")
		})
	}
}

func TestPageCache_Expiry(t *testing.T) {
	t.Run("max age", func(t *testing.T) {
		clock := newFakeClock()
		c := pagecache.New(1<<20, clock.Now, pagecache.WithMaxAge(10*time.Minute))
		page := htmlPage("p", pagecache.Post(1))
		h := c.Wrap(page)
		get(t, h, "GET", "/p/")
		clock.Add(9 * time.Minute)
		assert.Equal(t, "hit", cacheState(get(t, h, "GET", "/p/")))
		clock.Add(time.Minute)
		assert.Equal(t, "miss", cacheState(get(t, h, "GET", "/p/")))
		assert.EqualValues(t, 2, page.calls.Load())
	})
	t.Run("expire at", func(t *testing.T) {
		clock := newFakeClock()
		expired := make(chan struct{}, 1)
		c := pagecache.New(1<<20, clock.Now, pagecache.WithOnExpire(func() { expired <- struct{}{} }))
		h := newSite(t, c)
		c.ExpireAt(clock.Now().Add(20 * time.Minute))
		c.ExpireAt(clock.Now().Add(10 * time.Minute)) // the earlier one wins
		c.ExpireAt(clock.Now().Add(30 * time.Minute))
		c.ExpireAt(time.Time{})
		clock.Add(9 * time.Minute)
		assert.Equal(t, "hit", cacheState(get(t, h, "GET", "/post/1/")))
		clock.Add(time.Minute)
		assert.Equal(t, "miss", cacheState(get(t, h, "GET", "/post/1/")))
		assert.Equal(t, []string{"/post/1/"}, c.Keys(), "everything else went")
		select {
		case <-expired:
		case <-time.After(5 * time.Second):
			t.Fatal("onExpire not called")
		}
		clock.Add(time.Hour - time.Minute)
		assert.Equal(t, "hit", cacheState(get(t, h, "GET", "/post/1/")), "an expiry fires once")
	})
}

// fakeFeed is a ChangeFeed over a channel the test writes.
type fakeFeed struct{ ch chan blog.Change }

func (f *fakeFeed) Changes(ctx context.Context) <-chan blog.Change {
	out := make(chan blog.Change, 16)
	go func() {
		defer close(out)
		for {
			select {
			case c := <-f.ch:
				out <- c
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// directFeed hands out its channel as is.
type directFeed chan blog.Change

func (f directFeed) Changes(context.Context) <-chan blog.Change { return f }

func TestPageCache_Watch(t *testing.T) {
	t.Run("applies changes", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		feed := &fakeFeed{ch: make(chan blog.Change)}
		c := pagecache.New(1<<20, newFakeClock().Now)
		seen := make(chan blog.Change, 4)
		done := c.Watch(ctx, feed, func(ch blog.Change) { seen <- ch })
		h := newSite(t, c)

		feed.ch <- blog.Change{Kind: blog.ChangeComment, Thread: "2"}
		got := <-seen
		assert.Equal(t, blog.Change{Kind: blog.ChangeComment, Thread: "2"}, got)
		assert.NotContains(t, c.Keys(), "/post/2/")
		assert.Contains(t, c.Keys(), "/post/1/")

		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("watch did not stop")
		}
		assert.Empty(t, c.Keys(), "emptied when the feed ends")
		assert.Equal(t, "bypass", cacheState(get(t, h, "GET", "/post/1/")), "nothing cached without a feed")
	})
	t.Run("feed closes", func(t *testing.T) {
		feed := make(directFeed)
		c := pagecache.New(1<<20, newFakeClock().Now)
		done := c.Watch(t.Context(), feed, nil)
		close(feed)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("watch did not stop")
		}
		assert.True(t, c.Closed())
	})
	t.Run("a write is applied before its answer", func(t *testing.T) {
		feed := make(directFeed, 8)
		c := pagecache.New(1<<20, newFakeClock().Now)
		c.Watch(t.Context(), feed, nil)
		mux := http.NewServeMux()
		post := htmlPage("post", pagecache.Thread("1"))
		mux.Handle("GET /post/1/", post)
		mux.HandleFunc("POST /comments", func(w http.ResponseWriter, r *http.Request) {
			feed <- blog.Change{Kind: blog.ChangeComment, Thread: "1"} // the store's event
			http.Redirect(w, r, "/post/1/", http.StatusSeeOther)
		})
		h := c.Wrap(mux)
		for i := range 20 {
			get(t, h, "GET", "/post/1/")
			require.Equal(t, "hit", cacheState(get(t, h, "GET", "/post/1/")))
			w := get(t, h, "POST", "/comments")
			require.Equal(t, http.StatusSeeOther, w.Code)
			require.Equal(t, "miss", cacheState(get(t, h, "GET", "/post/1/")), "round %d", i)
		}
	})
}

type unwrapper struct{ http.ResponseWriter }

func (u unwrapper) Unwrap() http.ResponseWriter { return u.ResponseWriter }

func TestDepends(t *testing.T) {
	pagecache.Depends(httptest.NewRecorder(), pagecache.Post(1)) // outside the cache: nothing happens

	c := pagecache.New(1<<20, newFakeClock().Now)
	h := c.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pagecache.Depends(unwrapper{w}, pagecache.Thread("5"), pagecache.Post(5))
		pagecache.Depends(w, pagecache.Thread("5"))
		_, _ = io.WriteString(w, "x")
	}))
	get(t, h, "GET", "/x")
	assert.Equal(t, []string{pagecache.Post(5), pagecache.Thread("5")}, c.Deps("/x"))
}

func TestPageCache_Stats(t *testing.T) {
	c := pagecache.New(1<<20, newFakeClock().Now)
	h := c.Wrap(htmlPage(longBody(5000), pagecache.Post(1)))
	get(t, h, "GET", "/p/")
	get(t, h, "GET", "/p/")
	get(t, h, "GET", "/p/", "Authorization", "Bearer t")
	st := c.Stats()
	assert.EqualValues(t, 1, st.Hits)
	assert.EqualValues(t, 1, st.Misses)
	assert.EqualValues(t, 1, st.Bypasses)
	assert.Equal(t, 1, st.Entries)
	assert.Greater(t, st.Bytes, int64(5000), "identity body counted")
	c.Apply(blog.Change{Kind: blog.ChangePost, PostID: 1})
	st = c.Stats()
	assert.EqualValues(t, 1, st.Evictions)
	assert.Zero(t, st.Bytes)
	assert.Zero(t, st.Entries)
}

func TestPageCache_PanicReleasesWaiters(t *testing.T) {
	c := pagecache.New(1<<20, newFakeClock().Now)
	var calls atomic.Int64
	h := c.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			panic(http.ErrAbortHandler)
		}
		_, _ = io.WriteString(w, "ok")
	}))
	assert.Panics(t, func() { get(t, h, "GET", "/p/") })
	w := get(t, h, "GET", "/p/")
	assert.Equal(t, "ok", w.Body.String())
	assert.Equal(t, "miss", cacheState(w))
	rendering, _, flights := c.InFlight()
	assert.Zero(t, flights)
	assert.Zero(t, rendering)
}

func TestAcceptsGzipAndETags(t *testing.T) {
	assert.True(t, pagecache.ETagMatches([]string{` "a" ,"b"`}, `"b"`))
	assert.False(t, pagecache.ETagMatches([]string{`a, "b"`}, `"b"`), "a malformed list is ignored")
	assert.False(t, pagecache.ETagMatches([]string{`"b`}, `"b"`))
	assert.False(t, pagecache.ETagMatches(nil, `"b"`))
	for _, tt := range []struct {
		in   string
		want int
	}{
		{"", 1000}, {"q=1", 1000}, {"q=0", 0}, {"q=0.5", 500}, {" Q = 0.25 ", 250},
		{"q=0.001", 1}, {"q=1.000", 1000}, {"q=2", 1000}, {"q=0.12345", 1000}, {"level=1;q=0", 0},
	} {
		assert.Equal(t, tt.want, pagecache.QValue(tt.in), tt.in)
	}
	assert.True(t, pagecache.HasCookie([]string{"a=1;b=2", "folio_x=3"}, []string{"folio_x"}))
	assert.False(t, pagecache.HasCookie([]string{"folio_xy=3; xfolio_x=1"}, []string{"folio_x"}))
	assert.True(t, pagecache.QueryAllowed("", nil))
	assert.True(t, pagecache.QueryAllowed("s=a&&s=b", []string{"s"}))
	assert.False(t, pagecache.QueryAllowed("s=a&t", []string{"s"}))
}

// dependsOnPost declares the dependencies of a post's page: its content,
// its comments and its likes.
func dependsOnPost(w http.ResponseWriter, p *blog.Post) {
	pagecache.Depends(w, pagecache.Post(p.ID), pagecache.Thread(strconv.FormatInt(p.ID, 10)), pagecache.Like(p.ID))
}

func TestDepends_PostPage(t *testing.T) {
	c := pagecache.New(1<<20, newFakeClock().Now)
	h := c.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		dependsOnPost(w, &blog.Post{ID: 42})
		_, _ = io.WriteString(w, "x")
	}))
	get(t, h, "GET", "/x")
	for _, ch := range []blog.Change{
		{Kind: blog.ChangePost, PostID: 42},
		{Kind: blog.ChangeComment, Thread: "42"},
		{Kind: blog.ChangeLike, PostID: 42},
	} {
		require.Equal(t, []string{"/x"}, c.Keys())
		c.Apply(blog.Change{Kind: blog.ChangeComment, Thread: "4"})
		require.Equal(t, []string{"/x"}, c.Keys(), "another thread")
		c.Apply(ch)
		assert.Empty(t, c.Keys(), ch.Kind)
		get(t, h, "GET", "/x")
	}
}

func FuzzCacheHeaders(f *testing.F) {
	for _, s := range []string{"gzip", "gzip;q=0", "*;q=0.5, identity;q=1", `W/"a", "b"`, `"x`, "a=1; folio_admin=2", "s=1&&after=2", ";q=", "q=1.0000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := pagecache.QValue(s)
		if q < 0 || q > 1000 {
			t.Fatalf("pagecache.QValue(%q) = %d", s, q)
		}
		gz := pagecache.AcceptsGzip([]string{s})
		if !strings.Contains(strings.ToLower(s), "gzip") && !strings.Contains(s, "*") && gz {
			t.Fatalf("pagecache.AcceptsGzip(%q) without gzip or *", s)
		}
		if pagecache.ETagMatches([]string{s}, `"`+s+`"`) && !strings.Contains(s, `"`) && !strings.Contains(s, "*") {
			t.Fatalf("pagecache.ETagMatches(%q) without a quoted tag", s)
		}
		_ = pagecache.HasCookie([]string{s}, []string{"folio_admin"})
		_ = pagecache.QueryAllowed(s, pagecache.DefaultQueryKeys)
	})
}

func TestPageCache_WatchMemstore(t *testing.T) {
	// The reference store's change feed, end to end: a like recorded by a
	// POST is visible on the very next GET of the post.
	store := memstore.New()
	ctx := t.Context()
	p := &blog.Post{Slug: "hello", Title: "Hello", Status: blog.StatusPublished}
	require.NoError(t, store.CreatePost(ctx, p))

	c := pagecache.New(1<<20, nil)
	c.Watch(ctx, store, nil)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /post/", func(w http.ResponseWriter, r *http.Request) {
		dependsOnPost(w, p)
		n, err := store.CountLikes(r.Context(), []int64{p.ID})
		require.NoError(t, err)
		_, _ = io.WriteString(w, "likes: "+strconv.Itoa(n[p.ID]))
	})
	mux.HandleFunc("POST /likes/", func(w http.ResponseWriter, r *http.Request) {
		_, err := store.AddLike(r.Context(), p.ID, r.URL.Query().Get("v"))
		require.NoError(t, err)
		http.Redirect(w, r, "/post/", http.StatusSeeOther)
	})
	h := c.Wrap(mux)
	for i := range 10 {
		get(t, h, "GET", "/post/")
		w := get(t, h, "GET", "/post/")
		require.Equal(t, "hit", cacheState(w))
		require.Equal(t, "likes: "+strconv.Itoa(i), w.Body.String())
		get(t, h, "POST", "/likes/?v="+strconv.Itoa(i))
		w = get(t, h, "GET", "/post/")
		assert.Equal(t, "miss", cacheState(w))
		assert.Equal(t, "likes: "+strconv.Itoa(i+1), w.Body.String())
	}
}

func TestPageCache_Options(t *testing.T) {
	c := pagecache.New(1<<20, newFakeClock().Now, pagecache.WithQueryKeys("page"), pagecache.WithBypassCookies("sid"))
	h := c.Wrap(htmlPage("x"))
	tests := []struct {
		target string
		hdr    []string
		want   string
	}{
		{target: "/?page=2", want: "hit"},
		{target: "/?s=a", want: "bypass"},
		{target: "/", hdr: []string{"Cookie", "sid=1"}, want: "bypass"},
		{target: "/", hdr: []string{"Cookie", "folio_admin=1"}, want: "hit"},
	}
	for _, tt := range tests {
		t.Run(tt.target+strings.Join(tt.hdr, ":"), func(t *testing.T) {
			get(t, h, "GET", tt.target, tt.hdr...)
			assert.Equal(t, tt.want, cacheState(get(t, h, "GET", tt.target, tt.hdr...)))
		})
	}
}
