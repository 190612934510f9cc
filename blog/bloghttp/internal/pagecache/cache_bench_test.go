package pagecache_test

import (
	"bytes"
	"compress/gzip"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/folioblog/folio/blog"
	"github.com/folioblog/folio/blog/bloghttp/internal/pagecache"
)

// benchPage is an HTML page of about n bytes with varied words, so that
// gzip does about as well as on a real post page.
func benchPage(n int) []byte {
	words := strings.Fields(`the a of and to in photo caption harbour morning light
		winter archive comment reply leave name email website january february
		march april walk river bridge tower market bread coffee window street
		garden evening quiet notes journal posted tagged category older newer`)
	rng := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	b.WriteString(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A post</title>` +
		`<link rel="stylesheet" href="/static/folio.css"></head><body><main><article class="post">`)
	for i := 0; b.Len() < n-200; i++ {
		if i%12 == 0 {
			b.WriteString(`<figure><img src="/media/` + strconv.Itoa(rng.IntN(1e6)) + `.jpg" alt=""><figcaption>(Photo: `)
			b.WriteString(words[rng.IntN(len(words))])
			b.WriteString(`)</figcaption></figure>`)
		}
		b.WriteString(`<li class="comment" id="comment-` + strconv.Itoa(1000+i) + `"><p>`)
		for range 12 + rng.IntN(30) {
			b.WriteString(words[rng.IntN(len(words))])
			b.WriteByte(' ')
		}
		b.WriteString("</p></li>\n")
	}
	b.WriteString(`</article></main></body></html>`)
	return b.Bytes()
}

// benchWriter is a ResponseWriter that keeps nothing, reused across
// iterations like a server's connection buffers.
type benchWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *benchWriter) Header() http.Header         { return w.h }
func (w *benchWriter) WriteHeader(status int)      { w.status = status }
func (w *benchWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

func (w *benchWriter) reset() {
	clear(w.h)
	w.status, w.n = 0, 0
}

// BenchmarkPageCache compares answering a 60 KB page from the cache with
// a bare handler that writes the same bytes, in the same run.
func BenchmarkPageCache(b *testing.B) {
	body := benchPage(60 << 10)
	length := strconv.Itoa(len(body))
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pagecache.Depends(w, pagecache.Post(1), pagecache.Thread("1"), pagecache.Like(1), pagecache.Lists)
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Length", length)
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	})
	c := pagecache.New(64<<20, nil)
	cached := c.Wrap(bare)

	run := func(b *testing.B, h http.Handler, hdr ...string) {
		r := httptest.NewRequest("GET", "/2013/01/02/a-post/", nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		w := &benchWriter{h: make(http.Header)}
		h.ServeHTTP(w, r) // fill the cache
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		b.ResetTimer()
		for b.Loop() {
			w.reset()
			h.ServeHTTP(w, r)
		}
		b.StopTimer()
		if w.status != http.StatusOK && w.status != http.StatusNotModified {
			b.Fatalf("status %d", w.status)
		}
	}
	b.Run("bare", func(b *testing.B) { run(b, bare) })
	b.Run("hit-identity", func(b *testing.B) { run(b, cached) })
	b.Run("hit-gzip", func(b *testing.B) { run(b, cached, "Accept-Encoding", "gzip, deflate, br, zstd") })
	b.Run("hit-304", func(b *testing.B) {
		r := httptest.NewRequest("GET", "/2013/01/02/a-post/", nil)
		w := &benchWriter{h: make(http.Header)}
		cached.ServeHTTP(w, r)
		run(b, cached, "If-None-Match", w.h.Get("Etag"))
	})
	b.Run("miss", func(b *testing.B) {
		// Every request renders, hashes, compresses and stores again.
		r := httptest.NewRequest("GET", "/2013/01/02/a-post/", nil)
		r.Header.Set("Accept-Encoding", "gzip")
		w := &benchWriter{h: make(http.Header)}
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			c.Apply(blog.Change{Kind: blog.ChangeComment, Thread: "1"})
			w.reset()
			cached.ServeHTTP(w, r)
		}
	})
}

// BenchmarkPageCacheGzipLevel measures compressing a 60 KB page once at
// store time, and reports the compressed size.
func BenchmarkPageCacheGzipLevel(b *testing.B) {
	body := benchPage(60 << 10)
	for _, level := range []struct {
		name  string
		level int
	}{{"BestSpeed", gzip.BestSpeed}, {"Default", gzip.DefaultCompression}, {"Best", gzip.BestCompression}} {
		b.Run(level.name, func(b *testing.B) {
			c := pagecache.New(64<<20, nil, pagecache.WithGzipLevel(level.level))
			var n int
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				n = len(c.Compress(body))
			}
			b.ReportMetric(float64(n), "gzip-bytes")
			b.ReportMetric(float64(len(body))/float64(n), "ratio")
		})
	}
}
