package bloghttp_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"testing"
)

var ownMonthPath = regexp.MustCompile(`^/blog/[0-9]{4}/(0[1-9]|1[0-2])/$`)

// FuzzArchiveParam checks that the archive dropdown's parameter never
// redirects anywhere but one of the blog's own month pages.
func FuzzArchiveParam(f *testing.F) {
	for _, seed := range []string{"/blog/2013/01/", "https://evil.example/", "//evil.example", "/blog/2013/13/", "/blog//2013/01/", "/blog/2013/01/?x", "\\\\evil", "/blog/%2e%2e/"} {
		f.Add(seed)
	}
	s := newPageSite(f, pageSiteConfig{base: "http://example.com/blog/"})
	f.Fuzz(func(t *testing.T, archive string) {
		w := serveGet(s.srv, "/blog/?archive="+url.QueryEscape(archive))
		switch w.Code {
		case http.StatusSeeOther:
			loc := w.Header().Get("Location")
			if !ownMonthPath.MatchString(loc) {
				t.Fatalf("archive %q redirects to %q, not a month page of the blog", archive, loc)
			}
		case http.StatusBadRequest:
		default:
			t.Fatalf("archive %q: status %d", archive, w.Code)
		}
	})
}

// FuzzStaticName checks that /static/ serves the theme's files and nothing
// else, whatever the name.
func FuzzStaticName(f *testing.F) {
	for _, seed := range []string{"folio.css", "..%2fserver.go", "%2e%2e/x", "../../go.mod", "", ".", "archive.js/"} {
		f.Add(seed)
	}
	s := newPageSite(f, pageSiteConfig{})
	known := map[string]bool{"folio.css": true, "archive.js": true}
	f.Fuzz(func(t *testing.T, name string) {
		u, err := url.Parse("/static/" + name)
		if err != nil {
			return
		}
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.URL, r.RequestURI = u, ""
		w := httptest.NewRecorder()
		s.srv.ServeHTTP(w, r)
		if w.Code == http.StatusOK {
			got := u.Path[len("/static/"):]
			if !known[got] {
				t.Fatalf("GET %q served %q", u.String(), got)
			}
		}
	})
}

// serveGet serves a GET without the pageSite methods, which call Helper
// on the fuzz test's *testing.F.
func serveGet(h http.Handler, target string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
	return w
}
