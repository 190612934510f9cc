package bloghttp_test

import (
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/folioblog/folio/comments"
)

// benchSite is a blog of 30 posts, the newest with 40 comments.
func benchSite(b *testing.B) (*pageSite, string) {
	s := newPageSite(b, pageSiteConfig{})
	var path string
	for i := range 30 {
		p := s.post("Post "+strconv.Itoa(i), day(1, 1+i), nil)
		path = s.srv.PostPath(p)
		if i == 29 {
			for j := range 40 {
				s.comment(p, 0, "Reader "+strconv.Itoa(j), "A comment with *some* Markdown.", comments.StatusApproved)
			}
		}
	}
	return s, path
}

// BenchmarkPages compares the pages with serving a static file through the
// same Server (the baseline: routing, headers, no store or template work).
func BenchmarkPages(b *testing.B) {
	s, post := benchSite(b)
	for _, bc := range []struct{ name, target string }{
		{"baseline-static", "/static/folio.css"},
		{"home", "/"},
		{"month", "/2013/01/"},
		{"post", post},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w := serveGet(s.srv, bc.target)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d", bc.target, w.Code)
				}
			}
		})
	}
}

func TestPages_concurrent(t *testing.T) {
	s := newPageSite(t, pageSiteConfig{})
	p := s.post("Shared", day(1, 2), nil)
	s.comment(p, 0, "Bob", "Hi", comments.StatusApproved)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for _, target := range []string{"/", s.srv.PostPath(p), "/2013/01/", "/nope/", "/static/folio.css"} {
				w := serveGet(s.srv, target)
				if target == "/nope/" {
					if w.Code != http.StatusNotFound {
						t.Errorf("goroutine %d: %s: %d", i, target, w.Code)
					}
				} else if w.Code != http.StatusOK {
					t.Errorf("goroutine %d: %s: %d", i, target, w.Code)
				}
			}
		})
	}
	wg.Wait()
}
